"""Where a person's registration stands, in the words they are told: confirmed, pending, or on the waiting list
at a position and for a reason (the training is full, or their organisation's quota is used up)."""
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from .models import Registration
from .seats import capacity_reached

#: statuses a person may leave by registering again while registration is open (``services.add_registration``)
RETURNABLE_STATUSES = ("withdrawn", "rejected")


@dataclass(frozen=True)
class Standing:
    """``status``: the registration's status; ``position``: 1 for the first on the waiting list (None unless
    waitlisted); ``full_training``: waitlisted because every seat of the training is taken (False: because the
    organisation's quota is used up, while seats remain)."""

    status: str
    position: int | None = None
    full_training: bool = False


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the training's waiting list, in the order promotion follows (waitlisted_at, then id);
    None when the registration is not waitlisted."""
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.training_id == registration.training_id,
            Registration.status == "waitlisted",
            or_(Registration.waitlisted_at < registration.waitlisted_at,
                and_(Registration.waitlisted_at == registration.waitlisted_at, Registration.id < registration.id)),
        )
    )
    return ahead + 1


def standing_of(registration: Registration) -> Standing:
    """The registration's ``Standing`` now (two small queries when waitlisted, none otherwise)."""
    if registration.status != "waitlisted":
        return Standing(registration.status)
    return Standing("waitlisted", waitlist_position(registration), capacity_reached(registration.training))
