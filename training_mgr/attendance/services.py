"""Attendance rules shared by the grid, the API, certificate eligibility and reports, and the writes of the grid."""
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Mapping, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from ..audit import services as audit
from ..core.db import utcnow
from ..core.domain import DomainError
from ..extensions import db
from .models import MARKS, AttendanceMark

ATTENDED = ("present", "late")


def days_with_marks(training, day_ids) -> set[int]:
    """Which of ``day_ids`` (SessionDay ids of ``training``) hold attendance marks: the answer to
    ``core.signals.days_in_use``, so that trainings never removes a day whose attendance is recorded."""
    if not day_ids:
        return set()
    return set(db.session.scalars(
        select(AttendanceMark.session_day_id).where(AttendanceMark.session_day_id.in_(list(day_ids))).distinct()
    ))


def attendance_rate(statuses, number_of_days: int) -> float:
    """Share (0..1) of a training's days a participant attended (present or late)."""
    return attendance_share(sum(1 for s in statuses if s in ATTENDED), number_of_days)


def attendance_share(days_attended: int, number_of_days: int) -> float:
    """``attendance_rate`` from the number of days attended (present or late): 0..1, four decimals."""
    return round(days_attended / number_of_days, 4) if number_of_days else 0.0


@dataclass(frozen=True)
class RuleResult:
    """How one participant's marks measure against a training's certificate rule."""

    met: bool
    #: days attended that count (present, and late when the rule says so)
    attended: int
    #: days that count (all days, less excused ones when the rule leaves them out)
    counted: int
    #: share of counted days attended, 0..1 (0 when no day counts)
    share: float
    recorded: int


def certificate_rule_result(training, statuses) -> RuleResult:
    """Apply the training's certificate rule to one participant's marks (one status per marked day).

    A day without a mark counts as not attended. With ``cert_excused_excluded`` the excused days
    leave the count; with ``cert_late_counts`` a late day counts as attended.
    """
    statuses = list(statuses)
    days = len(training.days)
    excused = statuses.count("excused") if training.cert_excused_excluded else 0
    attended_statuses = ("present", "late") if training.cert_late_counts else ("present",)
    attended = sum(1 for s in statuses if s in attended_statuses)
    counted = max(days - excused, 0)
    share = attended / counted if counted else 0.0
    met = counted > 0 and bool(statuses) and share * 100 >= training.cert_min_attendance - 1e-9
    return RuleResult(met=met, attended=attended, counted=counted, share=round(share, 4), recorded=len(statuses))


def certificate_rule_met(training, days, present, late, excused, recorded):
    """SQL condition: ``certificate_rule_result(...).met`` from one registration's mark counts, for a query
    over many. ``training`` is the TrainingSession entity (or an alias) in the query; ``days`` its number of
    days; ``present``, ``late``, ``excused`` and ``recorded`` (all marks) the registration's counts, SQL
    expressions that are never NULL. Integer arithmetic: attended × 100 ≥ minimum × counted is the rule's
    share × 100 ≥ minimum, exactly."""
    counted = days - case((training.cert_excused_excluded, excused), else_=0)
    attended = present + case((training.cert_late_counts, late), else_=0)
    return and_(counted > 0, recorded > 0, attended * 100 >= training.cert_min_attendance * counted)


# --- taking attendance ---------------------------------------------------------------------------

class AttendanceError(DomainError):
    """An attendance write was refused; the message is shown to the user."""


@dataclass
class AttendanceGrid:
    """Confirmed registrations × session days of one training, with the marks recorded so far."""

    days: list
    #: confirmed registrations by participant name, as rows (id, name, name_ar)
    registrations: list
    #: (registration_id, session_day_id) -> the mark as a row (status, note, recorded_at, recorded_by_id,
    #: recorded_by_name: None when the recorder's account is gone)
    marks: dict

    def mark(self, registration, day):
        return self.marks.get((registration.id, day.id))

    def marked_count(self, day) -> int:
        return sum(1 for r in self.registrations if (r.id, day.id) in self.marks)


def attendance_grid(training) -> AttendanceGrid:
    """Everything the grid shows, in a fixed number of queries however many participants there are.

    The people and the marks come as plain rows: loading a hundred registrations, participants and their
    marks as objects cost more than the rest of the page together.
    """
    from ..auth.models import User
    from ..participants.models import Participant
    from ..registrations.models import Registration

    registrations = db.session.execute(
        _confirmed_by_name(training, Registration.id, Participant.name, Participant.name_ar)
    ).all()
    marks = db.session.execute(
        select(
            AttendanceMark.registration_id, AttendanceMark.session_day_id, AttendanceMark.status, AttendanceMark.note,
            AttendanceMark.recorded_at, AttendanceMark.recorded_by_id,
            func.coalesce(func.nullif(User.name, ""), User.email).label("recorded_by_name"),  # User.display_name
        )
        .join(AttendanceMark.registration)
        .outerjoin(User, User.id == AttendanceMark.recorded_by_id)
        .where(Registration.training_id == training.id, Registration.status == "confirmed")
    ).all()
    return AttendanceGrid(
        days=list(training.days),
        registrations=registrations,
        marks={(m.registration_id, m.session_day_id): m for m in marks},
    )


def confirmed_registrations(training) -> list:
    """Confirmed registrations by participant name, with participants and organisations (one query)."""
    from ..participants.models import Participant
    from ..registrations.models import Registration

    return db.session.scalars(
        _confirmed_by_name(training, Registration)
        .options(contains_eager(Registration.participant).joinedload(Participant.organisation))
    ).unique().all()


def _confirmed_by_name(training, *columns):
    """SELECT ``columns`` of the training's confirmed registrations joined with their participants, by name."""
    from ..participants.models import Participant
    from ..registrations.models import Registration

    return (
        select(*columns)
        .select_from(Registration)
        .join(Registration.participant)
        .where(Registration.training_id == training.id, Registration.status == "confirmed")
        .order_by(func.lower(Participant.name), Registration.id)
    )


def sign_in_sheet_pdf(training, day, *, with_badges: bool = True) -> bytes:
    """The printable A4 sign-in sheet of one day: one row per confirmed participant, names in both scripts, and
    the QR code of each person's badge (``core.signals.badge_links``) to check them in from the sheet. A badge's
    code checks its holder in: ``with_badges`` False (a reader who does not take attendance) leaves them out."""
    from ..core.i18n import current_language
    from ..core.signals import badge_links
    from ..pdf import qr_data_uri, render_pdf

    registrations = confirmed_registrations(training)
    links = {}
    for _receiver, answer in badge_links.send(training, registration_ids=[r.id for r in registrations]):
        links.update(answer if with_badges else {})
    return render_pdf("pdf/sign_in_sheet.html", training=training, day=day, lang=current_language(),
                      registrations=registrations, qr_codes={rid: qr_data_uri(url) for rid, url in links.items()})


def day_of(training, day_id: int):
    """The session day ``day_id`` of this training, or None."""
    return next((day for day in training.days if day.id == day_id), None)


class DayMark(NamedTuple):
    """What an officer enters for one participant on one day: ``status`` one of ``models.MARKS``, or "" to remove
    the mark; ``note`` at most 500 characters, or None."""

    status: str
    note: str | None = None


def record_day(training, day, entries: Mapping[int, DayMark], *, by_user) -> int:
    """Record one day's marks and commit: ``entries`` maps registration id -> ``DayMark``.

    An empty status removes a mark. Only confirmed registrations of this training can be marked.
    Returns how many cells changed; each change is audited. Raises AttendanceError: a registration that is not
    a confirmed one of this training, an unknown mark, a note too long.
    """
    confirmed = _confirmed_registrations(training, entries)  # a page of a large training: only its people
    unknown = set(entries) - set(confirmed)
    if unknown:
        raise AttendanceError(_l("Attendance can only be taken for confirmed participants of this training."))
    for status, note in entries.values():
        if status and status not in MARKS:
            raise AttendanceError(_l("Unknown attendance mark “%(mark)s”.", mark=status))
        if note and len(note) > 500:
            raise AttendanceError(_l("A note may be at most 500 characters long."))
    existing = _marks_of_day(day, entries)
    now = utcnow()  # one save, one time: the grid shows each save's time once
    changed = 0
    with _saving_marks():
        for registration_id, (status, note) in entries.items():
            note = (note or "").strip() or None
            mark = existing.get(registration_id)
            person = confirmed[registration_id].participant
            name = person.name
            if not status:
                if mark is not None:
                    db.session.delete(mark)
                    audit.record(by_user, "attendance.delete", mark, f"{name}, {day.date}: mark {mark.status} removed",
                                 training_id=training.id,
                                 details={"name": name, "name_ar": person.name_ar, "day": day.date, "mark": mark.status})
                    changed += 1
                continue
            if mark is None:
                mark = AttendanceMark(registration_id=registration_id, session_day_id=day.id, status=status, note=note,
                                      recorded_by_id=by_user.id, recorded_at=now)
                db.session.add(mark)
                audit.record(by_user, "attendance.create", mark, f"{name}, {day.date}: {status}",
                             training_id=training.id,
                             details={"name": name, "name_ar": person.name_ar, "day": day.date, "mark": status})
                changed += 1
            elif (mark.status, mark.note) != (status, note):
                changes = {k: [getattr(mark, k), v] for k, v in (("status", status), ("note", note)) if getattr(mark, k) != v}
                mark.status, mark.note, mark.recorded_by_id, mark.recorded_at = status, note, by_user.id, now
                audit.record(by_user, "attendance.update", mark, f"{name}, {day.date}: {changes.get('status', [status])[0]} → {status}",
                             changes=changes, training_id=training.id,
                             details={"name": name, "name_ar": person.name_ar, "day": day.date, "mark": status})
                changed += 1
    return changed


def mark_all_present(training, day, *, by_user) -> int:
    """Mark every confirmed participant without a mark for ``day`` present and commit; marks already there stay."""
    confirmed = _confirmed_registrations(training)
    already = set(_marks_of_day(day))
    now = utcnow()
    blank = [registration_id for registration_id in confirmed if registration_id not in already]
    with _saving_marks():
        for registration_id in blank:
            db.session.add(AttendanceMark(registration_id=registration_id, session_day_id=day.id, status="present",
                                          recorded_by_id=by_user.id, recorded_at=now))
        if blank:
            audit.record(by_user, "attendance.mark_all_present", training,
                         f"{day.date}: {len(blank)} participants marked present",
                         details={"day": day.date, "count": len(blank)})
    return len(blank)


def _confirmed_registrations(training, ids=None) -> dict:
    """{id: registration} of the training's confirmed registrations (only those among ``ids`` when given)."""
    from ..participants.models import Participant
    from ..registrations.models import Registration

    query = (select(Registration)
             .options(joinedload(Registration.participant).load_only(Participant.name))
             .where(Registration.training_id == training.id, Registration.status == "confirmed"))
    if ids is not None:
        query = query.where(Registration.id.in_(list(ids)))
    return {r.id: r for r in db.session.scalars(query)}


def _marks_of_day(day, ids=None) -> dict:
    """{registration id: mark} of ``day`` (only the registrations among ``ids`` when given)."""
    query = select(AttendanceMark).where(AttendanceMark.session_day_id == day.id)
    if ids is not None:
        query = query.where(AttendanceMark.registration_id.in_(list(ids)))
    return {m.registration_id: m for m in db.session.scalars(query)}


@contextmanager
def _saving_marks():
    """One commit; a cell someone else marked at the same moment makes the whole save fail cleanly."""
    try:
        yield
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AttendanceError(_l("Someone else recorded attendance for this day at the same time; please reload and check.")) from None
