"""Check-in rules: who a badge is, and marking a person present (or late) for today when their badge is scanned or
they scan the projector's code. The server's clock decides the time: a phone's own clock is never read."""
from dataclasses import dataclass
from datetime import datetime

from flask import session as browser_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..attendance.listing import today_of
from ..attendance.models import AttendanceMark
from ..attendance.services import ATTENDED
from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.i18n import fmt_date, localized
from ..core.labels import MARK_LABELS
from ..core.text import one_line
from ..extensions import db
from ..registrations.standing import not_confirmed_reason
from ..trainings.services import local_today, to_local
from .models import BadgeReplacement
from .tokens import BadCode, badge_of, check_projector_code, token_in

#: where a phone that opened a badge's personal link keeps that badge, so its owner can check in from it
BADGE_KEY = "checkin_badge"
#: the longest reason for replacing a badge (``BadgeReplacement.reason``)
REASON_MAX_LENGTH = 200


class CheckInRefused(DomainError):
    """A badge or a code that checks nobody in here; the message says why."""


@dataclass(frozen=True)
class CheckIn:
    """The outcome of one check-in, as the scanner shows it."""

    registration_id: int
    name: str
    name_ar: str | None
    #: the person's mark for today now: "present" or "late" (or what an officer had set before)
    status: str
    #: they had been checked in already: nothing changed
    already: bool


def read_badge(text: str) -> tuple:
    """(registration, replacement) of a badge's code, or of the whole link a scanner read: (the registration, None)
    for its valid badge; (the registration, its ``BadgeReplacement``) for a badge replaced since it was printed;
    (None, None) for anything else."""
    from ..registrations.models import Registration

    try:
        registration_id, number = badge_of(token_in(text))
    except BadCode:
        return None, None
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return None, None
    replacement = db.session.get(BadgeReplacement, registration_id)
    current = replacement.number if replacement is not None else 1
    if number > current:  # signed here, yet never printed (a database restored from before it): nobody's
        return None, None
    return registration, (replacement if number < current else None)


def registration_of_badge(text: str):
    """The registration a valid badge's code (or the whole link a scanner read) stands for; None for anything else,
    a badge replaced since it was printed included."""
    registration, replaced = read_badge(text)
    return None if replaced is not None else registration


def replaced_badge_message(registration, replacement) -> str:
    """What the scanner says of a badge replaced since: whose, when and why, and that it checks nobody in."""
    return _("This badge of %(name)s was replaced on %(date)s (%(reason)s): it no longer checks anyone in. Ask "
             "for the new one.", name=localized(registration.participant, "name"),
             date=fmt_date(replacement.replaced_at, "medium", tz=registration.training.timezone),
             reason=replacement.reason)


def valid_badge_number(registration) -> int:
    """The number of the registration's valid badge: 1 until it is first replaced."""
    replacement = db.session.get(BadgeReplacement, registration.id, populate_existing=True)
    return replacement.number if replacement is not None else 1


def replace_badge(registration, reason: str, *, replaces: int, by_user) -> BadgeReplacement:
    """Replace the registration's badge no. ``replaces`` (lost or stolen) and commit: the badges printed so far are
    refused at check-in from now on, saying ``reason``, and the next printing carries a new code
    (``tokens.badge_token``). Audited.

    Raises CheckInRefused (field ``reason``) for a reason empty or longer than REASON_MAX_LENGTH characters, for
    a registration that is not confirmed (it has no badge to replace), and when badge no. ``replaces`` is no longer
    the valid one: the same form sent twice, or two officers replacing it at the same moment (the second insert's
    IntegrityError), replace it once and the others are told which badge to print.
    """
    reason = one_line(reason or "")
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise CheckInRefused(_l("Say in at most %(count)s characters why the badge is replaced.",
                                count=REASON_MAX_LENGTH), "reason")
    refusal = not_confirmed_reason(registration)
    if refusal:
        raise CheckInRefused(refusal)
    replacement = db.session.get(BadgeReplacement, registration.id, with_for_update=True)
    if (replacement.number if replacement is not None else 1) != replaces:
        raise _already_replaced(registration, replaces)
    if replacement is None:
        replacement = BadgeReplacement(registration_id=registration.id, number=1)
        db.session.add(replacement)
        try:
            db.session.flush()  # a first replacement made at the same moment by another request breaks the key here
        except IntegrityError:
            db.session.rollback()
            raise _already_replaced(registration, replaces) from None
    replacement.number += 1
    replacement.replaced_at, replacement.replaced_by_id, replacement.reason = utcnow(), getattr(by_user, "id", None), reason
    participant = registration.participant
    audit.record(by_user, "badge.replace", registration,
                 f"Badge of {participant.name} replaced by badge number {replacement.number}: {reason}",
                 training_id=registration.training_id,
                 details={"name": participant.name, "name_ar": participant.name_ar, "number": replacement.number,
                          "reason": reason})
    db.session.commit()
    return replacement


def _already_replaced(registration, replaced: int) -> CheckInRefused:
    return CheckInRefused(_l("Badge no. %(old)s was already replaced: print badge no. %(number)s.",
                             old=replaced, number=valid_badge_number(registration)))


def remember_badge(token: str) -> None:
    """Keep the badge in this browser's session: the person can then check in from this phone without an account."""
    browser_session[BADGE_KEY] = token


def remembered_registration():
    """The registration whose badge link this browser opened, or None."""
    token = browser_session.get(BADGE_KEY)
    return registration_of_badge(token) if token else None


def arrival_status(day, now: datetime, timezone: str) -> str:
    """"late" when ``now`` (UTC) is after the day's start time in the training's time zone, else "present"."""
    if day.starts_at is None:
        return "present"
    return "late" if to_local(now, timezone).time() > day.starts_at else "present"


def check_in_badge(training, text: str, *, by_user, now: datetime | None = None) -> CheckIn:
    """Mark the owner of the scanned badge present (late after the day's start time) for today, and commit.

    ``text`` is what the scanner read (the badge's link or its code). Scanning a badge again changes nothing
    (``CheckIn.already``). Raises CheckInRefused: not a badge of this app, a badge of another training, a badge
    replaced since (``replace_badge``), a cancelled training, a registration that is not confirmed (withdrawn,
    rejected, waiting…), no day of the training today,
    or (409) a mark recorded after ``now`` (a scan the phone kept offline while someone changed the mark: the
    later one stays).
    """
    registration, replaced = read_badge(text)
    if registration is None:
        raise CheckInRefused(_l("This is not a badge of this system."))
    if registration.training_id != training.id:
        raise CheckInRefused(_l("This badge is for another training: %(title)s.",
                                title=localized(registration.training, "title")))
    if replaced is not None:
        raise CheckInRefused(replaced_badge_message(registration, replaced))
    return _check_in(training, registration, by_user=by_user, source="scan", now=now)


def self_check_in(training, code: str, registration, *, now: datetime | None = None) -> CheckIn:
    """The participant of ``registration`` checks in with the projector's ``code``; commits.

    Raises CheckInRefused: a code that is not this training's code of today or has changed since (a photo of
    it shared later), a registration of another training or not confirmed, a cancelled training, no day of the
    training today.
    """
    now = now or utcnow()
    try:
        check_projector_code(code, training.id, local_today(training, now), now=now.timestamp())
    except BadCode:
        raise CheckInRefused(_l("This code has changed or is not for this training: scan the code on the screen again.")) from None
    if registration is None or registration.training_id != training.id:
        raise CheckInRefused(_l("You are not registered for this training."))
    return _check_in(training, registration, by_user=None, source="self", now=now)


def _check_in(training, registration, *, by_user, source: str, now: datetime | None) -> CheckIn:
    if training.status == "cancelled":
        raise CheckInRefused(_l("This training was cancelled."))
    refusal = not_confirmed_reason(registration)
    if refusal:
        raise CheckInRefused(refusal)
    now = now or utcnow()
    day = today_of(training, local_today(training, now))
    if day is None:
        raise CheckInRefused(_l("This training has no day today (%(date)s).", date=fmt_date(local_today(training, now))))
    participant = registration.participant
    mark = _mark(registration, day)
    if mark is not None and mark.status in ATTENDED:
        return CheckIn(registration.id, participant.name, participant.name_ar, mark.status, already=True)
    if mark is not None and as_utc(mark.recorded_at) > now:  # a scan the phone kept offline, older than this mark
        who = mark.recorded_by.display_name if mark.recorded_by else _l("unknown")
        raise CheckInRefused(_l(
            "%(name)s: the mark “%(kept)s” recorded by %(who)s at %(later)s is later than this scan (%(time)s) and was kept.",
            name=localized(participant, "name"), kept=MARK_LABELS[mark.status], who=who,
            later=fmt_date(mark.recorded_at, "short", tz=training.timezone), time=fmt_date(now, "short", tz=training.timezone)),
            status=409)
    status = arrival_status(day, now, training.timezone)
    try:
        if mark is None:
            mark = AttendanceMark(registration_id=registration.id, session_day_id=day.id, status=status, source=source,
                                  recorded_by_id=getattr(by_user, "id", None), recorded_at=now)
            db.session.add(mark)
            audit.record(by_user, "attendance.check_in", mark, f"{participant.name}, {day.date}: {status} ({source})",
                         training_id=training.id,
                         details={"name": participant.name, "name_ar": participant.name_ar, "day": day.date, "mark": status})
        else:  # marked absent or excused earlier, and here after all
            changes = {"status": [mark.status, status]}
            mark.status, mark.source, mark.recorded_by_id, mark.recorded_at = status, source, getattr(by_user, "id", None), now
            audit.record(by_user, "attendance.check_in", mark, f"{participant.name}, {day.date}: {changes['status'][0]} → {status} ({source})",
                         changes=changes, training_id=training.id,
                         details={"name": participant.name, "name_ar": participant.name_ar, "day": day.date, "mark": status})
        db.session.commit()
    except IntegrityError:  # checked in at the same moment by someone else: theirs is the one mark
        db.session.rollback()
        mark = _mark(registration, day)
        return CheckIn(registration.id, participant.name, participant.name_ar, mark.status, already=True)
    return CheckIn(registration.id, participant.name, participant.name_ar, status, already=False)


def _mark(registration, day):
    return db.session.scalar(select(AttendanceMark).where(AttendanceMark.registration_id == registration.id,
                                                          AttendanceMark.session_day_id == day.id))


def set_start_time(training, day, starts_at, *, by_user) -> None:
    """Set (or clear, with None) the local time after which a check-in on ``day`` counts as late; commits."""
    before = day.starts_at
    day.starts_at = starts_at
    audit.record(by_user, "session_day.start_time", day, f"{day.date}: start time {starts_at or '—'}",
                 changes={"starts_at": [str(before) if before else None, str(starts_at) if starts_at else None]},
                 training_id=training.id, details={"day": day.date})
    db.session.commit()
