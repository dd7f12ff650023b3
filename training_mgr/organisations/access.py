"""Who may change an organisation (admins and its steward) and who maps typed-in organisation names (admins)."""
from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..core.permissions import EDITOR_ROLES
from ..extensions import db
from .models import Organisation, organisation_stewards

#: who maps a participant's typed-in organisation name to a listed organisation (and sees those names): it
#: rewrites the organisation of every participant who typed the name, whichever trainings (and officers) they
#: belong to, so it is a change to the shared list of people, which is the admins' (product brief: admins manage
#: the organisation list)
ORGANISATION_CURATOR_ROLES = ("admin",)


def can_manage_organisation(user, organisation) -> bool:
    """Write access to an organisation (renaming it, its kind, country, parent): admins, and its steward.

    The steward is the one officer an admin names on the organisation, or the officer who added it. Officers may
    add organisations — they meet a ministry missing from the list while registering people, and waiting for an
    admin would stop the registration — and then steward what they added, so they can fix their own typo; an
    organisation another officer or an admin added is not theirs to rename, since every training, participant,
    quota and report that points at it would change with it. Everyone on the staff still reads the list and picks
    organisations in forms. Rule: "organisations are an admin's (or a named steward's)"."""
    if not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and organisation.steward_id == user.id


def manageable_organisation(organisation_id: int):
    """The organisation ``organisation_id``: 404 when there is none, 403 when the current user may not change it."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage_organisation(current_user, organisation):
        abort(403)
    return organisation


def managed_organisation_ids(user, organisation_ids) -> set[int]:
    """Which of ``organisation_ids`` ``user`` may change, in one query (for the Edit links of a list)."""
    organisation_ids = list(organisation_ids)
    if not user.is_authenticated or user.role not in EDITOR_ROLES:
        return set()
    if user.role == "admin":
        return set(organisation_ids)
    return set(db.session.scalars(
        select(organisation_stewards.c.organisation_id).where(
            organisation_stewards.c.user_id == user.id,
            organisation_stewards.c.organisation_id.in_(organisation_ids),
        )
    ))
