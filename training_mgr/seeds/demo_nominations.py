"""The reference training's nominations: each of the six national entities was invited to nominate as many officials
as it sent, through its training focal point, and the training has the gender balance target of the issue's example
(at least 30% women). So the nominations pages show what a real training looks like: 6 women among 20 meets the
target overall, while the Border Points Commission (1 woman of 4) and the Ministry of Justice (none of 3) are warned
that they could not reach it.

Nothing is added when the reference training has invitations already (safe to run twice).
"""
import secrets
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ..core.security import hash_token
from ..extensions import db
from ..nominations.models import Nomination, NominationInvitation
from ..registrations.models import Registration

#: the demo's gender balance target, as the issue's example: at least this percent of women
WOMEN_TARGET_PERCENT = 30

INVITED_AT = datetime(2022, 1, 10, 9, 0, tzinfo=timezone.utc)


def seed_reference_nominations(training, officer) -> None:
    """Invite each organisation of the reference ``training``'s officials to nominate as many as it sent, make each
    official's registration its focal point's nomination (details confirmed by the nominee), and set the training's
    gender balance target (``WOMEN_TARGET_PERCENT``); nothing when it has invitations. Flushes."""
    if db.session.scalar(select(NominationInvitation.id).where(NominationInvitation.training_id == training.id)):
        return
    training.women_target_percent = WOMEN_TARGET_PERCENT
    by_organisation = defaultdict(list)
    for registration in db.session.scalars(
            select(Registration).where(Registration.training_id == training.id).order_by(Registration.id)):
        by_organisation[registration.participant.organisation].append(registration)
    for organisation, registrations in by_organisation.items():
        invitation = NominationInvitation(
            training_id=training.id, organisation=organisation, focal_point_name=f"Training focal point, {organisation.name}",
            focal_point_email=f"focal.{(organisation.acronym or str(organisation.id)).lower()}@example.org", locale="ar",
            seats=len(registrations), deadline=training.registration_closes_at, created_by_id=officer.id,
            created_at=INVITED_AT, token_hash=hash_token(secrets.token_urlsafe(32)),  # the link is long expired
        )
        db.session.add(invitation)
        for registration in registrations:
            person = registration.participant
            invitation.nominations.append(Nomination(
                registration_id=registration.id, name=person.name, name_ar=person.name_ar, sex=person.sex,
                email=person.email, position=person.position, phone=person.phone, created_at=registration.created_at,
                confirmed_at=registration.created_at + timedelta(days=1),
            ))
    db.session.flush()
