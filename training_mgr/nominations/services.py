"""Inviting organisations to nominate, and the focal point's nominations within their quota.

An officer invites an organisation on a training (``invite``): its focal point gets a link carrying a random
token, of which only the SHA-256 is stored. The link works until the invitation's deadline, unless an officer
revokes it. With it the focal point nominates officials (``nominate``, ``nominate_all``), edits them
(``update_nomination``) and takes them back (``withdraw_nomination``) until the deadline. Each nominee becomes a
pending registration (source "nomination", ``nominated_by`` naming the focal point) and is e-mailed a link to
check and confirm their own details (``confirm_details``).

The quota: the first ``seats`` nominations of an invitation that are still in the running (not rejected or
withdrawn) are within it, the others are on the organisation's waiting list (``balance.quota_positions``). Every
write takes the training's seat lock first (``registrations.services.lock_seats``, a row lock with a bounded
wait), so two focal points, or two phones on one link, submitting at the same moment are told the truth about
whether their nominee is within the quota, and an officer never approves beyond it (``approve``).
"""
import secrets

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..auth.services import normalise_email
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.security import hash_token
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import Participant
from ..questions import services as questions
from ..registrations import services as registrations
from ..registrations.models import Registration
from . import balance, notifications
from .inputs import InvitationDetails, NomineeDetails, deadline_end
from .models import Nomination, NominationInvitation

#: training statuses in which organisations can be invited and nominate
NOMINATING_STATUSES = ("draft", "open", "closed")


class NominationError(DomainError):
    """A nomination rule refused the request; the message is shown to the user."""


class NominationLinkInvalid(NominationError):
    """The link's token is unknown (404), or the invitation was revoked or its deadline has passed (410)."""

    status = 404


# --- invitations (officers) ------------------------------------------------------------------------

def invite(training, details: InvitationDetails, *, by_user) -> tuple[NominationInvitation, str]:
    """Invite an organisation to nominate up to ``details.seats`` officials; e-mail the focal point the link; commit.

    Returns (the invitation, the link's token: shown once, never stored). Raises ``NominationError`` (with the
    field) for an unknown organisation, a quota below 1, a deadline already past, or a training that is over.
    """
    if training.status not in NOMINATING_STATUSES:
        raise NominationError(_("This training is over: nobody can be nominated for it."))
    organisation = db.session.get(Organisation, details.organisation_id) if details.organisation_id else None
    if organisation is None:
        raise NominationError(_("Choose an organisation from the list."), "organisation_id")
    if details.seats is None or details.seats < 1:
        raise NominationError(_("The quota must be at least one seat."), "seats")
    if training.capacity is not None and details.seats > training.capacity:
        raise NominationError(_("The quota cannot be larger than the capacity (%(capacity)d).",
                                capacity=training.capacity), "seats")
    deadline = deadline_end(details.deadline, training.timezone)
    if deadline <= utcnow():
        raise NominationError(_("The deadline must be in the future."), "deadline")
    plain = secrets.token_urlsafe(32)
    invitation = NominationInvitation(
        training_id=training.id, organisation=organisation, focal_point_name=details.focal_point_name.strip(),
        focal_point_email=normalise_email(details.focal_point_email), seats=details.seats, deadline=deadline,
        locale=details.locale if details.locale in ("en", "ar") else "en", token_hash=hash_token(plain),
        created_by_id=getattr(by_user, "id", None),
    )
    db.session.add(invitation)
    audit.record(by_user, "nomination.invite", invitation,
                 f"{organisation.name} invited to nominate {details.seats} official(s); focal point "
                 f"{invitation.focal_point_name} <{invitation.focal_point_email}>, until {details.deadline.isoformat()}",
                 training_id=training.id,
                 details={"organisation": organisation.name, "organisation_ar": organisation.name_ar,
                          "count": details.seats, "date": details.deadline, "focal_point": invitation.focal_point_name})
    notifications.invitation(invitation, plain)
    db.session.commit()
    return invitation, plain


def revoke(invitation, *, by_user) -> None:
    """Withdraw the link at once (the nominations made stay); commit. Revoking twice changes nothing."""
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = utcnow()
    invitation.revoked_by_id = getattr(by_user, "id", None)
    audit.record(by_user, "nomination.revoke", invitation,
                 f"Nomination link of {invitation.organisation.name} ({invitation.focal_point_email}) revoked",
                 training_id=invitation.training_id,
                 details={"organisation": invitation.organisation.name, "organisation_ar": invitation.organisation.name_ar})
    db.session.commit()


def is_open(invitation, now=None) -> bool:
    """The link works: not revoked, deadline not passed, training not over."""
    return (invitation.revoked_at is None and as_utc(invitation.deadline) > (now or utcnow())
            and invitation.training.status in NOMINATING_STATUSES)


def status_of(invitation, now=None) -> str:
    """"open", "revoked" or "closed" (deadline passed or training over)."""
    if invitation.revoked_at is not None:
        return "revoked"
    return "open" if is_open(invitation, now) else "closed"


def invitation_by_token(plain: str) -> NominationInvitation:
    """The invitation whose link carries ``plain``. Raises ``NominationLinkInvalid``: 404 for an unknown token,
    410 for a revoked link or one whose deadline has passed."""
    invitation = None
    if plain and len(plain) <= 200:
        invitation = db.session.scalar(select(NominationInvitation).where(NominationInvitation.token_hash == hash_token(plain)))
    if invitation is None:
        raise NominationLinkInvalid(_("This nomination link is not known. Please check that you copied the whole "
                                      "link from the e-mail, or ask the organisers for a new one."))
    if invitation.revoked_at is not None:
        raise NominationLinkInvalid(_("This nomination link was withdrawn by the organisers. Please ask them for "
                                      "a new one if you still need to nominate."), status=410)
    if not is_open(invitation):
        raise NominationLinkInvalid(_("The deadline for nominations has passed, so this link no longer works. "
                                      "Please write to the organisers if you need to change a nomination."), status=410)
    return invitation


def invitations_of(training) -> list:
    """The training's invitations, oldest first, with their nominations, registrations and participants loaded
    (the officer's pages read them all: a fixed number of queries however many there are)."""
    return db.session.scalars(
        select(NominationInvitation).where(NominationInvitation.training_id == training.id)
        .options(selectinload(NominationInvitation.nominations).joinedload(Nomination.registration)
                 .joinedload(Registration.participant))
        .order_by(NominationInvitation.id)
    ).all()


def set_women_target(training, percent: int | None, *, by_user) -> None:
    """Set the training's gender balance target (at least ``percent`` % women; None: none); commit."""
    if percent is not None and not 0 <= percent <= 100:
        raise NominationError(_("Give a share between 0 and 100."), "percent")
    old = training.women_target_percent
    if old == percent:
        return
    training.women_target_percent = percent
    audit.record(by_user, "training.women_target", training,
                 f"Gender balance target: {'none' if percent is None else f'at least {percent}% women'}",
                 changes={"women_target_percent": [old, percent]}, details={})
    db.session.commit()


# --- nominating (focal points) ------------------------------------------------------------------------

def _check_open(invitation) -> None:
    if not is_open(invitation):
        raise NominationLinkInvalid(_("Nominations for this invitation are closed."), status=410)


def _nominated_by(invitation) -> str:
    return f"{invitation.focal_point_name}, {invitation.organisation.name}"[:200]


def nominate(invitation, details: NomineeDetails, *, answers=None) -> tuple[Nomination, bool]:
    """Nominate one official and commit: a pending registration, the nominee e-mailed to confirm their details.

    ``answers``: the training's registration questions answered ({question id: value}), saved with it.
    Returns (the nomination, whether it is within the quota; else it is on the waiting list).
    Raises ``NominationError`` (``email`` field) when the person is already registered or nominated for the
    training, ``NominationLinkInvalid`` (410) once the deadline has passed.
    """
    training = invitation.training
    registrations.lock_seats(training)  # first, before any write that refers to the training
    db.session.refresh(invitation)
    try:
        _check_open(invitation)
        nomination = _add_nominee(invitation, details, answers)
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError:  # the same e-mail added by someone else a moment ago
        db.session.rollback()
        raise NominationError(_("%(email)s is already registered or nominated for this training.",
                                email=normalise_email(details.email)), "email") from None
    within = balance.quota_positions(invitation)[nomination.id]
    db.session.commit()
    return nomination, within


def nominate_all(invitation, rows) -> list[tuple[Nomination, bool]]:
    """Nominate every row (``NomineeDetails``) in one commit, or nobody: a refused row refuses them all
    (``NominationError`` naming the row's place in the list, counting from 1). Returns [(nomination, within quota)]."""
    training = invitation.training
    registrations.lock_seats(training)
    db.session.refresh(invitation)
    added = []
    try:
        _check_open(invitation)
        for number, details in enumerate(rows, start=1):
            try:
                added.append(_add_nominee(invitation, details, None))
            except NominationError as refused:
                raise NominationError(_("Row %(number)s: %(reason)s", number=number, reason=str(refused))) from None
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        raise NominationError(_("Nothing was nominated: the list changed meanwhile; please upload it again.")) from None
    positions = balance.quota_positions(invitation)
    db.session.commit()
    return [(nomination, positions[nomination.id]) for nomination in added]


def _add_nominee(invitation, details: NomineeDetails, answers) -> Nomination:
    """Within the caller's locked transaction: the participant (found by e-mail, or new), their pending
    registration and the nomination; audited; the nominee's e-mail queued."""
    training = invitation.training
    email = normalise_email(details.email)
    participant = db.session.scalar(select(Participant).where(Participant.email == email))
    if participant is not None and (participant.erased_at is not None or registrations.find_registration(training.id, participant.id)):
        raise NominationError(_("%(email)s is already registered or nominated for this training.", email=email), "email")
    created = participant is None
    if created:
        participant = Participant(
            name=details.name, name_ar=details.name_ar, sex=details.sex, organisation_id=invitation.organisation_id,
            position=details.position, email=email, phone=details.phone, locale=invitation.locale,
        )
        db.session.add(participant)
        db.session.flush()
        audit.record(None, "participant.create", participant,
                     f"{participant.name} <{email}> nominated by {invitation.focal_point_name}", training_id=training.id,
                     details={"name": participant.name, "name_ar": participant.name_ar})
    registration = registrations.add_registration(
        training, participant, source="nomination", status="pending", nominated_by=_nominated_by(invitation))
    plain = secrets.token_urlsafe(32)
    nomination = Nomination(
        invitation=invitation, registration=registration, name=details.name, name_ar=details.name_ar,
        sex=details.sex, email=email, position=details.position, phone=details.phone,
        participant_created=created, confirm_token_hash=hash_token(plain),
    )
    db.session.add(nomination)
    db.session.flush()
    if answers:
        questions.save_answers(registration, answers)
    audit.record(None, "nomination.create", nomination,
                 f"{details.name} <{email}> nominated by {invitation.focal_point_name} ({invitation.organisation.name})",
                 training_id=training.id,
                 details={"name": details.name, "name_ar": details.name_ar, "focal_point": invitation.focal_point_name,
                          "organisation": invitation.organisation.name, "organisation_ar": invitation.organisation.name_ar})
    notifications.nominee(nomination, plain)
    return nomination


def nomination_of(invitation, nomination_id: int) -> Nomination | None:
    """The invitation's own nomination ``nomination_id``, or None (another organisation's is as good as unknown)."""
    nomination = db.session.get(Nomination, nomination_id)
    return nomination if nomination is not None and nomination.invitation_id == invitation.id else None


def _lock_pending(nomination, decided: str) -> None:
    """Take the training's seat lock, then check that the link still works and the nomination still awaits the
    officers' decision (else roll back and raise ``NominationError`` saying ``decided``)."""
    registrations.lock_seats(nomination.invitation.training)
    db.session.refresh(nomination)
    try:
        _check_open(nomination.invitation)
        if nomination.registration.status != "pending":
            raise NominationError(decided)
    except DomainError:
        db.session.rollback()
        raise


def update_nomination(nomination, details: NomineeDetails) -> Nomination:
    """The focal point corrects a nominee's details (not the e-mail: nominate the right address instead) while
    the link works and the registration is still pending; a participant made by the nomination follows, until the
    nominee has confirmed their own details. Commits."""
    invitation = nomination.invitation
    _lock_pending(nomination, _("The organisers have already decided on this nomination; it cannot be changed."))
    if normalise_email(details.email) != nomination.email:
        db.session.rollback()
        raise NominationError(_("The e-mail address cannot be changed: remove this nomination and nominate the "
                                "right address."), "email")
    changes = audit.diff(nomination, ("name", "name_ar", "sex", "position", "phone"), {
        "name": details.name, "name_ar": details.name_ar, "sex": details.sex, "position": details.position,
        "phone": details.phone})
    if changes and nomination.participant_created and nomination.confirmed_at is None:
        participant = nomination.registration.participant
        for field in changes:
            setattr(participant, field, getattr(nomination, field))
    if changes:
        audit.record(None, "nomination.update", nomination, f"{nomination.name}: details changed by the focal point",
                     changes=changes, training_id=invitation.training_id,
                     details={"name": nomination.name, "name_ar": nomination.name_ar})
    db.session.commit()
    return nomination


def withdraw_nomination(nomination) -> None:
    """The focal point takes a nomination back while the link works and it is still pending: the registration is
    deleted (the first on the organisation's waiting list moves into the quota); commits."""
    invitation = nomination.invitation
    _lock_pending(nomination, _("The organisers have already decided on this nomination; please write to them."))
    audit.record(None, "nomination.withdraw", nomination,
                 f"{nomination.name} <{nomination.email}>: nomination taken back by {invitation.focal_point_name}",
                 training_id=invitation.training_id,
                 details={"name": nomination.name, "name_ar": nomination.name_ar, "focal_point": invitation.focal_point_name})
    db.session.delete(nomination.registration)  # the nomination goes with it (ON DELETE CASCADE)
    db.session.delete(nomination)
    db.session.commit()


# --- deciding (officers) ----------------------------------------------------------------------------

def approve(nomination, *, by_user) -> list:
    """Confirm a nominee within their organisation's quota (``registrations.services.change_status``, which checks
    the training's capacity and, through ``balance.quota_refusal``, the nomination quota: one on the waiting list is
    refused with ``BeyondQuota``, as on the registrations list; only the registration's own page approves beyond it)."""
    return registrations.change_status(nomination.registration, "confirmed", by_user=by_user)


# --- the nominee --------------------------------------------------------------------------------

def forget_nominee(participant, registration_ids, **_ignored) -> None:
    """The participant's details are being erased (``core.signals.participant_erased``): their nominations keep the
    placeholders in place of what the focal point typed, and the nominee's link stops working. In the erasure's
    transaction."""
    if not registration_ids:
        return
    db.session.execute(
        update(Nomination).where(Nomination.registration_id.in_(registration_ids))
        .values(name=participant.name, name_ar=None, email=participant.email, position=None, phone=None,
                confirm_token_hash=None)
        .execution_options(synchronize_session=False))

def nomination_by_confirm_token(plain: str) -> Nomination:
    """The nomination whose nominee link carries ``plain``; ``NominationLinkInvalid`` (404) when unknown."""
    nomination = None
    if plain and len(plain) <= 200:
        nomination = db.session.scalar(select(Nomination).where(Nomination.confirm_token_hash == hash_token(plain)))
    if nomination is None or nomination.registration.status in ("rejected", "withdrawn"):
        raise NominationLinkInvalid(_("This link is not known or no longer works. Log in, or ask the organisers."))
    return nomination


def confirm_details(nomination, details: NomineeDetails, *, answers=None) -> None:
    """The nominee checked their details (from the e-mailed link, which proves the address is theirs): their
    participant record takes them, ``answers`` to the training's registration questions ({question id: text})
    replace those given so far, and the nomination is marked confirmed; commits. The link keeps working, so
    they can correct them again."""
    participant = nomination.registration.participant
    values = {"name": details.name, "name_ar": details.name_ar, "sex": details.sex,
              "position": details.position, "phone": details.phone}
    changes = audit.diff(participant, tuple(values), values)
    for field, value in values.items():
        setattr(nomination, field, value)
    nomination.confirmed_at = utcnow()
    if answers:
        questions.save_answers(nomination.registration, answers)
    audit.record(None, "nomination.confirm_details", nomination,
                 f"{participant.name} confirmed their details", changes=changes or None,
                 training_id=nomination.invitation.training_id,
                 details={"name": participant.name, "name_ar": participant.name_ar})
    db.session.commit()


