"""What the focal points and the officers are warned about: the quota and its waiting list, the gender balance
target, and nominees who attended the same course before. Reads only."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import ngettext
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..core.i18n import localized
from ..core.text import fold
from ..extensions import db
from ..participants.models import Participant
from ..registrations.models import Registration
from ..trainings.models import TrainingSession
from .models import Nomination, NominationInvitation

#: registration statuses that take a nomination out of the running: it no longer uses the quota
OUT_OF_THE_RUNNING = ("rejected", "withdrawn")


def positions_of(invitations, running=()) -> dict[int, bool]:
    """{nomination id: within the quota} for every nomination of ``invitations``, in one query: per invitation,
    the first ``seats`` nominations still in the running (the confirmed ones first, then oldest first: a confirmed
    nominee keeps their place) are within it, the others on the waiting list; a rejected or withdrawn one is neither
    (False). The nominations whose ids are in ``running`` count as in the running whatever their status (one about
    to be confirmed again after a rejection). A nominee an officer confirmed beyond the quota (``Registration.
    beyond_quota``) has a seat added for them: True, without using one of the ``seats``."""
    seats = {invitation.id: invitation.seats for invitation in invitations}
    if not seats:
        return {}
    rows = db.session.execute(
        select(Nomination.id, Nomination.invitation_id, Registration.status, Registration.beyond_quota)
        .join(Registration, Registration.id == Nomination.registration_id)
        .where(Nomination.invitation_id.in_(list(seats)))
    ).all()
    used: dict[int, int] = defaultdict(int)
    positions = {}
    for nomination_id, invitation_id, status, beyond in sorted(rows, key=lambda r: (r[1], r[2] != "confirmed", r[0])):
        if beyond and status == "confirmed":
            positions[nomination_id] = True
            continue
        in_running = status not in OUT_OF_THE_RUNNING or nomination_id in running
        positions[nomination_id] = in_running and used[invitation_id] < seats[invitation_id]
        if in_running:
            used[invitation_id] += 1
    return positions


def quota_positions(invitation) -> dict[int, bool]:
    """{nomination id: within the quota} for one invitation (``positions_of``)."""
    return positions_of([invitation])


def quota_refusal(registration, **_ignored) -> str | None:
    """Why confirming ``registration`` would pass its organisation's nomination quota, or None.

    The answer to ``core.signals.confirmation_blocked``, so every confirmation (the nominees page, the registrations
    list one at a time or in bulk, promotion from the waiting list) meets the same rule as the nominations pages:
    a registration that came from a nomination is within the quota when the nomination is among the invitation's
    first ``seats`` still in the running (``positions_of``, counting this one as in the running). Otherwise the
    reason names the nominee, the organisation and the quota (translated). Called under the training's seat lock.
    """
    nomination = db.session.scalar(select(Nomination).where(Nomination.registration_id == registration.id))
    if nomination is None:
        return None
    invitation = nomination.invitation
    if positions_of([invitation], running={nomination.id}).get(nomination.id):
        return None
    return ngettext("%(name)s is on the waiting list of %(organisation)s: its nomination quota of %(num)d seat is "
                    "used up.",
                    "%(name)s is on the waiting list of %(organisation)s: its nomination quota of %(num)d seats is "
                    "used up.", invitation.seats, name=nomination.name,
                    organisation=localized(invitation.organisation, "name"))


def added_seat(registration) -> bool:
    """Whether ``registration`` holds a seat an officer added beyond its organisation's quota."""
    return registration.beyond_quota and registration.status == "confirmed"


@dataclass(frozen=True)
class QuotaUse:
    seats: int
    #: nominations within the quota
    used: int
    #: nominations beyond it, on the waiting list
    waiting: int

    @property
    def left(self) -> int:
        return max(self.seats - self.used, 0)


def quota_use(invitation, positions: dict[int, bool] | None = None) -> QuotaUse:
    """How much of the invitation's quota its nominations use; ``positions`` from ``positions_of`` saves
    the query when several invitations are shown."""
    positions = quota_positions(invitation) if positions is None else positions
    used = waiting = 0
    for nomination in invitation.nominations:
        if added_seat(nomination.registration):
            continue  # beyond the quota: neither one of its seats nor waiting
        if positions.get(nomination.id):
            used += 1
        elif nomination.registration.status not in OUT_OF_THE_RUNNING:
            waiting += 1
    return QuotaUse(seats=invitation.seats, used=used, waiting=waiting)


# --- gender balance ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Balance:
    """Women among the nominations within the quota of one organisation (or of all, ``organisation`` None)."""

    organisation: object
    women: int
    nominated: int
    seats: int
    #: the target: at least this percent of women
    target: int

    @property
    def can_be_met(self) -> bool:
        """Even if every seat still free went to a woman, would the share of women reach the target?"""
        return (self.women + max(self.seats - self.nominated, 0)) * 100 >= self.target * self.seats

    @property
    def women_percent(self) -> int:
        return round(100 * self.women / self.nominated) if self.nominated else 0


def gender_balance(training, invitations=None, positions=None) -> tuple[list[Balance], Balance | None]:
    """(per organisation, overall) share of women among nominations within the quotas against the training's
    target (``women_target_percent``); ([], None) when it has none. An organisation with two invitations counts
    once, with their seats added up."""
    target = training.women_target_percent
    if target is None:
        return [], None
    invitations = invitations if invitations is not None else db.session.scalars(
        select(NominationInvitation).where(NominationInvitation.training_id == training.id)
        .options(selectinload(NominationInvitation.nominations))).all()
    positions = positions if positions is not None else positions_of(invitations)
    by_organisation: dict[int, dict] = {}
    for invitation in invitations:
        if invitation.revoked_at is not None and not invitation.nominations:
            continue
        counts = by_organisation.setdefault(invitation.organisation_id, {
            "organisation": invitation.organisation, "women": 0, "nominated": 0, "seats": 0})
        counts["seats"] += invitation.seats
        for nomination in invitation.nominations:
            if positions.get(nomination.id):
                counts["nominated"] += 1
                counts["women"] += nomination.registration.participant.sex == "female"
    rows = [Balance(target=target, **counts) for counts in by_organisation.values()]
    overall = Balance(organisation=None, target=target, women=sum(r.women for r in rows),
                      nominated=sum(r.nominated for r in rows), seats=sum(r.seats for r in rows))
    return rows, overall


# --- attended before --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PastTraining:
    """A training of the same course the nominee attended (confirmed) before this one."""

    training: TrainingSession
    start_date: date | None
    #: the newest certificate of that registration (valid or revoked), or None
    certificate: object


def already_trained(training, nominations) -> dict[int, list[PastTraining]]:
    """{nomination id: [earlier trainings of the same course the person attended]} for those with any, in two
    queries. A person is matched by the nominee's e-mail, or by name and organisation, the Latin or the Arabic name
    compared as a reader would (``core.text.fold``: any case, أحمد and احمد alike); an earlier training is one of the
    same course that ended before this one starts (or, undated, was completed)."""
    if not nominations:
        return {}
    organisation_of = {n.id: n.invitation.organisation_id for n in nominations}
    emails = {n.email for n in nominations}
    # ``Participant.name_folded`` is the folded Latin name, a line break, the folded Arabic name
    names = {f"{fold(n.name)}\n" for n in nominations if fold(n.name)}
    names_ar = {f"\n{fold(n.name_ar)}" for n in nominations if fold(n.name_ar)}
    earlier = (TrainingSession.end_date < training.start_date) if training.start_date else (TrainingSession.status == "completed")
    rows = db.session.execute(
        select(Registration, Participant, TrainingSession)
        .join(Participant, Participant.id == Registration.participant_id)
        .join(TrainingSession, TrainingSession.id == Registration.training_id)
        .where(
            TrainingSession.course_id == training.course_id, TrainingSession.id != training.id, earlier,
            TrainingSession.status != "cancelled", Registration.status == "confirmed",
            or_(Participant.email.in_(emails),
                and_(or_(*(Participant.name_folded.startswith(name, autoescape=True) for name in names),
                         *(Participant.name_folded.endswith(name, autoescape=True) for name in names_ar)),
                     Participant.organisation_id.in_(set(organisation_of.values())))),
        )
        .options(selectinload(Registration.certificates))
        .order_by(TrainingSession.start_date)
    ).all()
    found: dict[int, list[PastTraining]] = {}
    for nomination in nominations:
        for registration, participant, past in rows:
            latin, _, arabic = participant.name_folded.partition("\n")
            same_person = participant.email == nomination.email or (
                (latin == fold(nomination.name) or (arabic and arabic == fold(nomination.name_ar)))
                and participant.organisation_id == organisation_of[nomination.id])
            if same_person:
                found.setdefault(nomination.id, []).append(
                    PastTraining(training=past, start_date=past.start_date, certificate=registration.current_certificate))
    return found
