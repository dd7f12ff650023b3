"""E-mail to participants when their registration or training changes.

Each function queues its messages in the current transaction: call it before the commit that makes
the change. The messages are sent once that commit succeeds, and never if it rolls back.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Registration

#: registrations still expecting the training to happen
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")


def registration_changed(registration, event: str) -> None:
    """``event`` is one of received, confirmed, waitlisted, promoted, rejected, withdrawn, pending.

    Nobody is written to whose details were erased: their address is a placeholder that nothing can deliver to.
    """
    from ..mail import messages as mail

    if registration.participant.erased_at is None:
        mail.notify_registration(registration, event)


def registration_added(registration) -> None:
    """A new registration: "received" while it awaits approval, else its status (confirmed or waitlisted)."""
    registration_changed(registration, "received" if registration.status == "pending" else registration.status)


def registration_held(registration, token: str, hours_valid: int) -> None:
    """A held registration: the person gets the one-time link that confirms it (``holds``)."""
    from ..mail import messages as mail

    mail.notify_registration_held(registration, token, hours_valid)


def registration_exists(registration) -> None:
    """Someone asked on the public form to register a person who already is: tell the person, change nothing."""
    from ..mail import messages as mail

    mail.notify_registration_exists(registration)


def training_cancelled(training) -> int:
    """Tell everyone still registered (pending, confirmed or waitlisted) that the training is cancelled.

    Unlike the other notices this one commits: called before the cancellation's own commit, the
    messages join it; called after, they follow in a commit of their own. Either way they are sent
    once committed. Returns how many messages were queued.
    """
    from ..mail import messages as mail

    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.training_id == training.id, Registration.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Registration.participant))
        .order_by(Registration.id)
    ).all()
    registrations = [r for r in registrations if r.participant.erased_at is None]
    for registration in registrations:
        mail.notify_training_cancelled(registration)
    db.session.commit()
    return len(registrations)
