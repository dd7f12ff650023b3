"""The one source of report figures: every PDF, spreadsheet, CSV, the dashboard and the read API take
their numbers from here, so the same question always gets the same number. Which trainings and
registrations are counted is in ``selection.py``; the participant lists with their attendance in
``participants.py``.

Definitions (also in docs/figures.md):

- **nominated** — every registration of a training, whatever its status.
- **registered** — registrations still in play: pending, confirmed or waitlisted
  (not rejected, not withdrawn).
- **confirmed** — registrations with status confirmed (they hold a seat).
- **attended** — confirmed registrations with at least one day marked present or late. These are the
  people a training *trained*; in the programme report each is a *participation*.
- **completed** — confirmed registrations that met the training's certificate rule
  (``attendance.services.certificate_rule_result``).
- **certified** — confirmed registrations holding a valid (not revoked) certificate.
- **person-days** — days marked present or late of confirmed registrations.
- **persons trained** — distinct participants among the attended registrations: a person trained at
  three trainings counts once. Every person has one sex and one organisation (their current one), so
  the breakdowns by sex and by organisation add up to this total. A person can follow several courses,
  so the per-course counts need not add up to it.
- **certification rate** — certified ÷ attended registrations.
- **overdue recommendation** — due before today and neither implemented nor not pursued
  (``Recommendation.is_overdue``).

The programme report covers the trainings *held* in a period: completed trainings (cancelled ones
never are) whose start date lies in [from, to], optionally of one course and in one country. With an
organisation filter only that organisation's participants (by their current organisation) are counted,
and only trainings where at least one of them attended are held for it.

Every figure is computed with aggregate SQL (GROUP BY, COUNT DISTINCT, conditional counts; the certificate
rule too, by ``attendance.services.certificate_rule_met``) over the selected trainings, so the number of SQL
statements does not grow with the data and no row per registration reaches Python. Related rows are loaded with ``subqueryload``, which is
one statement however many rows there are (``selectinload`` sends one per 500 parents). The persons trained of every
completed training, or of one course's, are read from counts the database keeps (``tallies.py``).
"""
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property

from sqlalchemy import Select, String, and_, case, cast, distinct, func, literal, null, select, union_all
from sqlalchemy.orm import joinedload, subqueryload

from ..attendance.models import MARKS, AttendanceMark
from ..attendance.services import ATTENDED
from ..certificates.models import Certificate
from ..courses.models import Course
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import SEXES, Participant
from ..recommendations.models import RECOMMENDATION_STATUSES, Recommendation
from ..registrations.models import Registration
from ..trainings.models import SessionDay, TrainingSession
from .participants import participant_list
from .profiles import kept_key_figures
from .selection import (
    REGISTERED_STATUSES, ProgrammeFilters, confirmed_registrations, held_sessions, in_organisation, with_attendance,
)
from .tallies import ALL_COURSES, kept_persons



@dataclass
class KeyFigures:
    """Counts of one training, or summed over the trainings of a programme report."""

    nominated: int = 0
    registered: int = 0
    confirmed: int = 0
    attended: int = 0
    completed: int = 0
    certified: int = 0
    person_days: int = 0

    def __add__(self, other):
        return KeyFigures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def certification_rate(self) -> float:
        return round(self.certified / self.attended, 4) if self.attended else 0.0


@dataclass
class OrganisationRow:
    """Persons trained from one organisation, by sex. ``organisation`` is None for names not in the list."""

    organisation: Organisation | None
    by_sex: dict = field(default_factory=lambda: dict.fromkeys(SEXES, 0))

    @property
    def total(self) -> int:
        return sum(self.by_sex.values())


@dataclass
class CourseRow:
    course: Course
    trainings: int = 0
    #: distinct persons trained in this course's trainings
    persons: int = 0
    figures: KeyFigures = field(default_factory=KeyFigures)


@dataclass
class DayRow:
    """Marks of confirmed registrations on one day of a training."""

    day: SessionDay
    marks: dict
    unmarked: int

    @property
    def attended(self) -> int:
        return sum(self.marks[s] for s in ATTENDED)


@dataclass
class SessionFigures:
    training: TrainingSession
    key: KeyFigures
    organisations: list
    by_sex: dict
    days: list
    participants: list
    recommendations: list
    recommendations_by_status: dict
    overdue: list
    certificates: list

    @property
    def persons_trained(self) -> int:
        return self.key.attended

    @property
    def entities(self) -> int:
        return sum(1 for row in self.organisations if row.organisation is not None)


@dataclass
class ProgrammeFigures:
    filters: ProgrammeFilters
    #: [(training session, KeyFigures)] by start date
    trainings: list
    totals: KeyFigures
    persons_trained: int
    by_sex: dict
    organisations: list
    courses: list
    recommendations_by_status: dict
    #: the overdue recommendations of the trainings held, by due date: ``overdue`` lists them all (the
    #: PDF and the spreadsheet), ``overdue_page`` a page of them (the dashboard); both count the same rows
    overdue_query: Select = field(repr=False)

    @cached_property
    def overdue(self) -> list:
        return list(db.session.scalars(self.overdue_query))

    def overdue_page(self, page: int, per_page: int):
        """One page of ``overdue``; its ``total`` is the number of overdue recommendations."""
        return db.paginate(self.overdue_query, page=page, per_page=per_page, error_out=False)

    @property
    def trainings_held(self) -> int:
        return len(self.trainings)

    @property
    def entities(self) -> int:
        return sum(1 for row in self.organisations if row.organisation is not None)


# --- building blocks: each one statement, whatever the number of trainings or people ---------------


def status_counts(training_ids, organisation_id=None) -> dict:
    """``{(training id, status): registrations}`` for the given trainings."""
    query = select(Registration.training_id, Registration.status, func.count(Registration.id)).where(
        Registration.training_id.in_(training_ids)
    )
    query = in_organisation(query, organisation_id).group_by(Registration.training_id, Registration.status)
    return {(sid, status): n for sid, status, n in db.session.execute(query)}


@dataclass
class _AttendanceFigures:
    by_session: dict
    #: [OrganisationRow] by persons trained, then name
    organisations: list
    by_sex: dict
    #: {course id: distinct persons trained}
    persons_by_course: dict


def _attendance_figures(sessions, training_ids, organisation_id, kept=None) -> _AttendanceFigures:
    """The key figures of each training, persons trained by organisation and sex, and by course.

    Two statements, whatever the size of the trainings: the key figures of each training come back together with the
    persons (UNION ALL, each row tagged with its grouping); the certificates are counted apart. When ``kept`` is
    given (the report of every completed training: ``tallies.ALL_COURSES``, or of one course: its id) both are read
    from counts the database keeps: the key figures summed from the attendance profiles
    (``profiles.kept_key_figures``), the persons from ``tallies.kept_persons``. Otherwise each registration's marks
    are counted in a common table expression (``with_attendance``), and persons are distinct participants among the
    attended registrations. On PostgreSQL the expression is NOT MATERIALIZED:
    planned into each grouping, it costs less than writing its million rows aside once and reading them three times
    (2.4 → 1.5 s of database CPU on a million registrations, docs/performance.md)."""
    confirmed = Registration.status == "confirmed"
    query, (*_, days_attended, completed) = with_attendance(select(Registration.training_id), training_ids)
    registrations = in_organisation(
        query.add_columns(
            Registration.participant_id, TrainingSession.course_id,
            Registration.status.in_(REGISTERED_STATUSES).label("registered"), confirmed.label("confirmed"),
            days_attended.label("days_attended"), and_(confirmed, completed).label("completed"),
        ).where(Registration.training_id.in_(training_ids)),
        organisation_id,
    ).cte("registration_figures").prefix_with("NOT MATERIALIZED", dialect="postgresql")
    r = registrations.c
    trained = and_(r.confirmed, r.days_attended > 0)
    zero, no_text = literal(0), cast(null(), String)
    if kept is not None:
        by_training = kept_key_figures(training_ids)
    else:
        by_training = select(
            literal("training"), r.training_id, no_text, func.count(), func.count(case((r.registered, 1))),
            func.count(case((r.confirmed, 1))), func.count(case((trained, 1))),
            func.coalesce(func.sum(case((r.confirmed, r.days_attended), else_=0)), 0), func.count(case((r.completed, 1))),
        ).group_by(r.training_id)
    if kept is None:
        by_organisation_and_sex = (
            select(literal("sex"), Participant.organisation_id, Participant.sex, func.count(distinct(r.participant_id)),
                   zero, zero, zero, zero, zero)
            .join(Participant, Participant.id == r.participant_id)
            .where(trained)
            .group_by(Participant.organisation_id, Participant.sex)
        )
        by_course = (
            select(literal("course"), r.course_id, no_text, func.count(distinct(r.participant_id)), zero, zero, zero, zero, zero)
            .where(trained)
            .group_by(r.course_id)
        )
    else:
        by_organisation_and_sex, by_course = kept_persons(kept)
    by_session = {training.id: KeyFigures() for training in sessions}
    org_sex_rows, persons_by_course = [], {}
    for kind, key, sex, *counts in db.session.execute(union_all(by_training, by_organisation_and_sex, by_course)):
        if kind == "training":
            figures = by_session[key]
            (figures.nominated, figures.registered, figures.confirmed, figures.attended, figures.person_days,
             figures.completed) = map(int, counts)
        elif kind == "sex":
            org_sex_rows.append((key or None, sex, int(counts[0])))  # tallies.NO_ORGANISATION is 0
        else:
            persons_by_course[key] = int(counts[0])

    certified = db.session.execute(
        select(Registration.training_id, func.count(distinct(Registration.id)))
        .join(Certificate, Certificate.registration_id == Registration.id)
        .where(Registration.id.in_(confirmed_registrations(training_ids, organisation_id)), Certificate.status == "valid")
        .group_by(Registration.training_id)
    )
    for sid, n in certified:
        by_session[sid].certified = n
    organisations, by_sex = _by_organisation_and_sex(org_sex_rows)
    return _AttendanceFigures(by_session, organisations, by_sex, persons_by_course)


def kept_course(filters: ProgrammeFilters):
    """The course of the kept counts of persons trained that answer ``filters`` (``tallies.ALL_COURSES`` for every
    course), or None when the report must count them from the registrations: the counts cover every completed
    training, so a period, a country or an organisation needs the registrations."""
    if filters.date_from or filters.date_to or filters.country or filters.organisation_id:
        return None
    return filters.course_id or ALL_COURSES


def _by_organisation_and_sex(rows):
    """OrganisationRows and totals by sex from ``(organisation id, sex, persons)`` rows (one statement)."""
    ids = {org_id for org_id, _, _ in rows if org_id is not None}
    organisations = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    by_organisation = {}
    for org_id, sex, n in rows:
        row = by_organisation.setdefault(org_id, OrganisationRow(organisations.get(org_id)))
        row.by_sex[sex] += n
    ordered = sorted(
        by_organisation.values(),
        key=lambda r: (r.organisation is None, -r.total, r.organisation.name if r.organisation else ""),
    )
    by_sex = dict.fromkeys(SEXES, 0)
    for row in ordered:
        for sex, n in row.by_sex.items():
            by_sex[sex] += n
    return ordered, by_sex


def _recommendations_by_status(training_ids) -> dict:
    counts = dict.fromkeys(RECOMMENDATION_STATUSES, 0)
    counts.update(db.session.execute(
        select(Recommendation.status, func.count(Recommendation.id))
        .where(Recommendation.training_id.in_(training_ids))
        .group_by(Recommendation.status)
    ).all())
    return counts


def _overdue_recommendations(training_ids, today) -> Select:
    """A select of the overdue recommendations of the given trainings, with what the lists show of them."""
    return (
        select(Recommendation)
        .where(
            Recommendation.training_id.in_(training_ids),
            Recommendation.is_overdue(today),
        )
        .options(
            joinedload(Recommendation.responsible_organisation),
            joinedload(Recommendation.training),
            subqueryload(Recommendation.updates),
        )
        .order_by(Recommendation.due_date, Recommendation.id)
    )


# --- the reports ------------------------------------------------------------------------------------


def session_figures(training, today=None) -> SessionFigures:
    """Everything the session report and the training's row on the dashboard show."""
    today = today or date.today()
    ids = [training.id]
    attendance = _attendance_figures([training], ids, None)
    key, organisations, by_sex = attendance.by_session[training.id], attendance.organisations, attendance.by_sex

    day_counts = defaultdict(lambda: dict.fromkeys(MARKS, 0))
    for day_id, status, n in db.session.execute(
        select(AttendanceMark.session_day_id, AttendanceMark.status, func.count(AttendanceMark.id))
        .where(AttendanceMark.registration_id.in_(confirmed_registrations(ids)))
        .group_by(AttendanceMark.session_day_id, AttendanceMark.status)
    ):
        day_counts[day_id][status] = n
    days = [
        DayRow(day, day_counts[day.id], key.confirmed - sum(day_counts[day.id].values()))
        for day in training.days
    ]

    participants = participant_list(training=training)
    recommendations = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.training_id == training.id)
        .options(joinedload(Recommendation.responsible_organisation), subqueryload(Recommendation.updates))
        .order_by(Recommendation.id)
    ).all()
    certificates = db.session.scalars(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.training_id == training.id)
        .options(joinedload(Certificate.registration).joinedload(Registration.participant))
        .order_by(Certificate.serial)
    ).all()
    return SessionFigures(
        training=training,
        key=key,
        organisations=organisations,
        by_sex=by_sex,
        days=days,
        participants=participants,
        recommendations=recommendations,
        recommendations_by_status=_recommendations_by_status(ids),
        overdue=list(db.session.scalars(_overdue_recommendations(ids, today))),
        certificates=certificates,
    )


def programme_figures(filters: ProgrammeFilters, today=None) -> ProgrammeFigures:
    """The programme report for a period: a fixed number of statements, however many trainings and people."""
    today = today or date.today()
    training_ids = held_sessions(filters)
    organisation_id = filters.organisation_id
    sessions = db.session.scalars(
        select(TrainingSession)
        .where(TrainingSession.id.in_(training_ids))
        .options(subqueryload(TrainingSession.days))
        .order_by(TrainingSession.start_date, TrainingSession.id)
    ).all()
    attendance = _attendance_figures(sessions, training_ids, organisation_id, kept_course(filters))
    by_session, organisations, by_sex = attendance.by_session, attendance.organisations, attendance.by_sex
    trainings = [(training, by_session[training.id]) for training in sessions]
    totals = sum((key for _, key in trainings), KeyFigures())
    persons_by_course = attendance.persons_by_course
    courses = {}
    for training, key in trainings:
        row = courses.setdefault(training.course_id, CourseRow(training.course, persons=persons_by_course.get(training.course_id, 0)))
        row.trainings += 1
        row.figures = row.figures + key
    return ProgrammeFigures(
        filters=filters,
        trainings=trainings,
        totals=totals,
        persons_trained=sum(by_sex.values()),  # each person has one sex
        by_sex=by_sex,
        organisations=organisations,
        courses=sorted(courses.values(), key=lambda r: (-r.persons, r.course.title)),
        recommendations_by_status=_recommendations_by_status(training_ids),
        overdue_query=_overdue_recommendations(training_ids, today),
    )
