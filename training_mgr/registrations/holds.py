"""Held registrations: a seat asked for on the public form in the name of someone already known.

Anyone can type any e-mail address into the public form. When the address belongs to an account or a
participant and the visitor is not logged in as that person, nothing is confirmed for them and none of
their stored details change: the registration is *held* (``Registration.held_until``) and the person gets
a one-time link by e-mail. Opening it and confirming (``confirm``), or logging in, proves the request is
theirs; the registration then proceeds as any new one would under the training's rules (confirmed,
waitlisted or pending). A held registration keeps a seat while it waits, when the training confirms
automatically and had one free, so the person is not overtaken; once ``held_until`` has passed it no
longer counts (``models.occupies_seat``) and ``release_expired`` deletes it, giving any seat it kept to
the waiting list.

Only the SHA-256 of the link's token is stored; a new link replaces the old one, and confirming spends it.
"""
import math
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.security import hash_token
from ..extensions import db
from ..trainings.models import TrainingSession
from . import notifications
from .models import Registration
from .seats import has_free_seat
from .services import RegistrationError, _promote, end_hold, lock_seats, status_for_new_registration

INVALID_LINK = _l(
    "This link cannot be used any more: it has been used already, or the time to confirm has run out. "
    "Log in to see your registrations, or register again on the training's page."
)
#: training statuses in which a held registration can still be confirmed: it was asked for while the
#: training was open, so a deadline passed or registration closed meanwhile does not undo it
CONFIRMABLE_TRAINING_STATUSES = ("open", "closed")


class HoldLinkInvalid(RegistrationError):
    """The confirmation link is unknown, used, or expired."""

    status = 404


def is_active(registration, now=None) -> bool:
    """Held and not yet expired."""
    return registration.held_until is not None and as_utc(registration.held_until) > (now or utcnow())


def hold(training, participant, *, by_user=None) -> Registration:
    """Add a held registration of ``participant`` and queue the e-mail with its one-time link.

    Within the caller's transaction, whose seats the caller has locked (``lock_seats``); the caller commits.
    The hold lasts ``REGISTRATION_HOLD_HOURS`` (config). ``by_user``: whoever filled in the form, if logged in.
    """
    hours = current_app.config["REGISTRATION_HOLD_HOURS"]
    now = utcnow()
    keeps_seat = training.confirmation_mode != "approval" and has_free_seat(training, participant)
    plain = secrets.token_urlsafe(32)
    registration = Registration(
        training_id=training.id,
        participant_id=participant.id,
        status="pending",
        source="online",
        created_by_id=getattr(by_user, "id", None),
        status_changed_at=now,
        held_until=now + timedelta(hours=hours),
        hold_token_hash=hash_token(plain),
        hold_keeps_seat=keeps_seat,
    )
    db.session.add(registration)
    audit.record(
        by_user, "registration.hold", registration,
        f"{participant.name}: asked for on the public form; held until the person confirms"
        + (" (a seat is kept)" if keeps_seat else ""),
        training_id=training.id, details={"name": participant.name, "name_ar": participant.name_ar},
    )
    notifications.registration_held(registration, plain, hours)
    return registration


def send_new_link(registration) -> None:
    """Replace an active hold's link with a new one and e-mail it; the hold keeps its end (asking again does
    not make a seat last longer). Within the caller's transaction; the caller commits."""
    plain = secrets.token_urlsafe(32)
    registration.hold_token_hash = hash_token(plain)
    hours_left = math.ceil((as_utc(registration.held_until) - utcnow()).total_seconds() / 3600)
    notifications.registration_held(registration, plain, max(hours_left, 1))


def find_by_token(plain: str):
    """The active held registration whose link carries ``plain``, or None (unknown, used or expired)."""
    if not plain or len(plain) > 200:
        return None
    registration = db.session.scalar(select(Registration).where(Registration.hold_token_hash == hash_token(plain)))
    return registration if registration is not None and is_active(registration) else None


def active_holds_of(participant) -> list:
    """The participant's held registrations that have not expired, oldest first."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.participant_id == participant.id, Registration.held_until > utcnow())
        .order_by(Registration.id)
    ).all()


def confirm(registration, *, by_user=None, how: str = "link") -> Registration:
    """The person proved the held registration is theirs (``how``: "link" or "login"): it becomes what a new
    registration would be under the training's rules — confirmed while a seat is free (the one it kept
    counts as free), else waitlisted; pending when an officer approves registrations.

    Locks the training's seats; within the caller's transaction, which the caller commits (the e-mail telling
    the outcome is queued in it). Raises ``HoldLinkInvalid`` when the hold was used, released or has expired
    meanwhile, ``RegistrationError`` when the training was cancelled or completed (the hold is then left to expire).
    """
    training = registration.training
    lock_seats(training)
    db.session.refresh(registration)
    if not is_active(registration):
        raise HoldLinkInvalid(str(INVALID_LINK))
    if training.status not in CONFIRMABLE_TRAINING_STATUSES:
        raise RegistrationError(str(_l("Registration for this training is not open.")))
    end_hold(registration)
    db.session.flush()  # its kept seat is free for the rule below
    status = status_for_new_registration(training, registration.participant)
    now = utcnow()
    registration.status = status
    registration.status_changed_at = now
    registration.status_changed_by_id = getattr(by_user, "id", None)
    registration.waitlisted_at = now if status == "waitlisted" else None
    audit.record(
        by_user, "registration.confirm_hold", registration,
        f"{registration.participant.name} confirmed their registration ({'e-mailed link' if how == 'link' else 'logged in'}) as {status}",
        changes={"status": ["pending", status]} if status != "pending" else None,
        details={"name": registration.participant.name, "name_ar": registration.participant.name_ar, "status": status},
    )
    notifications.registration_added(registration)
    return registration


def decline(registration) -> None:
    """The person says the request was not theirs: the held registration is deleted at once, a seat it kept
    goes to the waiting list; commits. Raises ``HoldLinkInvalid`` when it is no longer held."""
    training = registration.training
    lock_seats(training)
    db.session.refresh(registration)
    if not is_active(registration):
        db.session.rollback()
        raise HoldLinkInvalid(str(INVALID_LINK))
    _release([registration], "registration.decline", "the person said they did not ask for it")
    db.session.commit()


def release_expired_in(training, now=None) -> int:
    """Release the training's held registrations whose time to confirm has passed: deleted, and seats they
    kept given to the waiting list. Within the caller's transaction, whose seats the caller has locked
    (``lock_seats``); the caller commits. Returns how many were released."""
    expired = db.session.scalars(
        select(Registration)
        .where(Registration.training_id == training.id, Registration.held_until <= (now or utcnow()))
        .order_by(Registration.id)
    ).all()
    _release(expired, "registration.release", "not confirmed in time")
    return len(expired)


def release_expired(now=None) -> int:
    """Release every held registration whose time to confirm has passed (``release_expired_in``), one commit
    per training. Returns how many were released. Run by ``flask registrations release-expired`` (from cron,
    beside ``flask mail send-pending``); an expired hold counts for nothing even before it runs."""
    now = now or utcnow()
    training_ids = db.session.scalars(
        select(Registration.training_id).where(Registration.held_until <= now).distinct()
    ).all()
    db.session.rollback()  # end the read: each training is then handled under its own seat lock
    released = 0
    for training_id in training_ids:
        training = db.session.get(TrainingSession, training_id)
        if training is None:  # deleted meanwhile, with its registrations
            continue
        lock_seats(training)
        released += release_expired_in(training, now)  # read again under the lock
        db.session.commit()
    return released


def _release(held, action: str, why: str) -> None:
    """Delete these held registrations of one training; when any kept a seat, the waiting list moves up."""
    if not held:
        return
    training = held[0].training
    for registration in held:
        audit.record(
            None, action, registration, f"{registration.participant.name}: held registration released ({why})",
            training_id=registration.training_id,
            details={"name": registration.participant.name, "name_ar": registration.participant.name_ar},
        )
        db.session.delete(registration)
    db.session.flush()
    if any(registration.hold_keeps_seat for registration in held):
        for promoted in _promote(training, None):
            notifications.registration_changed(promoted, "promoted")
