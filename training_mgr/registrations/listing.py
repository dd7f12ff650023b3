"""The officer's list of a training's registrations: one filtered, sorted page of them, the organisations
registered, and the counts per organisation and status.

A page costs the same for a 25-person training and a 10,000-person one: it sorts, filters and searches by the
participant's details copied beside each registration (``copies``), walks the index on (training, sort name, id)
to its rows, and takes the number of matches from the kept tallies (``tallies``) unless it is searched or filtered
by sex; the organisations come from ``organisation_tallies``.
"""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..core.pagination import KnownPagination
from ..core.text import contains_words
from ..extensions import db
from .models import REGISTRATION_STATUSES, Registration
from .seats import registration_counts
from .tallies import OrganisationTally


#: sort keys of the registration list -> columns (ties broken by registration id)
REGISTRATION_SORTS = ("name", "organisation", "status", "date")


def listed_matches(term: str):
    """SQL condition: the registration's participant's names in both scripts and e-mail hold every word of ``term``
    (``core.text.contains_words``) or the e-mail contains it — the rule of ``services.participant_matches`` (names
    compared folded: احمد المالكي finds أحمد جاسم المالكي), on the copy kept beside the registration
    (``Registration.participant_search``: folded names and e-mail, one a line)."""
    return or_(
        contains_words(Registration.participant_search, term),
        Registration.participant_search.contains(term.lower(), autoescape=True),
    )


def registrations_page(training, *, search=None, status=None, organisation_id=None, sex=None,
                       sort="name", descending=False, page=1, per_page=50, counts=None):
    """One page of a training's registrations, each a row of what the list shows of it, in a KnownPagination.

    Two statements: the page's rows, and the number of matches — from the kept tallies unless searched or filtered
    by sex (then counted over the training's registrations alone, no join); none for the number when only the status
    filters and the caller gives the training's ``counts`` ({status: registrations}, ``seats.registration_counts``). The rows are chosen on the
    registrations alone (by name: straight from the index) before the participants and organisations of those 50
    are joined, so a deep page is as cheap as the first. Plain rows, not objects: loading fifty registrations with
    their participants and organisations as objects cost several times more than the rest of the list's data together.
    """
    from ..organisations.models import Organisation
    from ..participants.models import Participant

    page = max(page, 1)
    chosen = select(Registration.id).where(Registration.training_id == training.id)
    if search:
        chosen = chosen.where(listed_matches(search.strip()))
    if status:
        chosen = chosen.where(Registration.status == status)
    if organisation_id:
        chosen = chosen.where(Registration.participant_organisation_id == organisation_id)
    if sex:
        chosen = chosen.where(Registration.participant_sex == sex)
    total = _matches(training, chosen, search=search, sex=sex, status=status, organisation_id=organisation_id,
                     counts=counts)

    if sort == "organisation":
        chosen = chosen.outerjoin(Organisation, Organisation.id == Registration.participant_organisation_id)
        column = func.lower(Organisation.name)
    else:
        column = {"status": Registration.status, "date": Registration.created_at}.get(sort, Registration.participant_sort_name)
    ids = (
        chosen.add_columns(column.label("sort_key"))
        .order_by(column.desc() if descending else column.asc(), Registration.id)
        .limit(per_page).offset((page - 1) * per_page)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Registration.id, Registration.status, Registration.status_reason, Registration.created_at, Registration.held_until,
            Participant.name, Participant.name_ar, Participant.sex, Participant.email, Participant.position,
            Participant.organisation_other,
            Organisation.name.label("organisation_name"), Organisation.name_ar.label("organisation_name_ar"),
        )
        .join(ids, ids.c.id == Registration.id)
        .join(Participant, Participant.id == Registration.participant_id)
        .outerjoin(Organisation, Organisation.id == Registration.participant_organisation_id)
        .order_by(ids.c.sort_key.desc() if descending else ids.c.sort_key.asc(), ids.c.id)
    ).all()
    return KnownPagination(rows, total=total, page=page, per_page=per_page)


def _matches(training, chosen, *, search, sex, status, organisation_id, counts) -> int:
    """How many registrations the list's filters match: kept tallies for status and organisation, else a count."""
    if search or sex:
        return db.session.scalar(select(func.count()).select_from(chosen.subquery()))
    if organisation_id:
        query = select(func.coalesce(func.sum(OrganisationTally.registrations), 0)).where(
            OrganisationTally.training_id == training.id, OrganisationTally.organisation_id == organisation_id)
        if status:
            query = query.where(OrganisationTally.status == status)
        return db.session.scalar(query)
    if counts is None:
        counts = registration_counts([training.id])[training.id]
    return counts.get(status, 0) if status else sum(counts.values())


def registered_organisations(training):
    """The organisations of a training's registered participants as (id, name, name_ar) rows, by name (the list's
    filter), from the kept ``organisation_tallies``."""
    from ..organisations.models import Organisation

    return db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_ar)
        .where(Organisation.id.in_(
            select(OrganisationTally.organisation_id)
            .where(OrganisationTally.training_id == training.id, OrganisationTally.registrations > 0)
        ))
        .order_by(Organisation.name)
    ).all()


@dataclass
class OrganisationCounts:
    """Registrations of one organisation (None: participants without one) by status."""

    organisation: object
    by_status: dict
    total: int


def counts_by_organisation(training):
    """Registrations per organisation × status, with per-status totals: (rows, totals, grand_total), from the kept
    tallies (``organisation_tallies``; the row of participants without an organisation is the rest of the training's
    ``registration_tallies``)."""
    from ..organisations.models import Organisation

    counted = db.session.execute(
        select(OrganisationTally.organisation_id, OrganisationTally.status, OrganisationTally.registrations)
        .where(OrganisationTally.training_id == training.id, OrganisationTally.registrations > 0)
    ).all()
    ids = {organisation_id for organisation_id, _, _ in counted}
    organisations = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}
    totals = dict.fromkeys(REGISTRATION_STATUSES, 0) | registration_counts([training.id])[training.id]
    without = dict(totals)

    rows = {}
    for organisation_id, status, count in counted:
        row = rows.setdefault(organisation_id, OrganisationCounts(organisations[organisation_id], dict.fromkeys(REGISTRATION_STATUSES, 0), 0))
        row.by_status[status] = count
        row.total += count
        without[status] -= count
    if any(without.values()):
        rows[None] = OrganisationCounts(None, without, sum(without.values()))
    ordered = sorted(rows.values(), key=lambda r: (r.organisation is None, (r.organisation.name.lower() if r.organisation else "")))
    return ordered, totals, sum(totals.values())
