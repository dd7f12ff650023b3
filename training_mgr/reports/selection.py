"""Which trainings and registrations a report counts: the programme filters, the trainings *held* for
them, the confirmed registrations and those that attended (definitions in ``figures.py``). Each is a select
to nest in the report's queries, never run alone."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from ..attendance.models import AttendanceMark
from ..attendance.services import ATTENDED
from ..participants.models import Participant
from ..registrations.models import Registration
from ..trainings.models import TrainingSession


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


def confirmed_registrations(session_ids, organisation_id=None):
    """A select of confirmed registrations of the given trainings (a list or a select of ids)."""
    query = select(Registration.id).where(
        Registration.training_id.in_(session_ids), Registration.status == "confirmed"
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
