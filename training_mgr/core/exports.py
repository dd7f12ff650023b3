"""Spreadsheet and CSV exports that are safe to open: formula injection neutralised, Arabic intact.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) would be run as a formula by Excel or LibreOffice,
so a participant named ``=HYPERLINK(...)`` could plant a link or worse in a manager's sheet.
Such strings get a leading apostrophe and come out as the text that was typed.

Every text cell is also made ``printable`` first (``core.text``): a vertical tab or NUL, illegal in the
XML inside an XLSX, would otherwise make the whole file fail to write, and a bidi override would turn a
cell's text backwards. Stored rows may hold such characters from before they were cleaned on input.
"""
import csv
import io

from .text import printable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """``value`` unchanged unless it is a string a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_text(value):
    """A cell value safe in any spreadsheet: strings ``printable`` and formulas neutralised; others unchanged."""
    return neutralise_formula(printable(value))


def csv_bytes(header, rows) -> bytes:
    """A CSV file in UTF-8 with a byte-order mark, so that Excel shows Arabic names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_text(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_text(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def with_progress(rows, total: int, progress=None, every: int = 10_000):
    """``rows`` as they come, calling ``progress(done, total)`` every ``every`` rows and once at the end (when
    ``progress`` is given): how a job reports the writing of a long export."""
    if progress is None:
        yield from rows
        return
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, total)
