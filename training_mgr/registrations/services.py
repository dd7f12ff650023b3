"""Registration rules: confirmation, waiting list, promotion, capacity and quotas.

Every seat-changing write first locks its training session row (``lock_seats``), so two people
asking for the last seat at the same moment are served one after the other and never both get it.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..extensions import db
from ..trainings.models import OrganisationQuota, TrainingSession
from . import notifications
from .models import REGISTRATION_STATUSES, SEAT_STATUSES, Registration


class RegistrationError(ValueError):
    """A registration rule refused the request; the message is shown to the user."""


#: the status changes an officer may make, from -> allowed targets
ALLOWED_TRANSITIONS = {
    "pending": {"confirmed", "waitlisted", "rejected", "withdrawn"},
    "waitlisted": {"confirmed", "rejected", "withdrawn", "pending"},
    "confirmed": {"waitlisted", "rejected", "withdrawn"},
    "rejected": {"pending", "confirmed", "waitlisted"},
    "withdrawn": {"pending", "confirmed", "waitlisted"},
}


def lock_seats(training_session: TrainingSession) -> None:
    """Serialise seat-changing writes for one training.

    The UPDATE takes PostgreSQL's row lock and SQLite's write lock alike; both are held until commit.
    Counting seats afterwards sees every registration committed before the lock was granted.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(TrainingSession.id).where(TrainingSession.id == training_session.id).with_for_update()
        )
    db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == training_session.id)
        .values(seat_version=TrainingSession.seat_version + 1)
        .execution_options(synchronize_session=False)
    )


def seats_taken(training_session_id: int) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.training_session_id == training_session_id, Registration.status.in_(SEAT_STATUSES)
        )
    )


def seats_left(training_session: TrainingSession) -> int | None:
    """Free seats, or None when the training has no capacity set."""
    if training_session.capacity is None:
        return None
    return max(training_session.capacity - seats_taken(training_session.id), 0)


def _organisation_seats_taken(training_session_id: int, organisation_id: int) -> int:
    from ..participants.models import Participant

    return db.session.scalar(
        select(func.count(Registration.id))
        .join(Participant, Participant.id == Registration.participant_id)
        .where(
            Registration.training_session_id == training_session_id,
            Registration.status.in_(SEAT_STATUSES),
            Participant.organisation_id == organisation_id,
        )
    )


def has_free_seat(training_session: TrainingSession, participant) -> bool:
    """Capacity and the participant's organisation quota both allow one more confirmed seat."""
    if training_session.capacity is not None and seats_taken(training_session.id) >= training_session.capacity:
        return False
    if participant.organisation_id is not None:
        quota = db.session.get(OrganisationQuota, (training_session.id, participant.organisation_id))
        if quota is not None and _organisation_seats_taken(training_session.id, participant.organisation_id) >= quota.max_seats:
            return False
    return True


def registration_window_error(training_session: TrainingSession, now=None):
    """Why online registration is closed right now, or None when it is open."""
    now = now or utcnow()
    if training_session.status != "open":
        return _l("Registration for this training is not open.")
    opens, closes = as_utc(training_session.registration_opens_at), as_utc(training_session.registration_closes_at)
    if opens is not None and now < opens:
        return _l("Registration for this training has not opened yet.")
    if closes is not None and now > closes:
        return _l("The registration deadline for this training has passed.")
    return None


def find_registration(training_session_id: int, participant_id: int):
    return db.session.scalar(
        select(Registration).where(
            Registration.training_session_id == training_session_id, Registration.participant_id == participant_id
        )
    )


def register(training_session, participant, *, source="online", by_user=None, nominated_by=None, status=None):
    """Register ``participant`` for ``training_session`` and commit.

    Online registrations must fall inside the registration window. Without an explicit ``status``
    the training's confirmation mode decides: automatic confirms while a seat is free (capacity and
    quota) and waitlists after; approval leaves the registration pending. An explicit ``confirmed``
    (an officer adding someone) is still refused when no seat is free.
    """
    if source == "online":
        error = registration_window_error(training_session)
        if error:
            raise RegistrationError(str(error))
    elif training_session.status in ("completed", "cancelled") and status not in (None, "pending") and by_user is None:
        raise RegistrationError(str(_l("This training is over.")))
    if status is not None and status not in REGISTRATION_STATUSES:
        raise RegistrationError(f"Unknown status {status!r}.")

    lock_seats(training_session)
    if find_registration(training_session.id, participant.id) is not None:
        db.session.rollback()
        raise RegistrationError(str(_l("%(name)s is already registered for this training.", name=participant.name)))

    if status is None:
        if training_session.confirmation_mode == "approval":
            status = "pending"
        else:
            status = "confirmed" if has_free_seat(training_session, participant) else "waitlisted"
    elif status == "confirmed" and not has_free_seat(training_session, participant):
        db.session.rollback()
        raise RegistrationError(str(_l("No seat is free for %(name)s (capacity or quota reached).", name=participant.name)))

    now = utcnow()
    registration = Registration(
        training_session_id=training_session.id,
        participant_id=participant.id,
        status=status,
        source=source,
        nominated_by=nominated_by,
        created_by_id=getattr(by_user, "id", None),
        status_changed_at=now,
        status_changed_by_id=getattr(by_user, "id", None),
        waitlisted_at=now if status == "waitlisted" else None,
    )
    db.session.add(registration)
    audit.record(
        by_user, "registration.create", registration,
        f"{participant.name} registered ({source}) as {status}",
        training_session_id=training_session.id,
    )
    db.session.commit()
    notifications.registration_changed(registration, "received" if status == "pending" else status)
    return registration


def change_status(registration: Registration, new_status: str, *, by_user=None, reason: str | None = None):
    """Approve, reject, waitlist or withdraw a registration and commit; a freed seat goes to the waiting list."""
    old_status = registration.status
    if new_status == old_status:
        return []
    if new_status not in ALLOWED_TRANSITIONS.get(old_status, ()):
        raise RegistrationError(str(_l("A registration cannot go from %(old)s to %(new)s.", old=old_status, new=new_status)))
    if new_status in ("rejected", "withdrawn") and by_user is not None and by_user.role != "participant" and not (reason or "").strip():
        raise RegistrationError(str(_l("Please give a reason.")))

    training_session = registration.training_session
    lock_seats(training_session)
    db.session.refresh(registration)
    if registration.status != old_status:  # changed by someone else meanwhile
        db.session.rollback()
        raise RegistrationError(str(_l("This registration was changed by someone else; please reload.")))
    if new_status == "confirmed" and not has_free_seat(training_session, registration.participant):
        db.session.rollback()
        raise RegistrationError(str(_l("No seat is free (capacity or quota reached).")))

    _set_status(registration, new_status, by_user, reason)
    audit.record(
        by_user, f"registration.{new_status}", registration,
        f"{registration.participant.name}: {old_status} → {new_status}" + (f" ({reason})" if reason else ""),
        changes={"status": [old_status, new_status]},
    )
    promoted = []
    if old_status in SEAT_STATUSES and new_status not in SEAT_STATUSES:
        promoted = _promote(training_session, by_user)
    db.session.commit()
    notifications.registration_changed(registration, new_status)
    for other in promoted:
        notifications.registration_changed(other, "promoted")
    return promoted


def promote_from_waitlist(training_session: TrainingSession, by_user=None):
    """Confirm waitlisted registrations, earliest first, while seats are free; commit; return them."""
    lock_seats(training_session)
    promoted = _promote(training_session, by_user)
    db.session.commit()
    for registration in promoted:
        notifications.registration_changed(registration, "promoted")
    return promoted


def _promote(training_session, by_user):
    """Promote within the current (locked) transaction. Someone blocked by a quota is skipped, not lost."""
    if training_session.status in ("completed", "cancelled"):
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.training_session_id == training_session.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlisted_at, Registration.id)
    ).all()
    promoted = []
    for registration in waiting:
        if training_session.capacity is not None and seats_taken(training_session.id) >= training_session.capacity:
            break
        if not has_free_seat(training_session, registration.participant):
            continue
        _set_status(registration, "confirmed", by_user, None)
        audit.record(
            by_user, "registration.promote", registration,
            f"{registration.participant.name} promoted from the waiting list",
            changes={"status": ["waitlisted", "confirmed"]},
        )
        db.session.flush()
        promoted.append(registration)
    return promoted


def _set_status(registration, new_status, by_user, reason):
    now = utcnow()
    registration.status = new_status
    registration.status_reason = reason
    registration.status_changed_at = now
    registration.status_changed_by_id = getattr(by_user, "id", None)
    if new_status == "waitlisted":
        registration.waitlisted_at = now
