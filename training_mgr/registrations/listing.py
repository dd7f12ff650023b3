"""The officer's list of a training's registrations: one filtered, sorted page of them, the organisations
registered, and the counts per organisation and status."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.pagination import KnownPagination
from ..extensions import db
from .models import REGISTRATION_STATUSES, Registration
from .services import participant_matches


#: sort keys of the registration list -> columns (ties broken by registration id)
REGISTRATION_SORTS = ("name", "organisation", "status", "date")


def registrations_page(training, *, search=None, status=None, organisation_id=None, sex=None,
                       sort="name", descending=False, page=1, per_page=50):
    """One page of a training's registrations, each a row of what the list shows of it (one query).

    Plain rows, not objects: loading fifty registrations with their participants and organisations as
    objects cost several times more than the rest of the list's data together.
    """
    from ..organisations.models import Organisation
    from ..participants.models import Participant

    query = (
        select(Registration.id)
        .join(Registration.participant)
        .outerjoin(Participant.organisation)
        .where(Registration.training_id == training.id)
    )
    if search:
        query = query.where(participant_matches(search.strip()))
    if status:
        query = query.where(Registration.status == status)
    if organisation_id:
        query = query.where(Participant.organisation_id == organisation_id)
    if sex:
        query = query.where(Participant.sex == sex)
    column = {
        "name": func.lower(Participant.name),
        "organisation": func.lower(Organisation.name),
        "status": Registration.status,
        "date": Registration.created_at,
    }.get(sort, func.lower(Participant.name))
    query = query.order_by(column.desc() if descending else column.asc(), Registration.id)
    # the page and the number of matches in one statement: the count is a window over every match
    rows = db.session.execute(
        query.with_only_columns(
            Registration.id, Registration.status, Registration.status_reason, Registration.created_at, Registration.held_until,
            Participant.name, Participant.name_ar, Participant.sex, Participant.email, Participant.position,
            Participant.organisation_other,
            Organisation.name.label("organisation_name"), Organisation.name_ar.label("organisation_name_ar"),
            func.count().over().label("matches"),
        ).limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    if rows:
        total = rows[0].matches
    elif page > 1:  # past the last page: the count still tells the pager where the last page is
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    else:
        total = 0
    return KnownPagination(rows, total=total, page=page, per_page=per_page)


def registered_organisations(training):
    """The organisations of a training's registered participants as (id, name, name_ar) rows, by name (the list's filter)."""
    from ..organisations.models import Organisation
    from ..participants.models import Participant

    return db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_ar)
        .where(Organisation.id.in_(
            select(Participant.organisation_id)
            .join(Registration, Registration.participant_id == Participant.id)
            .where(Registration.training_id == training.id)
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
    """Registrations per organisation × status, with per-status totals: (rows, totals, grand_total)."""
    from ..organisations.models import Organisation
    from ..participants.models import Participant

    counted = db.session.execute(
        select(Participant.organisation_id, Registration.status, func.count(Registration.id))
        .join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training.id)
        .group_by(Participant.organisation_id, Registration.status)
    ).all()
    ids = {organisation_id for organisation_id, _, _ in counted if organisation_id is not None}
    organisations = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}

    rows = {}
    for organisation_id, status, count in counted:
        row = rows.setdefault(organisation_id, OrganisationCounts(organisations.get(organisation_id), dict.fromkeys(REGISTRATION_STATUSES, 0), 0))
        row.by_status[status] = count
        row.total += count
    ordered = sorted(rows.values(), key=lambda r: (r.organisation is None, (r.organisation.name.lower() if r.organisation else "")))
    totals = {status: sum(r.by_status[status] for r in ordered) for status in REGISTRATION_STATUSES}
    return ordered, totals, sum(totals.values())
