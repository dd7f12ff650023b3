"""Marks a phone kept while it had no connection, sent later in one batch.

Each mark carries the id the phone gave it and how long before sending it was made (by the phone's own
clock, so a phone whose clock is wrong still gives the right time: the server subtracts that age from the
moment it receives the batch). A mark sent twice is recorded once (its id is stored with it). When someone
changed the same person's mark for that day after the phone made its mark, the later change is kept and the
phone is told so.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.i18n import fmt_date
from ..core.labels import MARK_LABELS
from ..extensions import db
from ..registrations.models import Registration
from ..registrations.standing import not_confirmed_reason
from .models import MARKS, AttendanceMark
from .services import AttendanceError, _confirmed_registrations, _marks_of_day, _saving_marks

#: the oldest mark a phone may send: older ones are refused as stale
MAX_AGE = timedelta(hours=12)
#: the most marks one batch may carry
MAX_BATCH = 500


@dataclass(frozen=True)
class OfflineMark:
    """One mark as the phone sends it: ``client_id`` its own id for the mark (at most 40 characters),
    ``registration_id``, ``status`` one of MARKS, ``age`` how long before sending it was made (0..MAX_AGE)."""

    client_id: str
    registration_id: int
    status: str
    age: timedelta
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one mark: ``result`` "saved", "unchanged" (the same mark was there, or this one was sent
    before), "kept_later" (a later change was kept; ``message`` says whose) or "refused" (``message`` says why);
    ``status`` the person's mark for the day now (None: none)."""

    client_id: str
    registration_id: int
    result: str
    status: str | None
    message: str | None = None


def record_offline_marks(training, day, marks: list[OfflineMark], *, by_user, now: datetime | None = None) -> list[Outcome]:
    """Apply the phone's marks for ``day`` in the order they were made, and commit once; one Outcome per mark.

    A mark for someone who is not a confirmed participant now (withdrawn, refused or removed since the phone made
    it: ``registrations.standing.not_confirmed_reason`` says why), or with an unknown status, is refused alone: the
    others are still recorded. Raises AttendanceError for a batch larger than MAX_BATCH.
    """
    if len(marks) > MAX_BATCH:
        raise AttendanceError(_l("Send at most %(count)s marks at once.", count=MAX_BATCH))
    now = now or utcnow()
    ids = {m.registration_id for m in marks}
    confirmed = _confirmed_registrations(training, ids)
    refused = _reasons_not_confirmed(training, ids - set(confirmed))
    existing = _marks_of_day(day, ids)
    sent_before = set(db.session.scalars(select(AttendanceMark.client_mark_id).where(
        AttendanceMark.client_mark_id.in_([m.client_id for m in marks]))))
    outcomes = []
    with _saving_marks():
        for mark in sorted(marks, key=lambda m: -m.age):  # oldest first
            outcomes.append(_apply(training, day, mark, confirmed, refused, existing, sent_before, now - mark.age,
                                   by_user))
    return outcomes


def _reasons_not_confirmed(training, ids) -> dict:
    """{registration id: why it cannot be marked} for ``ids``, none of them a confirmed registration of the training:
    withdrawn, refused, waiting … since the phone made its mark, or no longer one of the training's at all."""
    if not ids:
        return {}
    found = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.training_id == training.id, Registration.id.in_(list(ids)))
        .options(joinedload(Registration.participant)))}
    return {registration_id: not_confirmed_reason(found.get(registration_id)) for registration_id in ids}


def _apply(training, day, mark, confirmed, refused, existing, sent_before, made_at, by_user) -> Outcome:
    current = existing.get(mark.registration_id)
    here = current.status if current else None
    if mark.client_id in sent_before:
        return Outcome(mark.client_id, mark.registration_id, "unchanged", here)
    if mark.registration_id not in confirmed:  # withdrawn or removed since the phone made the mark, say
        return Outcome(mark.client_id, mark.registration_id, "refused", here, refused[mark.registration_id])
    if mark.status not in MARKS:
        return Outcome(mark.client_id, mark.registration_id, "refused", here,
                       str(_l("Unknown attendance mark “%(mark)s”.", mark=mark.status)))
    name = confirmed[mark.registration_id].participant.name
    name_ar = confirmed[mark.registration_id].participant.name_ar
    if current is not None and current.status == mark.status:
        return Outcome(mark.client_id, mark.registration_id, "unchanged", here)
    if current is not None and as_utc(current.recorded_at) > made_at:
        who = current.recorded_by.display_name if current.recorded_by else str(_l("unknown"))
        return Outcome(mark.client_id, mark.registration_id, "kept_later", here, str(_l(
            "%(name)s: the mark “%(kept)s” recorded by %(who)s at %(later)s is later than this phone's (%(time)s) and was kept.",
            name=name, kept=MARK_LABELS[here], who=who, later=fmt_date(current.recorded_at, "short", tz=training.timezone),
            time=fmt_date(made_at, "short", tz=training.timezone))))
    note = (mark.note or "").strip() or None
    if current is None:
        current = AttendanceMark(registration_id=mark.registration_id, session_day_id=day.id, status=mark.status,
                                 note=note, recorded_by_id=by_user.id, recorded_at=made_at, client_mark_id=mark.client_id)
        db.session.add(current)
        existing[mark.registration_id] = current
        audit.record(by_user, "attendance.create", current, f"{name}, {day.date}: {mark.status} (sent later)",
                     training_id=training.id, details={"name": name, "name_ar": name_ar, "day": day.date, "mark": mark.status})
    else:
        changes = {"status": [current.status, mark.status]}
        current.status, current.recorded_by_id, current.recorded_at = mark.status, by_user.id, made_at
        current.client_mark_id, current.source = mark.client_id, "officer"
        if note is not None:
            current.note = note
        audit.record(by_user, "attendance.update", current, f"{name}, {day.date}: {changes['status'][0]} → {mark.status} (sent later)",
                     changes=changes, training_id=training.id,
                     details={"name": name, "name_ar": name_ar, "day": day.date, "mark": mark.status})
    return Outcome(mark.client_id, mark.registration_id, "saved", mark.status)
