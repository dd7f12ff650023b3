"""What a programme officer sees: the key counts on a training's page and the officer home (their
trainings by upcoming / running / over, and what needs their action). Each part is a fixed number of
queries however many trainings there are.

The rules counted here have one home each: seats (``registrations/seats.py``), an overdue recommendation
(``Recommendation.is_overdue``).
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select

from ..attendance.models import AttendanceMark
from ..certificates.models import Certificate
from ..core.db import utcnow
from ..extensions import db
from ..recommendations.models import Recommendation
from ..registrations.models import Registration
from ..registrations.seats import registration_counts, seats_left
from ..trainings.access import visible_sessions_filter
from ..trainings.models import SessionDay, TrainingSession
from ..trainings.services import ACTIVE_STATUSES, local_today


@dataclass
class TrainingFigures:
    """The key counts on a training's page."""

    #: {registration status: count}
    registrations: dict[str, int]
    #: registrations with status confirmed (a seat held for someone to confirm shows as pending)
    confirmed: int
    #: ``registrations.seats.seats_left``: free seats (held seats are not free), None without a capacity
    seats_left: int | None
    recommendations: int
    #: recommendations overdue on the training's local date (``Recommendation.is_overdue``)
    overdue_recommendations: int
    #: valid certificates
    certificates: int


def training_figures(training: TrainingSession, today: date | None = None) -> TrainingFigures:
    """The key counts of one training; ``today`` defaults to the date where the training takes place."""
    today = today or local_today(training)
    by_status = registration_counts([training.id])[training.id]
    recommendations, overdue = db.session.execute(
        select(
            func.count(Recommendation.id),
            func.count(Recommendation.id).filter(Recommendation.is_overdue(today)),
        ).where(Recommendation.training_id == training.id)
    ).one()
    certificates = db.session.scalar(
        select(func.count(Certificate.id))
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.training_id == training.id, Certificate.status == "valid")
    )
    return TrainingFigures(
        registrations=by_status, confirmed=by_status.get("confirmed", 0), seats_left=seats_left(training),
        recommendations=recommendations, overdue_recommendations=overdue, certificates=certificates,
    )


@dataclass
class OfficerHome:
    """A programme officer's trainings and what needs their action, each part in a fixed number of queries."""

    upcoming: list = field(default_factory=list)
    running: list = field(default_factory=list)
    #: a pagination of trainings that are over (completed, cancelled, or past their last day)
    past: object = None
    counts: dict = field(default_factory=dict)
    pending_nominations: list = field(default_factory=list)
    missing_attendance: list = field(default_factory=list)
    overdue_recommendations: list = field(default_factory=list)
    to_complete: list = field(default_factory=list)

    @property
    def needs_action(self) -> bool:
        return bool(self.pending_nominations or self.missing_attendance or self.overdue_recommendations or self.to_complete)


#: most rows shown in each "needs action" list
NEEDS_ACTION_LIMIT = 50


def officer_home(user, today: date | None = None, past_page: int = 1, per_page: int = 20) -> OfficerHome:
    """``user``'s trainings (all of them for an admin) by upcoming / running / over, and what needs action.

    ``today`` defaults to today's UTC date.
    """
    today = today or utcnow().date()
    visible = lambda query: visible_sessions_filter(user, query)  # noqa: E731
    home = OfficerHome()

    current = db.session.scalars(visible(
        select(TrainingSession)
        .where(TrainingSession.status.in_(ACTIVE_STATUSES),
               or_(TrainingSession.end_date.is_(None), TrainingSession.end_date >= today))
        .order_by(TrainingSession.start_date.is_(None), TrainingSession.start_date, TrainingSession.id)
    )).all()
    for training in current:
        (home.running if training.start_date and training.start_date <= today else home.upcoming).append(training)
    home.past = db.paginate(visible(
        select(TrainingSession)
        .where(or_(TrainingSession.status.not_in(ACTIVE_STATUSES), TrainingSession.end_date < today))
        .order_by(TrainingSession.end_date.desc(), TrainingSession.id.desc())
    ), page=past_page, per_page=per_page, error_out=False)
    home.counts = registration_counts([training.id for training in current] + [training.id for training in home.past.items])

    title_columns = (TrainingSession.id, TrainingSession.title, TrainingSession.title_ar)
    home.pending_nominations = db.session.execute(visible(
        select(*title_columns, func.count(Registration.id).label("pending"))
        .join(Registration, Registration.training_id == TrainingSession.id)
        .where(Registration.status == "pending", TrainingSession.status.in_(ACTIVE_STATUSES))
        .group_by(*title_columns)
        .order_by(func.min(Registration.created_at))
        .limit(NEEDS_ACTION_LIMIT)
    )).all()

    home.missing_attendance = db.session.execute(visible(
        select(*title_columns, SessionDay.id.label("day_id"), SessionDay.date.label("date"),
               func.count(Registration.id).label("missing"))
        .join(SessionDay, SessionDay.training_id == TrainingSession.id)
        .join(Registration, and_(Registration.training_id == TrainingSession.id,
                                 Registration.status == "confirmed"))
        .outerjoin(AttendanceMark, and_(AttendanceMark.registration_id == Registration.id,
                                        AttendanceMark.session_day_id == SessionDay.id))
        .where(SessionDay.date < today, AttendanceMark.id.is_(None), TrainingSession.status != "cancelled")
        .group_by(*title_columns, SessionDay.id, SessionDay.date)
        .order_by(SessionDay.date.desc(), TrainingSession.id)
        .limit(NEEDS_ACTION_LIMIT)
    )).all()

    home.overdue_recommendations = db.session.execute(visible(
        select(*title_columns, func.count(Recommendation.id).label("overdue"),
               func.min(Recommendation.due_date).label("oldest_due"))
        .join(Recommendation, Recommendation.training_id == TrainingSession.id)
        .where(Recommendation.is_overdue(today))
        .group_by(*title_columns)
        .order_by(func.min(Recommendation.due_date))
        .limit(NEEDS_ACTION_LIMIT)
    )).all()

    home.to_complete = db.session.execute(visible(
        select(*title_columns, TrainingSession.end_date)
        .where(TrainingSession.status.in_(("open", "closed")), TrainingSession.end_date < today)
        .order_by(TrainingSession.end_date)
        .limit(NEEDS_ACTION_LIMIT)
    )).all()
    return home
