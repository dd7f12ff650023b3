"""An officer's decision on many registrations at once: approve, reject or move to the waiting list the ones
ticked in the list, each under the same rules as one at a time (``services.change_status``)."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.domain import DomainError
from ..extensions import db
from .models import Registration
from .services import BeyondQuota, RegistrationError, change_status

#: what the list offers to do to many registrations at once (a status each)
BULK_STATUSES = ("confirmed", "rejected", "waitlisted")

#: most registrations one action takes (a page of the list holds 50)
MAX_SELECTED = 500


@dataclass
class BulkOutcome:
    """``changed``: the registrations now in the new status; ``unchanged``: those already in it; ``refused``:
    ``(registration, message)`` for each the rules refused (no seat free, a transition not allowed …), left as
    they were; ``promoted``: registrations confirmed from the waiting list because a seat was freed."""

    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    promoted: list = field(default_factory=list)


def selected_registrations(training, ids) -> list:
    """The registrations of ``training`` among ``ids`` (ints; others and other trainings' ignored), with their
    participants, by name; at most ``MAX_SELECTED``."""
    ids = list(ids)[:MAX_SELECTED]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.participant))
        .where(Registration.training_id == training.id, Registration.id.in_(ids))
        .order_by(Registration.id)
    ))


def change_statuses(registrations, new_status: str, *, by_user, reason: str | None = None) -> BulkOutcome:
    """Give each of ``registrations`` ``new_status`` (one of ``BULK_STATUSES``) with ``services.change_status``,
    one commit each, in the order given: seats go to the first ones while they last. A refusal leaves that one as
    it was and goes on with the others; a nominee beyond their organisation's quota is refused (``BeyondQuota``),
    never approved past it in bulk. Raises ``ReasonRequired`` before changing anything when rejecting without
    a reason, ``RegistrationError`` for a status not offered."""
    if new_status not in BULK_STATUSES:
        raise RegistrationError(str(_l("Unknown status.")))
    reason = (reason or "").strip() or None
    outcome = BulkOutcome()
    for registration in registrations:
        if registration.status == new_status:
            outcome.unchanged.append(registration)
            continue
        try:
            outcome.promoted += change_status(registration, new_status, by_user=by_user, reason=reason)
        except DomainError as error:
            if getattr(error, "field", None) == "reason":
                raise  # the same for every one: nothing was changed before the first
            message = str(error)
            if isinstance(error, BeyondQuota):  # passing a quota is decided one person at a time, with a reason
                message += " " + str(_l("To approve beyond the quota, do it on the registration's page, with a reason."))
            outcome.refused.append((registration, message))
            continue
        outcome.changed.append(registration)
    return outcome
