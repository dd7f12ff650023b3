"""Spreadsheet and CSV exports that are safe to open: formula injection neutralised, Arabic intact.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) would be run as a formula by Excel or LibreOffice,
so a participant named ``=HYPERLINK(...)`` could plant a link or worse in a manager's sheet.
Such strings get a leading apostrophe and come out as the text that was typed.
"""
import csv
import io

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """``value`` unchanged unless it is a string a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_bytes(header, rows) -> bytes:
    """A CSV file in UTF-8 with a byte-order mark, so that Excel shows Arabic names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_formula(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise_formula(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
