"""What the attendance pages show: one page of people at a time, the marks of those people, and totals per day.

A training of ten thousand people drawn on one page was 7 MB of HTML; the grid and the day page show
``ATTENDANCE_PER_PAGE`` people at a time, found by name, while the totals always count everyone confirmed.
Every page costs the same few queries however many people the training has.
"""
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from ..core.i18n import current_language
from ..core.pagination import KnownPagination
from ..core.text import contains_words
from ..extensions import db
from .models import MARKS, AttendanceMark
from .services import RuleResult, attendance_rate, certificate_rule_result

#: longest name search kept from the address bar
MAX_QUERY = 100


@dataclass
class DayTotals:
    """How many confirmed participants have each mark on one day; ``unmarked`` have none yet."""

    counts: Counter = field(default_factory=Counter)
    confirmed: int = 0

    def __getitem__(self, status: str) -> int:
        return self.counts[status]

    @property
    def marked(self) -> int:
        return sum(self.counts[m] for m in MARKS)

    @property
    def unmarked(self) -> int:
        return max(self.confirmed - self.marked, 0)

    @property
    def attended(self) -> int:
        return self.counts["present"] + self.counts["late"]


@dataclass
class Person:
    """One row: a confirmed registration, its participant's names (``shown`` in the active language's script,
    ``other`` in the other script or None), and the marks recorded for the days on the page."""

    id: int
    name: str
    name_ar: str | None
    shown: str
    other: str | None
    #: session_day_id -> mark row (status, note, recorded_at, recorded_by_id, recorded_by_name)
    marks: dict
    #: share of the training's days attended (present or late), 0..1
    rate: float = 0.0
    rule: RuleResult | None = None

    def mark(self, day):
        return self.marks.get(day.id)


@dataclass
class AttendancePage:
    """One page of the grid or of a day: ``pagination.items`` are the people (``Person``) on it."""

    days: list
    pagination: KnownPagination
    #: session_day_id -> DayTotals over everyone confirmed (not only this page)
    totals: dict
    confirmed: int
    query: str

    @property
    def people(self) -> list:
        return self.pagination.items


def clean_query(value: str | None) -> str:
    """A name search from the address bar: trimmed and bounded."""
    return (value or "").strip()[:MAX_QUERY]


def attendance_page(training, *, page: int = 1, query: str = "", days=None, with_rule: bool = False) -> AttendancePage:
    """The people of page ``page`` (``ATTENDANCE_PER_PAGE`` a page) whose Latin or Arabic name contains ``query``,
    with their marks on ``days`` (default every day of the training) and the totals of those days.

    With ``with_rule`` each person also gets the attendance rate and the certificate rule's result
    (``services.certificate_rule_result``), which need their marks on every day. Five queries whatever the size.
    """
    from ..auth.models import User
    from ..participants.models import Participant
    from ..registrations.models import Registration

    per_page = current_app.config["ATTENDANCE_PER_PAGE"]
    all_days = list(training.days)
    days = all_days if days is None else list(days)
    arabic = current_language() == "ar"
    shown = func.coalesce(func.nullif(Participant.name_ar, ""), Participant.name) if arabic else Participant.name
    confirmed = (Registration.training_id == training.id, Registration.status == "confirmed")
    people = (
        select(Registration.id, Participant.name, Participant.name_ar)
        .select_from(Registration).join(Registration.participant).where(*confirmed)
    )
    if query:
        people = people.where(contains_words(Participant.name_folded, query))
    total_confirmed = confirmed_count(training)
    found = db.session.scalar(select(func.count()).select_from(people.subquery())) if query else total_confirmed
    page = max(1, min(page, max(1, -(-found // per_page))))
    rows = db.session.execute(
        people.order_by(func.lower(shown), Registration.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    ids = [r.id for r in rows]
    mark_days = all_days if with_rule else days
    marks = db.session.execute(
        select(
            AttendanceMark.registration_id, AttendanceMark.session_day_id, AttendanceMark.status, AttendanceMark.note,
            AttendanceMark.recorded_at, AttendanceMark.recorded_by_id,
            func.coalesce(func.nullif(User.name, ""), User.email).label("recorded_by_name"),  # User.display_name
        )
        .outerjoin(User, User.id == AttendanceMark.recorded_by_id)
        .where(AttendanceMark.registration_id.in_(ids), AttendanceMark.session_day_id.in_([d.id for d in mark_days]))
    ).all() if ids and mark_days else []
    by_person = {}
    for m in marks:
        by_person.setdefault(m.registration_id, {})[m.session_day_id] = m
    persons = []
    for r in rows:
        own = by_person.get(r.id, {})
        latin, arabic_name = r.name, r.name_ar or None
        person = Person(r.id, latin, arabic_name, shown=(arabic_name or latin) if arabic else latin,
                        other=(latin if arabic and arabic_name else arabic_name if not arabic else None), marks=own)
        if with_rule:
            statuses = [m.status for m in own.values()]
            person.rate = attendance_rate(statuses, len(all_days))
            person.rule = certificate_rule_result(training, statuses)
        persons.append(person)
    return AttendancePage(
        days=days,
        pagination=KnownPagination(persons, total=found, page=page, per_page=per_page),
        totals=day_totals(training, days, total_confirmed),
        confirmed=total_confirmed,
        query=query,
    )


def confirmed_count(training) -> int:
    """How many confirmed registrations ``training`` has."""
    from ..registrations.models import Registration

    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.training_id == training.id, Registration.status == "confirmed"))


def day_totals(training, days, confirmed: int) -> dict:
    """session_day_id -> DayTotals of the confirmed participants on each of ``days`` (one query)."""
    from ..registrations.models import Registration

    totals = {day.id: DayTotals(confirmed=confirmed) for day in days}
    if not days:
        return totals
    counted = db.session.execute(
        select(AttendanceMark.session_day_id, AttendanceMark.status, func.count(AttendanceMark.id))
        .join(AttendanceMark.registration)
        .where(Registration.training_id == training.id, Registration.status == "confirmed",
               AttendanceMark.session_day_id.in_(list(totals)))
        .group_by(AttendanceMark.session_day_id, AttendanceMark.status)
    ).all()
    for day_id, status, count in counted:
        totals[day_id].counts[status] = count
    return totals


def today_of(training, today):
    """The training's day that is ``today`` (a date in the training's time zone), or None."""
    return next((day for day in training.days if day.date == today), None)
