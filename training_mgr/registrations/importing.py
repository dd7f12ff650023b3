"""Importing a nomination list (CSV or XLSX): check the upload, preview every row, then import all or nothing.

The preview and the import run the same validation, so what the officer confirmed is checked again
against the database of the moment; the validated rows travel between the two as a signed payload
in the confirmation form (nothing is kept on the server in between).
"""
import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..auth.services import normalise_email
from ..core.domain import DomainError
from ..core.exports import csv_bytes
from ..core.i18n import join_parts
from ..core.text import clean_text, fold
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import Participant
from . import notifications, workbooks
from .models import Registration
from .services import RegistrationError, add_registration, check_can_register, lock_seats

#: the columns of a nomination list, in the template's order
IMPORT_COLUMNS = ("name", "name_ar", "sex", "organisation", "position", "email", "phone", "nominated_by")
REQUIRED_COLUMNS = ("name", "sex", "organisation", "email")
#: longest accepted value per column (the database's limits)
MAX_LENGTHS = {"name": 200, "name_ar": 200, "organisation": 200, "position": 200, "email": 254, "phone": 40, "nominated_by": 200}
SEX_WORDS = {"female": "female", "f": "female", "woman": "female", "أنثى": "female", "انثى": "female",
             "male": "male", "m": "male", "man": "male", "ذكر": "male"}
MAX_IMPORT_ROWS = 1000
#: an XLSX is a zip archive: one that unpacks to more than this is refused unread (a "zip bomb" could
#: hold millions of rows in a few hundred kilobytes)
MAX_XLSX_UNPACKED_BYTES = 10 * 1024 * 1024
#: rows of a sheet read at most, blank ones included
MAX_XLSX_SHEET_ROWS = 10 * MAX_IMPORT_ROWS
#: how long a preview may wait for its confirmation
PREVIEW_MAX_AGE_SECONDS = 3600
ALLOWED_EXTENSIONS = ("csv", "xlsx")


class NominationImportError(DomainError):
    """The file or the import was refused as a whole; the message is shown to the user. ``sheets``: the workbook's
    sheet titles when the user must choose the sheet to read (the error then belongs to the field "sheet")."""

    sheets = ()


@dataclass
class ImportRow:
    """One row of the nomination list and what importing it will do."""

    #: the row's number in the file (the header is line 1)
    line: int
    values: dict
    errors: list = field(default_factory=list)
    #: the existing participant matched by e-mail, or None for a new one
    participant: Participant | None = None
    organisation: Organisation | None = None

    @property
    def action(self) -> str:
        """new, existing or error"""
        if self.errors:
            return "error"
        return "existing" if self.participant is not None else "new"


@dataclass
class ImportPreview:
    rows: list
    #: problems with the file as a whole: (line, message)
    file_errors: list = field(default_factory=list)

    @property
    def bad_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.bad_rows

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


# --- the upload ----------------------------------------------------------------------------------

def check_upload(filename: str, data: bytes, max_bytes: int) -> str:
    """Refuse a file that is too large or not a CSV/XLSX spreadsheet, before anything parses it; return its kind."""
    if len(data) > max_bytes:
        raise NominationImportError(_("The file is too large: at most %(size)s MB is accepted.", size=f"{max_bytes / 1048576:g}"))
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise NominationImportError(_("Please upload a CSV or XLSX spreadsheet."))
    if not data.strip():
        raise NominationImportError(_("The file is empty."))
    if extension == "xlsx" and not data.startswith(b"PK\x03\x04"):
        raise NominationImportError(_("This file is not an XLSX spreadsheet."))
    if extension == "csv":
        if b"\x00" in data:
            raise NominationImportError(_("This file is not a CSV text file."))
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NominationImportError(_("The CSV file is not in UTF-8: please save it as “CSV UTF-8”.")) from None
    return extension


def too_many_rows_message(subject: str) -> str:
    """The refusal of a list longer than MAX_IMPORT_ROWS, naming what is imported: ``subject`` is "nominations"
    or "questions"."""
    if subject == "questions":
        return _("A question bank import may hold at most %(count)s rows.", count=MAX_IMPORT_ROWS)
    return _("A nomination list may hold at most %(count)s rows.", count=MAX_IMPORT_ROWS)


def read_rows(kind: str, data: bytes, *, preferred: str = "Nominations", sheet: str | None = None,
              subject: str = "nominations"):
    """(header, [(line, [cell, …]), …]) from a checked upload; blank rows are skipped. A workbook's list is the
    ``sheet`` the user chose, else the sheet titled ``preferred`` as in the template (``workbooks.read_sheet``).
    ``subject`` ("nominations" or "questions") names what is imported in the messages."""
    table = _read_csv(data) if kind == "csv" else _read_xlsx(data, preferred, sheet, subject)
    if not table:
        raise NominationImportError(_("The file is empty."))
    header, rows = table[0], []
    for line, cells in enumerate(table[1:], start=2):
        if any(cells):
            rows.append((line, cells))
    if len(rows) > MAX_IMPORT_ROWS:
        raise NominationImportError(too_many_rows_message(subject))
    return header, rows


def _read_csv(data: bytes):
    text = data.decode("utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # sniffing one header line cannot see how quotes are escaped: spreadsheet programs double them ("")
    dialect.doublequote = True
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise NominationImportError(_("The CSV file could not be read: %(error)s", error=str(error))) from None


def _read_xlsx(data: bytes, preferred: str, chosen: str | None, subject: str):
    try:
        rows = workbooks.read_sheet(data, preferred=preferred, chosen=chosen, max_rows=MAX_XLSX_SHEET_ROWS,
                                    max_unpacked=MAX_XLSX_UNPACKED_BYTES, subject=subject)
    except workbooks.WorkbookError as error:
        refused = NominationImportError(str(error), field=error.field)
        refused.sheets = error.sheets
        raise refused from None
    if len(rows) > MAX_XLSX_SHEET_ROWS:
        raise NominationImportError(too_many_rows_message(subject))
    return [[_cell_text(value) for value in row] for row in rows]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number
    return str(value).strip()


def column_name(heading: str) -> str:
    """A heading as a column name: cleaned, lower case, spaces as underscores, hyphens dropped ("Name AR" -> "name_ar")."""
    return clean_text(heading).lower().replace("-", "").replace(" ", "_")


# --- validation ----------------------------------------------------------------------------------

def preview_upload(training, filename: str, data: bytes, max_bytes: int, sheet: str | None = None) -> ImportPreview:
    """Check, parse and validate an uploaded nomination list (a workbook's ``sheet`` when the user chose one);
    nothing is stored."""
    kind = check_upload(filename, data, max_bytes)
    header, table = read_rows(kind, data, sheet=sheet)
    columns = [column_name(h) for h in header]
    file_errors = []
    unknown = [h for h, c in zip(header, columns) if h and c not in IMPORT_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if unknown:
        file_errors.append((1, _("Unknown columns: %(columns)s. Expected: %(expected)s.", columns=join_parts(unknown), expected=join_parts(IMPORT_COLUMNS))))
    if missing:
        file_errors.append((1, _("Missing columns: %(columns)s.", columns=join_parts(missing))))
    if repeated:
        file_errors.append((1, _("Columns given twice: %(columns)s.", columns=join_parts(repeated))))
    if file_errors:
        return ImportPreview(rows=[], file_errors=file_errors)
    if not table:
        return ImportPreview(rows=[], file_errors=[(2, _("The file has no rows below the header."))])
    rows = [{"line": line, **{c: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns) if c}} for line, cells in table]
    return validate_rows(training, rows)


def validate_rows(training, rows) -> ImportPreview:
    """Validate rows (dicts with ``line`` and the columns) against the database: a fixed number of queries."""
    organisations = _organisation_lookup()
    emails = {normalise_email(r.get("email")) for r in rows if r.get("email")}
    existing = {p.email: p for p in db.session.scalars(select(Participant).where(Participant.email.in_(emails)))} if emails else {}
    registered = set(db.session.scalars(
        select(Registration.participant_id).where(Registration.training_id == training.id)
    ))
    first_line_of = {}
    checked = []
    for raw in rows:
        # the one place every imported value passes, at preview and at import: cleaned as a form's would be
        values = {c: clean_text(str(raw.get(c) or "")) for c in IMPORT_COLUMNS}
        row = ImportRow(line=int(raw["line"]), values=values)
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                row.errors.append(_("%(column)s is missing.", column=column))
        for column, limit in MAX_LENGTHS.items():
            if len(values[column]) > limit:
                row.errors.append(_("%(column)s is longer than %(limit)s characters.", column=column, limit=limit))
        if values["sex"]:
            values["sex"] = SEX_WORDS.get(values["sex"].lower(), values["sex"])
            if values["sex"] not in ("female", "male"):
                row.errors.append(_("Sex must be female or male, not “%(value)s”.", value=values["sex"]))
        if values["organisation"]:
            row.organisation = organisations.get(fold(values["organisation"]))
            if row.organisation is None:
                row.errors.append(_("Unknown organisation “%(name)s”.", name=values["organisation"]))
        if values["email"]:
            try:
                values["email"] = normalise_email(validate_email(values["email"], check_deliverability=False).normalized)
            except EmailNotValidError:
                row.errors.append(_("“%(email)s” is not a valid e-mail address.", email=values["email"]))
            else:
                if values["email"] in first_line_of:
                    row.errors.append(_("The e-mail %(email)s is already on line %(line)s.", email=values["email"], line=first_line_of[values["email"]]))
                else:
                    first_line_of[values["email"]] = row.line
                row.participant = existing.get(values["email"])
                if row.participant is not None and row.participant.id in registered:
                    row.errors.append(_("%(name)s is already registered for this training.", name=row.participant.name))
        checked.append(row)
    return ImportPreview(rows=checked)


def _organisation_lookup():
    """Organisations by folded English name, acronym and Arabic name (``core.text.fold``: a name typed on a
    Persian or Kurdish keyboard, decomposed or with tatweel finds the organisation it looks like)."""
    lookup = {}
    for organisation in db.session.scalars(select(Organisation)):
        for key in (organisation.name, organisation.acronym, organisation.name_ar):
            if key:
                lookup.setdefault(fold(key), organisation)
    return lookup


# --- between preview and confirmation ------------------------------------------------------------

def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="nomination-import")


def sign_rows(training, filename: str, preview: ImportPreview) -> str:
    """The validated rows as a tamper-proof token for the confirmation form."""
    rows = [{"line": row.line, **{k: v for k, v in row.values.items() if v}} for row in preview.rows]
    return _serializer().dumps({"training_session_id": training.id, "filename": filename, "rows": rows})


def unsign_rows(training, token: str):
    """(filename, rows) from ``sign_rows``; refused when forged, for another training or too old."""
    try:
        payload = _serializer().loads(token or "", max_age=PREVIEW_MAX_AGE_SECONDS)
    except BadSignature:
        raise NominationImportError(_("This preview has expired or is invalid; please upload the file again.")) from None
    if payload.get("training_session_id") != training.id:
        raise NominationImportError(_("This preview belongs to another training; please upload the file again."))
    return payload["filename"], payload["rows"]


# --- the import ----------------------------------------------------------------------------------

def import_nominations(training, filename: str, rows, *, by_user, before_commit=None) -> list:
    """Validate ``rows`` again and register everyone in one commit; on any problem store nothing.

    Returns the new registrations. Raises ``NominationImportError`` (with ``preview`` set when rows are bad).
    ``before_commit(registrations)``, when given, runs just before that commit and joins it (a bulk job marks
    itself done there, so an import run again after its commit imports nothing twice).
    """
    preview = validate_rows(training, rows)
    if not preview.ok:
        error = NominationImportError(_("Nothing was imported: %(count)s rows have problems.", count=len(preview.bad_rows)))
        error.preview = preview
        raise error
    try:
        check_can_register(training, source="import", by_user=by_user)
    except RegistrationError as refused:
        raise NominationImportError(str(refused)) from None
    lock_seats(training)
    registrations = []
    try:
        for row in preview.rows:
            participant = row.participant or _new_participant(training, row, by_user)
            registrations.append(add_registration(
                training, participant, source="import", by_user=by_user,
                nominated_by=row.values["nominated_by"] or None,
            ))
    except RegistrationError as refused:
        db.session.rollback()
        raise NominationImportError(_("Nothing was imported: line %(line)s: %(reason)s", line=row.line, reason=str(refused))) from None
    except IntegrityError:  # someone added one of these people at the same moment
        db.session.rollback()
        raise NominationImportError(_("Nothing was imported: the data changed meanwhile; please upload the file again.")) from None
    audit.record(
        by_user, "registration.import", training,
        f"{len(registrations)} nominations imported from {filename}",
        details={"count": len(registrations), "filename": filename},
    )
    for registration in registrations:
        notifications.registration_added(registration)
    if before_commit is not None:
        before_commit(registrations)
    db.session.commit()
    return registrations


def _new_participant(training, row: ImportRow, by_user) -> Participant:
    values = row.values
    participant = Participant(
        name=values["name"], name_ar=values["name_ar"] or None, sex=values["sex"], organisation=row.organisation,
        position=values["position"] or None, email=values["email"], phone=values["phone"] or None,
    )
    db.session.add(participant)
    db.session.flush()
    audit.record(by_user, "participant.create", participant, f"{participant.name} <{participant.email}> imported",
                 training_id=training.id, details={"name": participant.name, "name_ar": participant.name_ar})
    return participant


# --- the template ----------------------------------------------------------------------------------

def template_csv() -> bytes:
    return csv_bytes(IMPORT_COLUMNS, [])


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nominations"
    sheet.append(list(IMPORT_COLUMNS))
    help_sheet = workbook.create_sheet("Help")
    help_sheet.append([_("Column"), _("Required"), _("What to write")])
    explanations = {
        "name": _("Full name in Latin script"),
        "name_ar": _("Full name in Arabic script"),
        "sex": _("female or male"),
        "organisation": _("The organisation's name or acronym as in the organisation list"),
        "position": _("Job title"),
        "email": _("E-mail address; someone already known is matched by it"),
        "phone": _("Phone number"),
        "nominated_by": _("Who nominated the person"),
    }
    for column in IMPORT_COLUMNS:
        help_sheet.append([column, _("yes") if column in REQUIRED_COLUMNS else _("no"), explanations[column]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
