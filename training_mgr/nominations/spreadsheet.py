"""The focal point's nomination spreadsheet (XLSX, or CSV): read with the officers' import (``registrations.
importing``: size and type checks, zip-bomb guard, row limit), checked row by row, refused whole when any row is
bad, with every bad row listed."""
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.services import normalise_email
from ..core.i18n import join_parts
from ..core.text import clean_text
from ..extensions import db
from ..participants.models import Participant
from ..registrations import importing
from ..registrations.models import Registration
from .inputs import NomineeDetails

#: the columns a focal point fills in; the officers' template's "organisation" and "nominated_by" are ignored
#: (the organisation is the invitation's, the nominator the focal point)
COLUMNS = ("name", "name_ar", "sex", "position", "email", "phone")
IGNORED_COLUMNS = ("organisation", "nominated_by")
REQUIRED = ("name", "sex", "email")


@dataclass
class SheetCheck:
    """What a spreadsheet holds: the nominees, or why it is refused."""

    nominees: list = field(default_factory=list)
    #: (line in the file, [messages]) for every bad row
    bad_rows: list = field(default_factory=list)
    #: problems of the file as a whole
    file_errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.nominees) and not self.bad_rows and not self.file_errors


def read_nominees(invitation, filename: str, data: bytes, max_bytes: int, sheet: str | None = None) -> SheetCheck:
    """Check an uploaded spreadsheet (a workbook's ``sheet`` when the focal point chose one) against the
    invitation's training; nothing is stored. Raises ``registrations.importing.NominationImportError`` for a file
    that cannot be read at all (too large, not a spreadsheet, too many rows) or whose sheet must be chosen
    (``sheets``)."""
    kind = importing.check_upload(filename, data, max_bytes)
    header, table = importing.read_rows(kind, data, sheet=sheet)
    columns = [importing.column_name(h) for h in header]
    check = SheetCheck()
    unknown = [h for h, c in zip(header, columns) if h and c not in COLUMNS + IGNORED_COLUMNS]
    missing = [c for c in REQUIRED if c not in columns]
    if unknown:
        check.file_errors.append(_("Unknown columns: %(columns)s. Expected: %(expected)s.",
                                   columns=join_parts(unknown), expected=join_parts(COLUMNS)))
    if missing:
        check.file_errors.append(_("Missing columns: %(columns)s.", columns=join_parts(missing)))
    if not table and not check.file_errors:
        check.file_errors.append(_("The file has no rows below the header."))
    if check.file_errors:
        return check
    rows = [(line, {c: clean_text(cells[i] if i < len(cells) else "") for i, c in enumerate(columns) if c in COLUMNS})
            for line, cells in table]
    taken = _emails_taken(invitation.training_id, {normalise_email(v.get("email")) for _line, v in rows})
    first_line_of = {}
    for line, values in rows:
        errors = _row_errors(values, taken, first_line_of, line)
        if errors:
            check.bad_rows.append((line, errors))
        else:
            check.nominees.append(NomineeDetails(**{c: values.get(c) or None for c in COLUMNS}))
    return check


def _row_errors(values: dict, taken: set, first_line_of: dict, line: int) -> list:
    errors = [_("%(column)s is missing.", column=c) for c in REQUIRED if not values.get(c)]
    for column, limit in importing.MAX_LENGTHS.items():
        if column in COLUMNS and len(values.get(column) or "") > limit:
            errors.append(_("%(column)s is longer than %(limit)s characters.", column=column, limit=limit))
    if values.get("sex"):
        values["sex"] = importing.SEX_WORDS.get(values["sex"].lower(), values["sex"])
        if values["sex"] not in ("female", "male"):
            errors.append(_("Sex must be female or male, not “%(value)s”.", value=values["sex"]))
    if values.get("email"):
        try:
            values["email"] = normalise_email(validate_email(values["email"], check_deliverability=False).normalized)
        except EmailNotValidError:
            errors.append(_("“%(email)s” is not a valid e-mail address.", email=values["email"]))
        else:
            if values["email"] in first_line_of:
                errors.append(_("The e-mail %(email)s is already on line %(line)s.",
                                email=values["email"], line=first_line_of[values["email"]]))
            else:
                first_line_of[values["email"]] = line
            if values["email"] in taken:
                errors.append(_("%(email)s is already registered or nominated for this training.", email=values["email"]))
    return errors


def _emails_taken(training_id: int, emails: set) -> set:
    """Those of ``emails`` whose person is already registered (or nominated) for the training, in one query."""
    emails.discard("")
    if not emails:
        return set()
    return set(db.session.scalars(
        select(Participant.email).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training_id, Participant.email.in_(emails))
    ))
