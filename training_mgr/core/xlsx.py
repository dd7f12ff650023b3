"""Workbooks with sheets longer than openpyxl can hold: the rows of those sheets are streamed into the saved file.

openpyxl keeps an object per cell (write-only mode too builds and serialises one per cell): about 200 µs a
row of fourteen cells, so a million rows took minutes and gigabytes. Here openpyxl draws the workbook as
usual — every short sheet, and each long sheet's header row, styles, widths, frozen panes and direction —
and ``save`` then copies the file, writing each long sheet's rows into its ``<sheetData>`` as XML text, a
few microseconds a row, never holding more than one batch of rows.

Cells are written as openpyxl writes them: numbers as numbers, dates as day numbers with a date format,
text as inline strings. Text must be safe already (``core.exports.spreadsheet_text``): only ``&``, ``<``
and ``>`` are escaped here.

A sheet holds at most ``MAX_ROWS`` rows (Excel's limit, header included); ``sheets_needed`` says how many
sheets a list needs.
"""
import io
import re
import zipfile
from datetime import date, datetime
from itertools import islice

from openpyxl.utils import get_column_letter

#: rows of one sheet, Excel's limit (the header row included)
MAX_ROWS = 1_048_576
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
_EPOCH = date(1899, 12, 30)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_DIMENSION = re.compile(r"<dimension [^>]*/>")
_LETTERS = [get_column_letter(i) for i in range(1, 16385)]
#: cell tails remembered while a sheet is written (``StreamedSheet._xml``)
_MEMO_SIZE = 100_000


def sheets_needed(rows: int, header_rows: int = 1) -> int:
    """Sheets needed for ``rows`` rows under ``header_rows`` header rows each (at least one)."""
    per_sheet = MAX_ROWS - header_rows
    return max(1, -(-rows // per_sheet))


class StreamedSheet:
    """A sheet of ``workbook`` whose rows after its header come from ``rows`` (lists of values: int, float,
    date, str or None) when the workbook is saved with ``save``. ``percent_columns`` (0-based) show floats
    as percentages. The sheet must have exactly its header rows when saved."""

    def __init__(self, sheet, rows, percent_columns=()):
        self.sheet, self.rows = sheet, rows
        self.first_row = sheet.max_row + 1
        self.styles = {"date": _style_id(sheet, DATE_FORMAT), "percent": _style_id(sheet, PERCENT_FORMAT)}
        self.percent_columns = set(percent_columns)

    def _xml(self):
        """The sheet's streamed rows as chunks of XML text, and finally their number (``self.written``).

        A cell is its reference and a tail that depends only on its value and style; the tails of texts, dates and
        numbers seen before (titles, organisations, labels, days) are taken from a bounded memo instead of being made
        again."""
        letters, texts, memo, percent_columns = _LETTERS, {}, {}, self.percent_columns
        self.written, number, chunk = 0, self.first_row, []
        for values in islice(self.rows, MAX_ROWS - self.first_row + 1):
            row = str(number)
            cells = []
            for column, value in enumerate(values):
                kind = type(value)
                if kind is str:
                    if not value:
                        continue
                    tail = texts.get(value)
                    if tail is None:
                        tail = self._tail(value, False)
                        if len(texts) < _MEMO_SIZE:
                            texts[value] = tail
                elif kind is int:
                    tail = f"><v>{value}</v></c>"
                elif value is None or value == "":
                    continue
                else:  # 1.0 and True are equal to 1: the type is part of the key
                    key = (kind, value, column in percent_columns)
                    tail = memo.get(key)
                    if tail is None:
                        tail = self._tail(value, key[2])
                        if len(memo) < _MEMO_SIZE:
                            memo[key] = tail
                cells.append(f'<c r="{letters[column]}{row}"{tail}')
            chunk.append(f'<row r="{row}">{"".join(cells)}</row>')
            number += 1
            if len(chunk) == 1000:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)
        self.written = number - self.first_row

    def _tail(self, value, percent: bool) -> str:
        """What follows a cell's reference in its XML, for ``value`` (``percent``: shown as a percentage)."""
        if isinstance(value, str):
            space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            return f' t="inlineStr"><is><t{space}>{value.translate(_ESCAPES)}</t></is></c>'
        if isinstance(value, bool):
            return f' t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            style = f' s="{self.styles["percent"]}"' if percent and isinstance(value, float) else ""
            return f'{style}><v>{value!r}</v></c>'
        if isinstance(value, date) and not isinstance(value, datetime):
            return f' s="{self.styles["date"]}"><v>{(value - _EPOCH).days}</v></c>'
        raise TypeError(f"cannot write {type(value).__name__} to a streamed sheet")


def _style_id(sheet, number_format) -> int:
    """The index of a cell style with ``number_format`` in the workbook's styles (added if new)."""
    cell = sheet.cell(row=sheet.max_row + 1, column=1)
    cell.number_format = number_format
    style_id = cell.style_id
    del sheet._cells[(cell.row, cell.column)]  # only its style was wanted
    return style_id


def save(workbook, streamed, output=None):
    """Save ``workbook`` with the rows of the ``streamed`` sheets (``StreamedSheet``, in the order they are
    to be written) into ``output`` (a binary file), or return the file's bytes."""
    drawn = io.BytesIO()
    workbook.save(drawn)
    by_path = {s.sheet.path.lstrip("/"): s for s in streamed}
    target = output or io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(drawn.getvalue())) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as result:
        for info in source.infolist():
            data = source.read(info.filename)
            sheet = by_path.get(info.filename)
            if sheet is None:
                result.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            # the sheet's size as drawn is wrong once rows are added; it is optional, so it goes
            xml = _DIMENSION.sub("", data.decode("utf-8"), count=1).replace("<sheetData/>", "<sheetData></sheetData>")
            head, tail = xml.split("</sheetData>", 1)
            with result.open(info.filename, "w", force_zip64=True) as file:
                file.write(head.encode("utf-8"))
                for chunk in sheet._xml():
                    file.write(chunk.encode("utf-8"))
                file.write(("</sheetData>" + tail).encode("utf-8"))
    if output is None:
        return target.getvalue()
    return None
