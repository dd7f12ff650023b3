"""The audit log for people: each entry as a sentence in the reader's language ("Programme officer Layla
marked Ahmed late on Feb 16, 2022"), and the log as a CSV file."""
import re
from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l

from ..core.exports import csv_bytes
from ..core.i18n import fmt_date
from ..core.labels import MARK_LABELS, REGISTRATION_STATUS_LABELS, ROLE_LABELS

#: what each kind of change is called in the filter and the export (others show their code)
ACTION_LABELS = {
    "attendance.create": _l("Attendance marked"), "attendance.update": _l("Attendance changed"),
    "attendance.delete": _l("Attendance mark removed"), "attendance.check_in": _l("Checked in"),
    "attendance.mark_all_present": _l("Everyone marked present"),
    "registration.create": _l("Registered"), "registration.return": _l("Registered again"),
    "registration.confirmed": _l("Registration approved"), "registration.rejected": _l("Registration rejected"),
    "registration.waitlisted": _l("Moved to the waiting list"), "registration.withdrawn": _l("Registration withdrawn"),
    "registration.pending": _l("Registration back to pending"), "registration.promote": _l("Promoted from the waiting list"),
    "participant.create": _l("Person added"), "participant.update": _l("Person's details changed"),
    "training.create": _l("Training scheduled"), "training.update": _l("Training edited"),
    "training.open": _l("Training opened"), "training.close": _l("Registration closed"),
    "training.complete": _l("Training completed"), "training.cancel": _l("Training cancelled"),
    "certificate.issued": _l("Certificate issued"), "certificate.revoked": _l("Certificate revoked"),
    "certificate.reissued": _l("Certificate reissued"),
}

# the summaries the features write (attendance/services.py, registrations/services.py)
_MARK = re.compile(r"^(?P<name>.+), (?P<day>\d{4}-\d{2}-\d{2}): (?:(?P<old>\w+) → )?(?P<mark>\w+)$")
_STATUS = re.compile(r"^(?P<name>.+): (?P<old>\w+) → (?P<new>\w+)(?: \((?P<reason>.*)\))?$")


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def who(entry) -> str:
    """"Programme officer Layla Hassan", or "The system" for a change nobody made by hand."""
    if entry.user is None:
        return _("The system")
    return f"{ROLE_LABELS.get(entry.user.role, entry.user.role)} {entry.user.display_name}"


def sentence(entry, tz: str | None = None) -> str:
    """One entry as a sentence in the active language; the time is shown beside it (``fmt_date``)."""
    person = who(entry)
    if entry.action in ("attendance.create", "attendance.update") and (found := _MARK.match(entry.summary or "")):
        return _("%(who)s marked %(name)s %(mark)s on %(day)s.", who=person, name=found["name"],
                 mark=str(MARK_LABELS.get(found["mark"], found["mark"])).lower(),
                 day=fmt_date(date.fromisoformat(found["day"])))
    if entry.action.startswith("registration.") and (found := _STATUS.match(entry.summary or "")):
        text = _("%(who)s changed the registration of %(name)s from %(old)s to %(new)s.", who=person,
                 name=found["name"], old=str(REGISTRATION_STATUS_LABELS.get(found["old"], found["old"])).lower(),
                 new=str(REGISTRATION_STATUS_LABELS.get(found["new"], found["new"])).lower())
        return text + (" " + _("Reason: %(reason)s", reason=found["reason"]) if found["reason"] else "")
    return _("%(who)s — %(action)s: %(summary)s", who=person, action=action_label(entry.action), summary=entry.summary)


def log_csv(entries, tz: str | None = None) -> bytes:
    """The entries as CSV (formula-safe, ``core.exports.csv_bytes``): when (in ``tz``), who, action, what happened,
    record, changes."""
    header = [_("When"), _("Who"), _("Action"), _("What happened"), _("Record"), _("Changes")]
    rows = ([fmt_date(entry.created_at, "medium", tz=tz), who(entry), action_label(entry.action),
             sentence(entry, tz), f"{entry.object_type} {entry.object_id or ''}".strip(),
             "; ".join(f"{name}: {values}" for name, values in (entry.changes or {}).items())]
            for entry in entries)
    return csv_bytes(header, rows)
