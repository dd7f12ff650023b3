"""Seats: how many a training's registrations take, how many are left, and what its quotas allow.

The one seat rule is ``models.occupies_seat`` (confirmed, or held with a seat until later than now); every
count of taken or free seats (capacity checks, the waiting list, public pages, the officer's pages, the
read API's ``seats_taken``) is made here with it.
"""
from sqlalchemy import and_, func, select, union_all

from ..core.db import utcnow
from ..extensions import db
from ..participants.models import Participant
from ..trainings.models import OrganisationQuota, TrainingSession
from .models import SEAT_STATUSES, Registration, occupies_seat
from .tallies import RegistrationTally


def seats_taken(training_id: int) -> int:
    """Seats the training's registrations take now (``occupies_seat``: confirmed, or held with a seat)."""
    return seats_taken_by_session([training_id]).get(training_id, 0)


def training_seats_taken(training) -> int:
    """``seats_taken`` of a TrainingSession: the answer to ``core.signals.seats_in_use``."""
    return seats_taken(training.id)


def seats_taken_by_session(training_ids) -> dict[int, int]:
    """{training id: seats taken now} in one statement; trainings with none are left out.

    ``occupies_seat`` split in two so that neither part counts every registration: the confirmed ones from
    the kept tallies (``tallies.RegistrationTally``), and the holds that keep a seat, few and found by the
    index on ``held_until``."""
    if not training_ids:
        return {}
    ids, now = list(training_ids), utcnow()
    confirmed = select(RegistrationTally.training_id, RegistrationTally.registrations).where(
        RegistrationTally.training_id.in_(ids), RegistrationTally.status.in_(SEAT_STATUSES)
    )
    holds = (
        select(Registration.training_id, func.count(Registration.id))
        # held_until > now is implied; said outright, it lets the database start from the index of holds
        .where(Registration.training_id.in_(ids), Registration.status.not_in(SEAT_STATUSES), Registration.held_until > now,
               occupies_seat(now))
        .group_by(Registration.training_id)
    )
    taken = {}
    for training_id, n in db.session.execute(union_all(confirmed, holds)):
        taken[training_id] = taken.get(training_id, 0) + n
    return {training_id: n for training_id, n in taken.items() if n}


def free_seats(capacity: int | None, taken: int) -> int | None:
    """Seats left of ``capacity`` when ``taken`` are taken (never below 0), or None when there is no capacity."""
    return None if capacity is None else max(capacity - taken, 0)


def seats_left(training: TrainingSession) -> int | None:
    """Free seats, or None when the training has no capacity set. A seat held for someone to confirm is not free."""
    if training.capacity is None:
        return None
    return free_seats(training.capacity, seats_taken(training.id))


def seats_left_by_session(training_sessions) -> dict[int, int | None]:
    """{training id: free seats (None when it has no capacity)} for several trainings, in one query."""
    taken = seats_taken_by_session([training.id for training in training_sessions])
    return {training.id: free_seats(training.capacity, taken.get(training.id, 0)) for training in training_sessions}


def organisation_seats_taken(training_id: int, organisation_id: int) -> int:
    """Seats taken now by registrations of participants of ``organisation_id`` (their current organisation)."""
    return db.session.scalar(
        select(func.count(Registration.id))
        .join(Participant, Participant.id == Registration.participant_id)
        .where(
            Registration.training_id == training_id,
            occupies_seat(utcnow()),
            Participant.organisation_id == organisation_id,
        )
    )


def quota_usage(training: TrainingSession) -> dict[int, int]:
    """{organisation id: seats taken now} for each organisation that has a quota on the training, in one query."""
    rows = db.session.execute(
        select(Participant.organisation_id, func.count(Registration.id))
        .join(Participant, Participant.id == Registration.participant_id)
        .join(OrganisationQuota, and_(OrganisationQuota.organisation_id == Participant.organisation_id,
                                      OrganisationQuota.training_id == Registration.training_id))
        .where(Registration.training_id == training.id, occupies_seat(utcnow()))
        .group_by(Participant.organisation_id)
    )
    return dict(rows.all())


def capacity_reached(training: TrainingSession) -> bool:
    """Every seat of the training's capacity is taken (never, without a capacity)."""
    return training.capacity is not None and seats_taken(training.id) >= training.capacity


def has_free_seat(training: TrainingSession, participant) -> bool:
    """Capacity and the participant's organisation quota both allow one more confirmed seat."""
    if capacity_reached(training):
        return False
    if participant.organisation_id is not None:
        quota = db.session.get(OrganisationQuota, (training.id, participant.organisation_id))
        if quota is not None and organisation_seats_taken(training.id, participant.organisation_id) >= quota.max_seats:
            return False
    return True


def registration_counts(training_session_ids) -> dict[int, dict[str, int]]:
    """{training id: {registration status: count}} in one query (every status, seat or not), from the kept
    tallies (``tallies.RegistrationTally``); statuses with none are left out."""
    ids = list(training_session_ids)
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        rows = db.session.execute(
            select(RegistrationTally.training_id, RegistrationTally.status, RegistrationTally.registrations)
            .where(RegistrationTally.training_id.in_(ids), RegistrationTally.registrations > 0)
        )
        for ts_id, status, count in rows:
            counts[ts_id][status] = count
    return counts
