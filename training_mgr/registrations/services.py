"""Registration rules: confirmation, waiting list, promotion, adding people by hand. Seats, capacity and
quotas are counted in ``seats.py``; the officer's list of registrations is in ``listing.py``.

Every seat-changing write first locks its training session row (``lock_seats``), so two people
asking for the last seat at the same moment are served one after the other and never both get it.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..auth.services import normalise_email
from ..core import signals
from ..core.db import as_utc, bounded_lock_wait, utcnow
from ..core.domain import DomainError
from ..core.text import contains_words
from ..extensions import db
from ..trainings.models import TrainingSession
from . import notifications
from .inputs import ParticipantDetails
from .models import REGISTRATION_STATUSES, SEAT_STATUSES, Registration
from .seats import capacity_reached, has_free_seat
from .standing import RETURNABLE_STATUSES


class RegistrationError(DomainError):
    """A registration rule refused the request; the message is shown to the user."""


class ReasonRequired(RegistrationError):
    """Rejecting or withdrawing someone needs a reason."""

    field = "reason"


class BeyondQuota(RegistrationError):
    """Confirming would pass a quota that a feature above this one keeps (a nominee on their organisation's waiting
    list: ``core.signals.confirmation_blocked``). The message names the quota; an officer may still approve the one
    registration explicitly, with a reason (``change_status(..., beyond_quota=True)``)."""

    field = "beyond_quota"


#: registrations awaiting an officer's decision, which the list offers to approve in one click
AWAITING_DECISION = ("pending", "waitlisted")

#: the status changes an officer may make, from -> allowed targets
ALLOWED_TRANSITIONS = {
    "pending": {"confirmed", "waitlisted", "rejected", "withdrawn"},
    "waitlisted": {"confirmed", "rejected", "withdrawn", "pending"},
    "confirmed": {"waitlisted", "rejected", "withdrawn"},
    "rejected": {"pending", "confirmed", "waitlisted"},
    "withdrawn": {"pending", "confirmed", "waitlisted"},
}


def lock_seats(training: TrainingSession) -> None:
    """Serialise seat-changing writes for one training.

    The UPDATE takes PostgreSQL's row lock and SQLite's write lock alike; both are held until commit.
    Counting seats afterwards sees every registration committed before the lock was granted.
    The row lock is FOR NO KEY UPDATE (what an UPDATE of non-key columns takes), not FOR UPDATE:
    a transaction that already inserted a row referring to the training (a participant's audit
    entry, say) holds FOR KEY SHARE on it, and two of those upgrading to FOR UPDATE would deadlock.
    A lock held too long by someone else raises ``core.db.Busy`` ("try again", ``bounded_lock_wait``).
    """
    with bounded_lock_wait():
        db.session.execute(
            update(TrainingSession)
            .where(TrainingSession.id == training.id)
            .values(seat_version=TrainingSession.seat_version + 1)
            .execution_options(synchronize_session=False)
        )


def registration_window_error(training: TrainingSession, now=None):
    """Why online registration is closed at ``now`` (default: now), or None when it is open.

    None exactly when ``TrainingSession.registration_open(now)``, the rule's one home (trainings/models.py).
    """
    now = now or utcnow()
    if training.status != "open":
        return _l("Registration for this training is not open.")
    if training.registration_too_late(now):
        if training.late_registration:
            return _l("This training has ended: registration is closed.")
        return _l("This training has started: registration is closed.")
    if training.registration_not_yet_open(now):
        return _l("Registration for this training has not opened yet.")
    if training.registration_deadline_passed(now):
        return _l("The registration deadline for this training has passed.")
    return None


def find_registration(training_id: int, participant_id: int):
    return db.session.scalar(
        select(Registration).where(
            Registration.training_id == training_id, Registration.participant_id == participant_id
        )
    )


def register(training, participant, *, source="online", by_user=None, nominated_by=None, status=None):
    """Register ``participant`` for ``training`` and commit.

    Online registrations must fall inside the registration window. Without an explicit ``status``
    the training's confirmation mode decides: automatic confirms while a seat is free (capacity and
    quota) and waitlists after; approval leaves the registration pending. An explicit ``confirmed``
    (an officer adding someone) is still refused when no seat is free.
    """
    check_can_register(training, source=source, by_user=by_user, status=status)
    lock_seats(training)
    try:
        registration = add_registration(
            training, participant, source=source, by_user=by_user, nominated_by=nominated_by, status=status
        )
    except RegistrationError:
        db.session.rollback()
        raise
    notifications.registration_added(registration)
    db.session.commit()  # the registration and its e-mail together; the e-mail goes out after this
    return registration


def check_can_register(training, *, source="online", by_user=None, status=None):
    """Refuse a registration the training cannot take at all (window closed, training over, unknown status)."""
    if source == "online":
        error = registration_window_error(training)
        if error:
            raise RegistrationError(str(error))
    elif training.status in ("completed", "cancelled") and status not in (None, "pending") and by_user is None:
        raise RegistrationError(str(_l("This training is over.")))
    if status is not None and status not in REGISTRATION_STATUSES:
        raise RegistrationError(str(_l("Unknown status.")))


def quota_refusal(registration) -> str | None:
    """Why confirming ``registration`` would pass a quota kept above this feature (the first answer to
    ``core.signals.confirmation_blocked``: nominations, for a nominee on their organisation's waiting list), or None.
    Ask it with the training's seats locked (``lock_seats``)."""
    for _receiver, refusal in signals.confirmation_blocked.send(registration):
        if refusal:
            return str(refusal)
    return None


def status_for_new_registration(training, participant) -> str:
    """The training's rule for a new registration: approval leaves it pending; automatic confirmation
    confirms while a seat is free (capacity and the organisation's quota) and waitlists after."""
    if training.confirmation_mode == "approval":
        return "pending"
    return "confirmed" if has_free_seat(training, participant) else "waitlisted"


def add_registration(training, participant, *, source, by_user=None, nominated_by=None, status=None):
    """Add one registration to the current transaction, whose seats the caller has locked (``lock_seats``).

    Used by ``register`` (one person, one commit) and by the nomination import (many people, one commit).
    """
    if participant.id is None:
        db.session.flush()
    if participant.erased_at is not None:
        raise RegistrationError(str(_l("This person's details were erased: they cannot be registered again. Add them as a new person.")))
    existing = find_registration(training.id, participant.id)
    if existing is not None:
        if existing.status not in RETURNABLE_STATUSES or existing.is_held:
            raise RegistrationError(str(_l("%(name)s is already registered for this training.", name=participant.name)))
        return _register_again(existing, source=source, by_user=by_user, status=status)

    if status is None:
        status = status_for_new_registration(training, participant)
    elif status == "confirmed" and not has_free_seat(training, participant):
        raise RegistrationError(str(_l("No seat is free for %(name)s (capacity or quota reached).", name=participant.name)))

    now = utcnow()
    registration = Registration(
        training_id=training.id,
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
        training_id=training.id, details={"name": participant.name, "name_ar": participant.name_ar, "status": status},
    )
    return registration


def _register_again(registration, *, source, by_user=None, status=None):
    """Someone who withdrew or was rejected registers again: the same row (one per training and person) goes
    through the rules of a new registration (``status_for_new_registration``), in the caller's locked transaction."""
    participant = registration.participant
    old_status = registration.status
    explicit = status
    if status is None:
        status = status_for_new_registration(registration.training, participant)
    elif status == "confirmed" and not has_free_seat(registration.training, participant):
        raise RegistrationError(str(_l("No seat is free for %(name)s (capacity or quota reached).", name=participant.name)))
    if status == "confirmed" and (refusal := quota_refusal(registration)):
        if explicit:
            raise BeyondQuota(refusal)
        status = "waitlisted"  # the quota is full: wait, as anyone does for a seat
    _set_status(registration, status, by_user, None)
    registration.source = source
    audit.record(
        by_user, "registration.return", registration,
        f"{participant.name} registered again ({source}) as {status}",
        changes={"status": [old_status, status]},
        details={"name": participant.name, "name_ar": participant.name_ar, "status": status},
    )
    return registration


def change_status(registration: Registration, new_status: str, *, by_user=None, reason: str | None = None,
                  beyond_quota: bool = False):
    """Approve, reject, waitlist or withdraw a registration and commit; returns those promoted into a freed seat.

    Every approval comes here (a registration's page, the list one by one or in bulk, the nominees page), so each
    meets every quota: capacity and organisation quotas (``has_free_seat``), and those kept by features above
    (``quota_refusal``: a nominee on their organisation's waiting list), refused with ``BeyondQuota`` naming the
    quota unless ``beyond_quota``: the officer approves this one person beyond it, with a reason (else
    ``ReasonRequired``), audited as ``registration.beyond_quota``. We ask rather than refuse outright because a
    nomination quota is a share agreed with an organisation, not a seat limit: an officer may have cause to take one
    more (a seat another left unused), but never by a click on a list that does not show the quota."""
    old_status = registration.status
    if new_status == old_status:
        return []
    if new_status not in ALLOWED_TRANSITIONS.get(old_status, ()):
        raise RegistrationError(str(_l("A registration cannot go from %(old)s to %(new)s.", old=old_status, new=new_status)))
    if new_status in ("rejected", "withdrawn") and by_user is not None and by_user.role != "participant" and not (reason or "").strip():
        raise ReasonRequired(str(_l("Please give a reason.")))

    training = registration.training
    lock_seats(training)
    db.session.refresh(registration)
    if registration.status != old_status:  # changed by someone else meanwhile
        db.session.rollback()
        raise RegistrationError(str(_l("This registration was changed by someone else; please reload.")))
    # a held registration that an officer decides on is no longer held; the seat it kept is free for this decision
    kept_seat = registration.is_held and registration.hold_keeps_seat and as_utc(registration.held_until) > utcnow()
    if registration.is_held:
        end_hold(registration)
        db.session.flush()
    if new_status == "confirmed" and not has_free_seat(training, registration.participant):
        db.session.rollback()
        raise RegistrationError(str(_l("No seat is free (capacity or quota reached).")))
    refusal = quota_refusal(registration) if new_status == "confirmed" else None
    if refusal and not beyond_quota:
        db.session.rollback()
        raise BeyondQuota(refusal)
    if refusal and not (reason or "").strip():
        db.session.rollback()
        raise ReasonRequired(str(_l("Give the reason for approving beyond the quota.")))

    _set_status(registration, new_status, by_user, reason)
    if refusal:
        registration.beyond_quota = True  # a seat added beyond the quota: it takes no one's place within it
        audit.record(by_user, "registration.beyond_quota", registration,
                     f"{registration.participant.name} approved beyond the nomination quota ({reason.strip()})",
                     training_id=training.id,
                     details={"name": registration.participant.name, "name_ar": registration.participant.name_ar,
                              "reason": reason.strip()})
    audit.record(
        by_user, f"registration.{new_status}", registration,
        f"{registration.participant.name}: {old_status} → {new_status}" + (f" ({reason})" if reason else ""),
        changes={"status": [old_status, new_status]},
        details={"name": registration.participant.name, "name_ar": registration.participant.name_ar,
                 "old_status": old_status, "status": new_status, "reason": reason},
    )
    promoted = []
    if (old_status in SEAT_STATUSES or kept_seat) and new_status not in SEAT_STATUSES:
        promoted = _promote(training, by_user)
    notifications.registration_changed(registration, new_status)
    for other in promoted:
        notifications.registration_changed(other, "promoted")
    db.session.commit()
    return promoted


def promote_from_waitlist(training: TrainingSession, by_user=None):
    """Confirm waitlisted registrations, earliest first, while seats are free; commit; return them."""
    lock_seats(training)
    promoted = _promote(training, by_user)
    for registration in promoted:
        notifications.registration_changed(registration, "promoted")
    db.session.commit()
    return promoted


def _promote(training, by_user):
    """Promote within the current (locked) transaction. Someone blocked by a quota is skipped, not lost."""
    if training.status in ("completed", "cancelled"):
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.training_id == training.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlisted_at, Registration.id)
    ).all()
    promoted = []
    for registration in waiting:
        if capacity_reached(training):
            break
        if not has_free_seat(training, registration.participant) or quota_refusal(registration):
            continue
        _set_status(registration, "confirmed", by_user, None)
        audit.record(
            by_user, "registration.promote", registration,
            f"{registration.participant.name} promoted from the waiting list",
            changes={"status": ["waitlisted", "confirmed"]},
            details={"name": registration.participant.name, "name_ar": registration.participant.name_ar},
        )
        db.session.flush()
        promoted.append(registration)
    return promoted


def end_hold(registration) -> None:
    """Forget that ``registration`` was held: its link stops working and the seat it kept is no longer counted."""
    registration.held_until = None
    registration.hold_token_hash = None
    registration.hold_keeps_seat = False


def _set_status(registration, new_status, by_user, reason):
    now = utcnow()
    registration.status = new_status
    registration.status_reason = reason
    registration.status_changed_at = now
    registration.status_changed_by_id = getattr(by_user, "id", None)
    registration.beyond_quota = False  # an override holds only for the confirmation it was given with
    if new_status == "waitlisted":
        registration.waitlisted_at = now


# --- adding people by hand -----------------------------------------------------------------------

def search_participants(term: str, limit: int = 20):
    """Participants whose name (either script) or e-mail contains ``term``, with their organisations."""
    from ..participants.models import Participant

    term = (term or "").strip()
    if not term:
        return []
    return db.session.scalars(
        select(Participant)
        .options(joinedload(Participant.organisation))
        .where(participant_matches(term), Participant.erased_at.is_(None))
        .order_by(func.lower(Participant.name))
        .limit(limit)
    ).all()


def participant_matches(term: str):
    """A participant's names in both scripts hold every word of ``term`` (``core.text.contains_words``: folded, any
    order, hyphens as spaces: احمد المالكي finds أحمد جاسم المالكي), or the e-mail contains ``term``."""
    from ..participants.models import Participant

    return or_(
        contains_words(Participant.name_folded, term),
        func.lower(Participant.email).contains(term.lower(), autoescape=True),
    )


def registered_among(training, participants) -> set:
    """The ids of those of ``participants`` already registered for the training (one query)."""
    if not participants:
        return set()
    return set(db.session.scalars(
        select(Registration.participant_id).where(
            Registration.training_id == training.id,
            Registration.participant_id.in_([p.id for p in participants]),
        )
    ))


def participant_by_email(email: str):
    from ..participants.models import Participant

    return db.session.scalar(select(Participant).where(Participant.email == normalise_email(email)))


def register_new_participant(training, details: ParticipantDetails, *, by_user, nominated_by=None, status=None,
                             source="officer"):
    """Create a participant from ``details`` and register them (``register``), in one commit; audited as
    ``participant.create`` and ``registration.create``. Raises RegistrationError when the e-mail already belongs to
    someone (the officer picks them from the search instead) or the registration is refused; then nothing is
    stored."""
    from ..participants.models import Participant

    email = normalise_email(details.email)
    if participant_by_email(email) is not None:
        raise RegistrationError(str(_l("Someone with the e-mail %(email)s already exists; pick them from the search instead.", email=email)))
    participant = Participant(
        name=details.name.strip(), name_ar=(details.name_ar or "").strip() or None, sex=details.sex,
        organisation_id=details.organisation_id, position=(details.position or "").strip() or None,
        email=email, phone=(details.phone or "").strip() or None,
    )
    try:
        # lock before writing anything that refers to the training, or two officers adding people at once deadlock
        lock_seats(training)
        db.session.add(participant)
        db.session.flush()
        audit.record(by_user, "participant.create", participant, f"{participant.name} <{email}> added",
                     training_id=training.id, details={"name": participant.name, "name_ar": participant.name_ar})
        return register(training, participant, source=source, by_user=by_user, nominated_by=nominated_by, status=status)
    except IntegrityError:  # the same e-mail added by someone else a moment ago
        db.session.rollback()
        raise RegistrationError(str(_l("Someone with the e-mail %(email)s already exists; pick them from the search instead.", email=email)))
    except RegistrationError:
        db.session.rollback()  # the new participant goes with the refused registration
        raise
