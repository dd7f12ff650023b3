"""The audit log for people: each entry as a sentence in the reader's language ("Programme officer Layla
marked Ahmed late on Feb 16, 2022"), its changes as named fields with their values in words, and the log as a
CSV file.

What a sentence names comes from the entry's ``details`` (``audit.actions``), each shown by its kind:

- a day (``day``, ``date``: ISO dates) in the language's medium format (``fmt_date``);
- a number (``count``, ``number``, ``days``) in the language's digits and grouping; ``count`` also chooses the
  sentence's plural form;
- a code (``mark``, ``status``, ``role`` …: ``CODES``, or the action's own) by its label (``core.labels``), in
  lower case as it sits inside a sentence (but for names: ``NAMES``);
- any other text (names, titles, e-mail addresses) as stored, in the reader's script when the Arabic is kept
  beside it (``name_ar``), and on a page in its own ``<bdi>`` so that a Latin name keeps its direction inside an
  Arabic sentence and the other way round; a list as the language's list ("A، B وC");
- a ``reason`` follows the sentence ("Reason: …") unless the sentence names it itself.

Entries recorded before ``details`` were kept read from their summary (two old formats), or as "who — action:
summary".
"""
import logging
import re
from datetime import date, datetime

from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup

from ..core.exports import csv_bytes
from ..core.i18n import current_language, fmt_date, fmt_list, fmt_number, join_parts
from ..core.labels import (
    BOOLEAN_LABELS, CERTIFICATE_STATUS_LABELS, CONFIRMATION_MODE_LABELS, FIELD_LABELS, INSTRUMENT_KIND_LABELS,
    LANGUAGE_LABELS, MARK_LABELS, ORGANISATION_KIND_LABELS, ORGANISER_ROLE_LABELS, RECOMMENDATION_STATUS_LABELS,
    QUESTION_KIND_LABELS, REGISTRATION_STATUS_LABELS, ROLE_LABELS, SESSION_STATUS_LABELS, SEX_LABELS,
)
from .actions import ACTIONS, action_label, said, the_system

log = logging.getLogger(__name__)

#: the labels of the codes a sentence's values hold, by the value's key (an action may name others: ``Action.codes``)
CODES = {
    "mark": MARK_LABELS, "old_mark": MARK_LABELS, "status": REGISTRATION_STATUS_LABELS,
    "old_status": REGISTRATION_STATUS_LABELS, "role": ROLE_LABELS, "old_role": ROLE_LABELS,
    "language": LANGUAGE_LABELS, "kind": INSTRUMENT_KIND_LABELS,
}
#: codes whose labels are names, written with their capitals inside a sentence ("chose English")
NAMES = ("language",)
DATE_VALUES = ("day", "date")
NUMBER_VALUES = ("count", "number", "days")

#: what a letterhead's change did to its logo
LOGO_LABELS = {"new": _l("New logo"), "removed": _l("Removed"), "kept": _l("Unchanged")}
EMAIL_STATUS_LABELS = {"pending": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Failed")}

#: the labels of the codes a changed field holds, by field (``Kind.field`` first), and for ``status`` by the kind
#: of record
FIELD_CODES = {
    "sex": SEX_LABELS, "kind": ORGANISATION_KIND_LABELS, "RegistrationQuestion.kind": QUESTION_KIND_LABELS,
    "role": ROLE_LABELS, "confirmation_mode": CONFIRMATION_MODE_LABELS, "language": LANGUAGE_LABELS,
    "locale": LANGUAGE_LABELS, "statuses": REGISTRATION_STATUS_LABELS, "logo": LOGO_LABELS,
}
STATUS_CODES = {
    "Registration": REGISTRATION_STATUS_LABELS, "TrainingSession": SESSION_STATUS_LABELS,
    "Recommendation": RECOMMENDATION_STATUS_LABELS, "AttendanceMark": MARK_LABELS,
    "Certificate": CERTIFICATE_STATUS_LABELS, "OutboundEmail": EMAIL_STATUS_LABELS,
}
#: changed fields whose value is a list of values, not a pair [before, after]
LIST_FIELDS = ("statuses", "registration_ids")

#: what each kind of record is called in the export's "Record" column
RECORD_LABELS = {
    "AttendanceMark": _l("Attendance"), "Registration": _l("Registration"), "Participant": _l("Participant"),
    "Certificate": _l("Certificate"), "TrainingSession": _l("Training"), "Course": _l("Course"),
    "Organisation": _l("Organisation"), "User": _l("Account"), "Recommendation": _l("Recommendation"),
    "SessionDay": _l("Day"), "Facilitator": _l("Facilitator"), "Material": _l("Material"), "AgendaSlot": _l("Agenda"),
    "Instrument": _l("Evaluation"), "Signatory": _l("Signatory"), "Nomination": _l("Nomination"),
    "NominationInvitation": _l("Nomination link"), "RegistrationQuestion": _l("Registration question"),
    "Question": _l("Test question"), "OutboundEmail": _l("E-mail"), "ApiToken": _l("API token"),
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")

# the summaries features wrote before entries kept their details
_MARK = re.compile(r"^(?P<name>.+), (?P<day>\d{4}-\d{2}-\d{2}): (?:(?P<old>\w+) → )?(?P<mark>\w+)$")
_STATUS = re.compile(r"^(?P<name>.+): (?P<old>\w+) → (?P<new>\w+)(?: \((?P<reason>.*)\))?$")


def _isolated(text, markup: bool):
    """Text as stored, on a page in its own ``<bdi>``."""
    return Markup("<bdi>%s</bdi>") % text if markup else str(text)


def _plain_list(items) -> str:
    """Items as the language's list ("A, B and C", "A، B وC"), for files."""
    listed = fmt_list([str(item) for item in items], isolate=False)
    return listed.unescape() if listed else ""


def actor_name(user) -> str:
    """The name of whoever made a change, in the reader's script where an Arabic one is kept: in Arabic, the Arabic
    name of the participant the account belongs to; else the account's name (or e-mail address)."""
    participant = user.participant
    if current_language() == "ar" and participant is not None and participant.name_ar:
        return participant.name_ar
    return user.display_name


def who(entry, markup: bool = False):
    """"Programme officer Layla Hassan", or "The system" for a change nobody made by hand; the name by
    ``actor_name``."""
    if entry.user is None:
        return the_system()
    role = str(ROLE_LABELS.get(entry.user.role, entry.user.role))
    name = actor_name(entry.user)
    return (Markup("%s ") % role + _isolated(name, True)) if markup else f"{role} {name}"


#: marks that end a sentence: a value ending with one takes no full stop after it
_STOPS = ".!?؟…"
#: the final stop, after the last value's last character and what closes the value (its ``<bdi>``, the isolate
#: marks a translation puts around it)
_FINAL_STOP = re.compile("(?P<before>.)(?P<tags>(?:</bdi>|[\u2066-\u2069])*)\\s*\\.$", re.S)


def _one_stop(text: str) -> str:
    """``text`` without its final full stop when its last value already ends a sentence ("… women?" not
    "… women?.")."""
    found = _FINAL_STOP.search(text)
    return text[:found.end("tags")] if found and found["before"] in _STOPS else text


def _shown(key: str, details: dict, codes: dict, markup: bool):
    """One value of an entry's details as the sentence shows it (see the module's docstring)."""
    value = details.get(key)
    if key in codes and isinstance(value, str):
        label = codes[key].get(value)
        if label is None:
            return _isolated(value, markup)
        return str(label) if key in NAMES else str(label).lower()
    if value is None or value == "" or value == []:
        return "—"
    if key in DATE_VALUES and isinstance(value, str) and _ISO_DAY.match(value):
        return fmt_date(date.fromisoformat(value))
    if key in NUMBER_VALUES and isinstance(value, int):
        return fmt_number(value)
    if current_language() == "ar" and details.get(f"{key}_ar"):
        value = details[f"{key}_ar"]
    if isinstance(value, list):
        return fmt_list(value) if markup else _plain_list(value)
    return _isolated(value, markup)


def _sentence(entry, markup: bool):
    action = ACTIONS.get(entry.action)
    if action is not None and entry.details is not None:
        codes = {**CODES, **action.codes}
        values = {key: _shown(key, entry.details, codes, markup) for key in entry.details}
        values["who"] = who(entry, markup)
        if isinstance(entry.details.get("count"), int):
            values["num"] = entry.details["count"]
        try:
            text = said(action, values)
        except (KeyError, TypeError, ValueError):
            log.error("audit entry %s: its details %r do not fill the sentence of %s", entry.id, entry.details, entry.action)
        else:
            text = _one_stop(text)
            if entry.details.get("reason") and str(values["reason"]) not in text:  # unless the sentence names it
                text += " " + _("Reason: %(reason)s", reason=values["reason"])
            return Markup(text) if markup else text
    return _older_sentence(entry, markup)


def _older_sentence(entry, markup: bool):
    """An entry recorded before entries kept their details, told from its summary."""
    person = who(entry, markup)
    summary = entry.summary or ""
    wrap = (lambda text: _isolated(text, markup))  # noqa: E731
    if entry.action in ("attendance.create", "attendance.update") and (found := _MARK.match(summary)):
        text = _("%(who)s marked %(name)s %(mark)s on %(day)s.", who=person, name=wrap(found["name"]),
                 mark=str(MARK_LABELS.get(found["mark"], found["mark"])).lower(),
                 day=fmt_date(date.fromisoformat(found["day"])))
    elif entry.action.startswith("registration.") and (found := _STATUS.match(summary)):
        text = _("%(who)s changed the registration of %(name)s from %(old)s to %(new)s.", who=person,
                 name=wrap(found["name"]), old=str(REGISTRATION_STATUS_LABELS.get(found["old"], found["old"])).lower(),
                 new=str(REGISTRATION_STATUS_LABELS.get(found["new"], found["new"])).lower())
        if found["reason"]:
            text += " " + _("Reason: %(reason)s", reason=wrap(found["reason"]))
    else:
        text = _("%(who)s — %(action)s: %(summary)s", who=person, action=action_label(entry.action), summary=wrap(summary))
    return Markup(text) if markup else text


def sentence(entry, tz: str | None = None):
    """One entry as a sentence in the active language, for a page: Markup, each name in its own ``<bdi>``. The time
    is shown beside it (``fmt_date``)."""
    return _sentence(entry, markup=True)


def plain_sentence(entry) -> str:
    """``sentence`` as plain text, for files."""
    return _sentence(entry, markup=False)


# --- changes ---------------------------------------------------------------------------------------------

def field_label(entry, name: str) -> str:
    """What a changed field is called (``core.labels.FIELD_LABELS``; ``Kind.field`` first)."""
    label = FIELD_LABELS.get(f"{entry.object_type}.{name}", FIELD_LABELS.get(name))
    return str(label) if label is not None else name


_ORGANISER = re.compile(r"^(?P<name>.+) \((?P<role>\w+)\)$")


def _change_value(entry, name: str, value, markup: bool):
    """One value of a changed field in words: codes by their labels, yes/no, days and times in the language's
    format, numbers in its digits, lists as its list, other text as stored (isolated on a page)."""
    codes = (STATUS_CODES.get(entry.object_type) if name == "status"
             else FIELD_CODES.get(f"{entry.object_type}.{name}", FIELD_CODES.get(name)))
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(BOOLEAN_LABELS[value])
    if isinstance(value, list):
        items = [_change_value(entry, name, item, False) for item in value]
        return (fmt_list(items) if markup else _plain_list(items)) if items else "—"
    if codes is not None and isinstance(value, str) and value in codes:
        return str(codes[value])
    if isinstance(value, (int, float)):
        return fmt_number(value)
    if isinstance(value, str) and _ISO_DAY.match(value):
        return fmt_date(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return fmt_date(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if name == "organisers" and isinstance(value, str) and (found := _ORGANISER.match(value)):
        role = ORGANISER_ROLE_LABELS.get(found["role"], found["role"])
        value = f"{found['name']} ({role})"
    return _isolated(value, markup)


def change_rows(entry, markup: bool = True) -> list[tuple[str, object, object]]:
    """The entry's changes as (field's label, value before or None, value after): values in words (``_change_value``),
    "—" for none; a field recorded with one value (not a pair) has None before."""
    rows = []
    for name, values in (entry.changes or {}).items():
        if isinstance(values, list) and len(values) == 2 and name not in LIST_FIELDS:
            rows.append((field_label(entry, name), _change_value(entry, name, values[0], markup),
                         _change_value(entry, name, values[1], markup)))
        else:
            rows.append((field_label(entry, name), None, _change_value(entry, name, values, markup)))
    return rows


def record_label(entry) -> str:
    """The kind of record and its number ("Registration 12")."""
    kind = RECORD_LABELS.get(entry.object_type)
    return f"{kind if kind is not None else entry.object_type} {entry.object_id or ''}".strip()


def log_csv(entries, tz: str | None = None) -> bytes:
    """The entries as CSV (formula-safe, ``core.exports.csv_bytes``): when (in ``tz``), who, action, what happened,
    record, changes ("Status: Pending → Confirmed; Capacity (seats): 20 → 25")."""
    header = [_("When"), _("Who"), _("Action"), _("What happened"), _("Record"), _("Changes")]

    def changes(entry) -> str:
        return join_parts((f"{label}: {after}" if before is None else f"{label}: {before} → {after}"
                           for label, before, after in change_rows(entry, markup=False)), ";")

    rows = ([fmt_date(entry.created_at, "medium", tz=tz), who(entry), action_label(entry.action),
             plain_sentence(entry), record_label(entry), changes(entry)] for entry in entries)
    return csv_bytes(header, rows)
