"""Which trainings and registrations a report counts: the programme filters, the trainings *held* for
them, the confirmed registrations and those that attended (definitions in ``figures.py``), and each
registration's attendance counted in SQL. Each is a select to nest in the report's queries, never run alone."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select

from ..attendance.models import AttendanceMark
from ..attendance.services import ATTENDED, certificate_rule_met
from ..attendance.tallies import AttendanceTally
from ..participants.models import Participant
from ..registrations.models import Registration
from ..trainings.models import SessionDay, TrainingSession


#: statuses of a registration still in play
REGISTERED_STATUSES = ("pending", "confirmed", "waitlisted")


@dataclass(frozen=True)
class ProgrammeFilters:
    date_from: date | None = None
    date_to: date | None = None
    course_id: int | None = None
    organisation_id: int | None = None
    country: str | None = None


def in_organisation(query, organisation_id):
    """Only registrations of participants of ``organisation_id`` (their current organisation), if given."""
    if organisation_id is None:
        return query
    return query.where(
        Registration.participant_id.in_(select(Participant.id).where(Participant.organisation_id == organisation_id))
    )


def attended_some_day():
    return exists().where(AttendanceMark.registration_id == Registration.id, AttendanceMark.status.in_(ATTENDED))


def confirmed_registrations(training_ids, organisation_id=None):
    """A select of confirmed registrations of the given trainings (a list or a select of ids)."""
    query = select(Registration.id).where(
        Registration.training_id.in_(training_ids), Registration.status == "confirmed"
    )
    # never correlated: it is used inside queries on registrations too
    return in_organisation(query, organisation_id).correlate(None)


def held_sessions(filters: ProgrammeFilters):
    """A select of the ids of the trainings held in the period, for the filters."""
    query = select(TrainingSession.id).where(TrainingSession.status == "completed")
    if filters.date_from:
        query = query.where(TrainingSession.start_date >= filters.date_from)
    if filters.date_to:
        query = query.where(TrainingSession.start_date <= filters.date_to)
    if filters.course_id:
        query = query.where(TrainingSession.course_id == filters.course_id)
    if filters.country:
        query = query.where(TrainingSession.country == filters.country)
    if filters.organisation_id:
        query = query.where(
            exists()
            .where(
                Registration.training_id == TrainingSession.id,
                Registration.status == "confirmed",
                Participant.id == Registration.participant_id,
                Participant.organisation_id == filters.organisation_id,
                attended_some_day(),
            )
        )
    # never correlated: it is nested inside queries on trainings too
    return query.correlate(None)


def days_per_training(training_ids):
    """A subquery of the number of days (``days``) of each of the given trainings (``training_id``)."""
    return (
        select(SessionDay.training_id, func.count().label("days"))
        .where(SessionDay.training_id.in_(training_ids))
        .group_by(SessionDay.training_id)
        .subquery()
    )


def with_attendance(query, training_ids):
    """``query`` (on registrations) joined to its training, the training's number of days and the registration's
    mark counts (kept by the database: ``attendance.tallies``); returns it with the expressions ``(days,
    present, late, excused, recorded, days attended, completed)`` to select from, never NULL (``completed``:
    the certificate rule is met, as ``attendance.services.certificate_rule_met`` decides)."""
    marks, days = AttendanceTally.__table__, days_per_training(training_ids)
    query = (
        query.join(TrainingSession, TrainingSession.id == Registration.training_id)
        .outerjoin(days, days.c.training_id == Registration.training_id)
        .outerjoin(marks, marks.c.registration_id == Registration.id)
    )
    n_days = func.coalesce(days.c.days, 0)
    present, late, excused, recorded = (func.coalesce(marks.c[c], 0) for c in ("present", "late", "excused", "recorded"))
    completed = certificate_rule_met(TrainingSession, n_days, present, late, excused, recorded)
    return query, (n_days, present, late, excused, recorded, present + late, completed)
