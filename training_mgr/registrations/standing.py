"""Where a person's registration stands, in the words they are told: confirmed, pending, or on the waiting list
at a position and for a reason (the training is full, or their organisation's quota is used up)."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from ..core.i18n import localized
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


def not_confirmed_reason(registration: Registration | None) -> str | None:
    """Why nobody may be marked present for ``registration`` (None: it is confirmed, so they may), in the words
    the officer is told: withdrawn or refused (with the reason given), waiting, not confirmed yet, or, for None (a
    registration removed, or not of this training), no longer registered. The rule of check-in, badge scans and the
    marks a phone sends later."""
    if registration is None:
        return str(_l("This person is no longer registered for this training."))
    name = localized(registration.participant, "name")
    reason = registration.status_reason
    if registration.status == "withdrawn":
        message = _l("%(name)s has withdrawn from this training.", name=name)
    elif registration.status == "rejected":
        message = _l("%(name)s's registration was refused.", name=name)
    elif registration.status == "waitlisted":
        message = _l("%(name)s is on the waiting list, not confirmed.", name=name)
    elif registration.status != "confirmed":
        message = _l("%(name)s's registration is not confirmed yet.", name=name)
    else:
        return None
    return f"{message} {reason}" if reason and registration.status in ("withdrawn", "rejected") else str(message)
