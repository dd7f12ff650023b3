"""The participant lists of the reports: confirmed registrations with their marks by day, attendance rate
and the certificate rule's verdict, for one training or for the trainings held for the programme filters.

``participant_list`` gives objects with each day's mark (a training's report, the API); ``participant_rows``
streams plain rows with the counts made in SQL (the exports, a million rows long)."""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, subqueryload

from ..attendance.models import AttendanceMark
from ..attendance.services import ATTENDED, attendance_rate, certificate_rule_result
from ..certificates.models import Certificate
from ..extensions import db
from ..participants.models import Participant
from ..registrations.models import Registration
from ..trainings.models import TrainingSession
from .selection import ProgrammeFilters, confirmed_registrations, held_sessions, in_organisation, with_attendance


@dataclass
class ParticipantAttendance:
    """One registration's marks by ISO date, its attendance rate (0..1: days attended of all the training's
    days), the certificate rule's verdict, and the share the rule measured (0..1: days attended of the days it
    counts, which may leave excused days out; ``attendance.services.certificate_rule_result``)."""

    marks: dict
    rate: float
    completed: bool
    rule_share: float = 0.0

    @property
    def days_attended(self) -> int:
        return sum(1 for s in self.marks.values() if s in ATTENDED)


@dataclass
class ParticipantRow:
    registration: Registration
    attendance: ParticipantAttendance


def mark_rows_of(registration_ids):
    return db.session.execute(
        select(AttendanceMark.registration_id, AttendanceMark.session_day_id, AttendanceMark.status)
        .where(AttendanceMark.registration_id.in_(registration_ids))
    ).all()


def attendance_of(registrations, sessions_by_id, mark_rows) -> dict:
    day_dates = {d.id: d.date.isoformat() for training in sessions_by_id.values() for d in training.days}
    marks = defaultdict(dict)
    for registration_id, day_id, status in mark_rows:
        if day_id in day_dates:
            marks[registration_id][day_dates[day_id]] = status
    result = {}
    for registration in registrations:
        training = sessions_by_id[registration.training_id]
        by_date = dict(sorted(marks[registration.id].items()))
        rule = certificate_rule_result(training, by_date.values())
        result[registration.id] = ParticipantAttendance(
            marks=by_date, rate=attendance_rate(by_date.values(), len(training.days)), completed=rule.met,
            rule_share=rule.share,
        )
    return result


def attendance_by_registration(training, registrations) -> dict:
    """``{registration id: ParticipantAttendance}`` for some registrations of one training (one statement)."""
    ids = [r.id for r in registrations]
    return attendance_of(registrations, {training.id: training}, mark_rows_of(ids) if ids else [])


def participant_list(filters: ProgrammeFilters | None = None, training=None) -> list:
    """Confirmed registrations, with their attendance, of one training or of the trainings held for ``filters``.

    Returns ``[ParticipantRow]`` ordered by training start date, then participant name.
    """
    if training is not None:
        sessions, training_ids, organisation_id = [training], [training.id], None
    else:
        training_ids, organisation_id = held_sessions(filters), filters.organisation_id
        sessions = db.session.scalars(
            select(TrainingSession).where(TrainingSession.id.in_(training_ids)).options(subqueryload(TrainingSession.days))
        ).all()
    confirmed = confirmed_registrations(training_ids, organisation_id)
    registrations = db.session.scalars(
        select(Registration)
        .join(TrainingSession, TrainingSession.id == Registration.training_id)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.id.in_(confirmed))
        .options(
            contains_eager(Registration.training),
            joinedload(Registration.participant).joinedload(Participant.organisation),
            subqueryload(Registration.certificates),
        )
        .order_by(TrainingSession.start_date, TrainingSession.id, Participant.name, Registration.id)
    ).all()
    attendance = attendance_of(registrations, {training.id: training for training in sessions}, mark_rows_of(confirmed))
    return [ParticipantRow(r, attendance[r.id]) for r in registrations]


def _selected(filters, training):
    if training is not None:
        return [training.id], None
    return held_sessions(filters), filters.organisation_id


def participant_count(filters: ProgrammeFilters | None = None, training=None) -> int:
    """How many rows ``participant_rows`` gives (one statement)."""
    training_ids, organisation_id = _selected(filters, training)
    return db.session.scalar(select(func.count()).select_from(confirmed_registrations(training_ids, organisation_id).subquery()))


def participant_rows(filters: ProgrammeFilters | None = None, training=None):
    """The rows of ``participant_list`` as plain rows, streamed from one statement in the same order: ``training_id``,
    person (``name``, ``name_ar``, ``sex``, ``position``, ``email``, ``organisation_id``, ``organisation_other``),
    ``status``, ``days`` (the training's), ``days_attended``, ``completed`` (the certificate rule) and ``serial`` (of
    the newest valid certificate, or None). The training's title and date are in ``listed_trainings`` and the
    organisation's names are the caller's to look up: the same on every row of a training, a million rows would
    carry them a million times through the database's sort and the connection. An iterator: rows are fetched in
    batches (``ROWS_PER_FETCH``) through a server-side cursor, as plain rows (no ORM)."""
    training_ids, organisation_id = _selected(filters, training)
    newest_valid = (
        select(Certificate.registration_id, func.max(Certificate.id).label("id"))
        .where(Certificate.status == "valid")
        .group_by(Certificate.registration_id)
        .subquery()
    )
    query, (days, *_, days_attended, completed) = with_attendance(select(Registration.training_id), training_ids)
    query = (
        in_organisation(query, organisation_id)
        .join(Participant, Participant.id == Registration.participant_id)
        .outerjoin(newest_valid, newest_valid.c.registration_id == Registration.id)
        .outerjoin(Certificate, Certificate.id == newest_valid.c.id)
        .where(Registration.training_id.in_(training_ids), Registration.status == "confirmed")
        .add_columns(
            Participant.name, Participant.name_ar, Participant.sex, Participant.position, Participant.email,
            Participant.organisation_id, Participant.organisation_other, Registration.status, days.label("days"),
            days_attended.label("days_attended"), completed.label("completed"), Certificate.serial,
        )
        .order_by(TrainingSession.start_date, TrainingSession.id, Participant.name, Registration.id)
    )
    return db.session.connection().execute(query, execution_options={"yield_per": ROWS_PER_FETCH})


def listed_trainings(filters: ProgrammeFilters | None = None, training=None) -> dict:
    """``{training id: row (id, title, title_ar, start_date)}`` of the trainings ``participant_rows`` lists (one statement)."""
    training_ids, _ = _selected(filters, training)
    return {row.id: row for row in db.session.execute(
        select(TrainingSession.id, TrainingSession.title, TrainingSession.title_ar, TrainingSession.start_date)
        .where(TrainingSession.id.in_(training_ids)))}


#: rows fetched from the database at a time by ``participant_rows``
ROWS_PER_FETCH = 5000
