"""Reading the one sheet of an uploaded XLSX workbook that holds a list, as text cells, saying plainly what stops
it: several sheets and none named as in the template, or formulas whose results were never saved."""
import io
import zipfile
from itertools import islice

from flask_babel import gettext as _

from ..core.domain import DomainError
from ..core.i18n import join_parts

#: the sheets of the downloadable templates that only explain the columns
HELP_SHEETS = ("help",)

#: how many cells with an unsaved formula result are named in the message
NAMED_CELLS = 5


def too_large_message(subject: str) -> str:
    """The refusal of a workbook too large once unpacked, naming what is imported: ``subject`` is "nominations"
    (a nomination list) or "questions" (a question bank)."""
    if subject == "questions":
        return _("This spreadsheet is too large once unpacked; keep only the question bank in it.")
    return _("This spreadsheet is too large once unpacked; keep only the nomination list in it.")


#: columns of a sheet read at most: the templates have about ten; a sheet's declared dimension (up to 16,384
#: columns) is ignored, so a tiny file cannot make every row be padded to thousands of empty cells
MAX_COLUMNS = 64


class WorkbookError(DomainError):
    """The workbook cannot be read as a list; the message says why and what to do. ``sheets``: the workbook's
    sheet titles when the question is which sheet to read (the error then belongs to the field "sheet")."""

    def __init__(self, message, field: str | None = None, sheets=()):
        super().__init__(message, field)
        self.sheets = tuple(sheets)


def read_sheet(data: bytes, *, preferred: str, max_rows: int, max_unpacked: int, chosen: str | None = None,
               subject: str = "nominations") -> list[list]:
    """The rows (lists of cell values; None for an empty cell) of the workbook's list: the sheet ``chosen`` by the
    user, else the sheet titled ``preferred`` (any case, as the template names it), else the only sheet, else the
    only one that is neither empty nor a help sheet; at most ``max_rows`` + 1 rows are read (the caller refuses
    more). Hidden sheets are never read nor offered. ``subject`` names what is imported in messages
    (``too_large_message``).

    Raises WorkbookError for a file bigger than ``max_unpacked`` bytes once unpacked, a file that is no XLSX,
    several candidate sheets or a ``chosen`` sheet the workbook lacks (with ``sheets``, for the user to choose),
    and formula cells whose result the file does not hold (naming the first cells: the program that wrote it did
    not calculate; open and save it in a spreadsheet program)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_unpacked:
            raise WorkbookError(too_large_message(subject))
        values = _open(load_workbook, data, data_only=True)
        sheet = _the_sheet(values, preferred, chosen)
        rows = [list(row) for row in islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), max_rows + 1)]
        values.close()
        uncached = []
        if any(value is None for row in rows for value in row):  # a formula without its result reads as empty
            formulas = _open(load_workbook, data, data_only=False)
            cells = formulas[sheet.title].iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for line, row in enumerate(islice(cells, max_rows + 1), 1):
                for column, formula in enumerate(row, 1):
                    if (isinstance(formula, str) and formula.startswith("=") and line <= len(rows)
                            and column <= len(rows[line - 1]) and rows[line - 1][column - 1] is None):
                        uncached.append(f"{get_column_letter(column)}{line}")
            formulas.close()
    except WorkbookError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or disguised file
        raise WorkbookError(_("This file could not be read as an XLSX spreadsheet.")) from None
    if uncached:
        raise WorkbookError(_(
            "Cells %(cells)s hold formulas whose results are not saved in the file (the program that wrote it did "
            "not calculate them). Open the file in a spreadsheet program and save it again, or type the values.",
            cells=join_parts(uncached[:NAMED_CELLS]) + (" …" if len(uncached) > NAMED_CELLS else "")))
    return rows


def _open(load_workbook, data: bytes, data_only: bool):
    """The workbook read-only, each sheet reading only the cells its file holds (not its declared dimension)."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    for sheet in workbook.worksheets:
        sheet.reset_dimensions()
    return workbook


def _the_sheet(workbook, preferred: str, chosen: str | None):
    # a hidden sheet is not what the user sees when opening the file: it is never read without being asked
    sheets = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    titles = [sheet.title for sheet in sheets]
    if chosen:
        named = [sheet for sheet in sheets if sheet.title.strip().casefold() == chosen.strip().casefold()]
        if named:
            return named[0]
        raise WorkbookError(_("This workbook has no sheet “%(sheet)s”: choose one of its sheets.", sheet=chosen),
                            field="sheet", sheets=titles)
    named = [sheet for sheet in sheets if sheet.title.strip().casefold() == preferred.casefold()]
    if named:
        return named[0]
    if len(sheets) == 1:
        return sheets[0]
    candidates = [sheet for sheet in sheets if sheet.title.strip().casefold() not in HELP_SHEETS
                  and any(any(value is not None for value in row)
                          for row in islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 5))]
    if len(candidates) == 1:
        return candidates[0]
    raise WorkbookError(_(
        "This workbook has several sheets (%(sheets)s) and none is named “%(preferred)s” as in the template: "
        "choose the sheet that holds the list.",
        sheets=join_parts(f"“{title}”" for title in titles), preferred=preferred), field="sheet", sheets=titles)
