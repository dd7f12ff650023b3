"""Organisations: the list of national entities and partners, and mapping the names participants typed in."""
from dataclasses import dataclass
from enum import Enum

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..audit import services as audit
from ..auth.services import active_officers
from ..core.domain import DomainError
from ..core.forms import form_values, is_country_code
from ..core.text import fold
from ..extensions import db
from ..participants.models import Participant
from .models import ORGANISATION_KINDS, Organisation

#: what an officer edits on an organisation
ORGANISATION_FIELDS = ("name", "name_ar", "acronym", "kind", "country", "parent_id")


class Unchanged(Enum):
    """The type of ``UNCHANGED``: a value the caller leaves as it is."""

    UNCHANGED = "unchanged"


#: ``OrganisationDetails.steward_id`` not given: the steward stays as it is
UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class OrganisationDetails:
    """What an officer edits on an organisation. Texts are stripped, None when left empty.

    - ``name`` (English, required and unique as a reader compares names: ``core.text.fold``), ``name_ar``,
      ``acronym`` (e.g. "MoI")
    - ``kind``: one of ``ORGANISATION_KINDS`` (``organisations/models.py``); None on a new one means "ministry"
    - ``country``: a two-letter ISO 3166 country code (``core.forms.is_country_code``), or None
    - ``parent_id``: id of the ``Organisation`` this one belongs to, or None
    - ``steward_id``: id of the programme officer who may edit it besides the admins, None for the admins
      alone, or ``UNCHANGED`` (the default: the form of a user who may not name stewards has no such field)
    """

    name: str | None
    name_ar: str | None = None
    acronym: str | None = None
    kind: str | None = None
    country: str | None = None
    parent_id: int | None = None
    steward_id: int | None | Unchanged = UNCHANGED

    @classmethod
    def from_form(cls, form) -> "OrganisationDetails":
        """The details an ``organisations.forms.OrganisationForm`` holds (an empty answer becomes None; no
        ``steward_id`` field, as for an officer, gives ``UNCHANGED``)."""
        values = form_values(form)
        return cls(**{name: values[name] for name in (*ORGANISATION_FIELDS, "steward_id") if name in values})

    @classmethod
    def of(cls, organisation: Organisation) -> "OrganisationDetails":
        """The details ``organisation`` has now, steward ``UNCHANGED`` (to edit a few with ``dataclasses.replace``)."""
        return cls(**{name: getattr(organisation, name) for name in ORGANISATION_FIELDS})


class OrganisationError(DomainError):
    """An organisation rule refused the request."""


def _check(values: dict, organisation: Organisation | None = None) -> None:
    name = (values.get("name") or "").strip()
    if not name:
        raise OrganisationError(_("An organisation needs an English name."), "name")
    taken = db.session.scalar(
        select(Organisation.id).where(
            # the English name is the first line of the folded names: compared as a reader would (``core.text.fold``)
            Organisation.search_folded.startswith(fold(name) + "\n", autoescape=True),
            Organisation.id != (organisation.id if organisation is not None and organisation.id else -1),
        )
    )
    if taken is not None:
        raise OrganisationError(_("Another organisation already has this name."), "name")
    if values.get("kind") not in ORGANISATION_KINDS:
        raise OrganisationError(_("Choose a kind of organisation."), "kind")
    if not is_country_code(values.get("country")):
        raise OrganisationError(_("Choose a country."), "country")
    parent_id = values.get("parent_id")
    if parent_id is not None:
        if db.session.get(Organisation, parent_id) is None:
            raise OrganisationError(_("Choose a parent organisation from the list."), "parent_id")
        if organisation is not None and organisation.id is not None and _would_cycle(organisation.id, parent_id):
            raise OrganisationError(
                _("An organisation cannot be placed under itself or under one of its own sub-entities."), "parent_id"
            )


def _would_cycle(organisation_id: int, parent_id: int) -> bool:
    """True when ``parent_id`` is the organisation itself or sits below it."""
    parents = dict(db.session.execute(select(Organisation.id, Organisation.parent_id)).all())
    seen = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == organisation_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _steward(by_user, steward_id):
    """The active officer ``steward_id`` (None for none), when ``by_user`` is an admin; OrganisationError
    otherwise. Only admins name stewards (``organisations.access.can_manage_organisation``)."""
    if by_user.role != "admin":
        raise OrganisationError(_("Only an admin can choose the steward of an organisation."), "steward_id")
    if steward_id is None:
        return None
    steward = next((u for u in active_officers() if u.id == steward_id), None)
    if steward is None:
        raise OrganisationError(_("Choose an active programme officer from the list."), "steward_id")
    return steward


def steward_choices():
    """Who can be named steward of an organisation: the active programme officers."""
    return active_officers()


def create_organisation(by_user, details: OrganisationDetails) -> Organisation:
    """Add an organisation with ``details`` to the list; audited as ``organisation.create``. Officers may add one (a
    ministry missing while they register people) and become its steward; an admin names the steward with
    ``details.steward_id`` or leaves it to the admins.

    Raises OrganisationError: no English name or one already taken (``name``), an unknown kind (``kind``) or
    country (``country``), an unknown parent (``parent_id``), a steward named by a non-admin or not an active
    programme officer (``steward_id``). Who may edit an organisation: ``organisations/access.py``."""
    steward = _steward(by_user, details.steward_id) if details.steward_id is not UNCHANGED else None
    if by_user.role == "officer":
        steward = by_user
    values = {name: getattr(details, name) for name in ORGANISATION_FIELDS}
    values["kind"] = values["kind"] or "ministry"
    _check(values)
    organisation = Organisation(**values)
    organisation.steward = steward
    db.session.add(organisation)
    audit.record(by_user, "organisation.create", organisation, f"Organisation created: {organisation.name}",
                 details={"organisation": organisation.name, "organisation_ar": organisation.name_ar})
    db.session.commit()
    return organisation


def update_organisation(organisation: Organisation, by_user, details: OrganisationDetails) -> dict:
    """Give ``organisation`` every field of ``details``; return what changed, ``{field: [old, new]}`` with the
    steward as ``"steward": [old e-mail, new e-mail]`` ({} when nothing did), audited as ``organisation.update``.
    ``details.steward_id``, unless ``UNCHANGED``, names the steward (admins only). Raises OrganisationError for the
    reasons ``create_organisation`` gives, and for a parent that is the organisation itself or below it."""
    merged = {name: getattr(details, name) for name in ORGANISATION_FIELDS}
    _check(merged, organisation)
    steward_changed = False
    if details.steward_id is not UNCHANGED:
        steward = _steward(by_user, details.steward_id)
        steward_changed = steward is not organisation.steward
    changes = audit.diff(organisation, ORGANISATION_FIELDS, merged)
    if steward_changed:
        changes["steward"] = [getattr(organisation.steward, "email", None), getattr(steward, "email", None)]
        organisation.steward = steward
    if changes:
        audit.record(by_user, "organisation.update", organisation, f"Organisation edited: {organisation.name}",
                     changes=changes, details={"organisation": organisation.name, "organisation_ar": organisation.name_ar})
        db.session.commit()
    return changes


def organisation_list_query(search: str | None = None, kind: str | None = None):
    """Organisations matching ``search`` (either name or the acronym, compared folded: ``core.text.fold``, so
    وزارة الداخلیة typed on a Persian keyboard finds وزارة الداخلية) and ``kind``, by name."""
    query = select(Organisation).order_by(func.lower(Organisation.name), Organisation.id)
    if search and fold(search):
        query = query.where(Organisation.search_folded.contains(fold(search), autoescape=True))
    if kind:
        query = query.where(Organisation.kind == kind)
    return query


def all_organisations() -> list[Organisation]:
    """Every organisation by name, for choosing one in a form."""
    return db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name))).all()


# --- organisations typed in by participants -------------------------------------------------------

@dataclass(frozen=True)
class TypedName:
    #: the name as one of them typed it (the first in code-point order)
    name: str
    #: how many participants typed it (or a spelling a reader takes for the same)
    participants: int


def _typed_in() -> dict[str, list[tuple[int, str]]]:
    """The participants not yet given an organisation who typed one in, by the name folded (``core.text.fold``:
    "moi " and "MoI", وزارة الداخلية and وزارة الداخلیة typed on a Persian keyboard are one name): {folded: [(id,
    as typed)]}. Folded here rather than in SQL: only those waiting to be mapped are read, a short list."""
    groups = {}
    for participant_id, typed in db.session.execute(select(Participant.id, Participant.organisation_other).where(
            Participant.organisation_id.is_(None), Participant.organisation_other.is_not(None))):
        if key := fold(typed):
            groups.setdefault(key, []).append((participant_id, typed))
    return groups


def other_organisation_names() -> list[TypedName]:
    """Every typed-in name not yet mapped with how many participants typed it, most common first."""
    names = [(key, TypedName(min(typed for _id, typed in group), len(group))) for key, group in _typed_in().items()]
    return [name for _key, name in sorted(names, key=lambda pair: (-pair[1].participants, pair[0]))]


def count_other_organisation_names() -> int:
    return len(_typed_in())


def participants_with_typed_name(typed_name: str) -> list[int]:
    """Ids of the participants not yet mapped who typed ``typed_name``, or a spelling a reader takes for the same."""
    return [participant_id for participant_id, _typed in _typed_in().get(fold(typed_name), [])]


def count_participants_with_typed_name(typed_name: str) -> int:
    return len(participants_with_typed_name(typed_name))


def map_other_organisation(typed_name: str, organisation: Organisation, by_user) -> int:
    """Give every participant who typed ``typed_name`` (or a spelling a reader takes for the same) the chosen
    organisation; return how many changed."""
    ids = participants_with_typed_name(typed_name)
    if not ids:
        raise OrganisationError(_("No participant has this organisation name any more; it may have been mapped already."))
    db.session.execute(
        update(Participant)
        .where(Participant.id.in_(ids))
        .values(organisation_id=organisation.id, organisation_other=None)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        by_user, "organisation.map_other", organisation,
        f"“{typed_name.strip()}” mapped to {organisation.name} for {len(ids)} participant(s)",
        changes={"organisation_other": [typed_name.strip(), None], "participants": [None, ids]},
        details={"typed": typed_name.strip(), "organisation": organisation.name, "organisation_ar": organisation.name_ar,
                 "count": len(ids)},
    )
    db.session.commit()
    return len(ids)
