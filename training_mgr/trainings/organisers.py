"""Who runs a training: its host and co-organising organisations, the officers who manage it, and the
seats each organisation may take (quotas). Every write is audited and committed once; a refused write
raises ``TrainingError`` with its field."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..auth.models import User
from ..core import signals
from ..extensions import db
from ..organisations.models import Organisation
from .models import OrganisationQuota, SessionOrganiser, TrainingSession
from .services import TrainingError


def _organisations_by_id(ids) -> dict[int, Organisation]:
    ids = set(ids)
    found = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}
    if len(found) != len(ids):
        raise TrainingError(_("Choose organisations from the list."), "co_organiser_ids")
    return found


def set_organisers(training: TrainingSession, by_user, host_id: int | None, co_organiser_ids) -> dict:
    """Set the host (or none) and the co-organising partners, in the order given."""
    co_organiser_ids = list(dict.fromkeys(co_organiser_ids or ()))
    if host_id is not None and host_id in co_organiser_ids:
        raise TrainingError(_("The host is already an organiser; do not list it as a co-organiser too."),
                            "co_organiser_ids")
    organisations = _organisations_by_id(co_organiser_ids + ([host_id] if host_id is not None else []))
    wanted = ([(host_id, "host")] if host_id is not None else []) + [(oid, "co_organiser") for oid in co_organiser_ids]

    before = [(o.organisation.name, o.role) for o in training.organisers]
    existing = {o.organisation_id: o for o in training.organisers}
    for position, (organisation_id, role) in enumerate(wanted):
        organiser = existing.pop(organisation_id, None)
        if organiser is None:  # rows are updated in place: a delete and insert of one key would collide
            training.organisers.append(SessionOrganiser(organisation=organisations[organisation_id], role=role,
                                                  position=position))
        else:
            organiser.role, organiser.position = role, position
    for organiser in existing.values():
        training.organisers.remove(organiser)
    training.organisers.sort(key=lambda o: o.position)
    after = [(organisations[oid].name, role) for oid, role in wanted]
    if before == after:
        db.session.rollback()
        return {}
    changes = {"organisers": [[f"{name} ({role})" for name, role in before], [f"{name} ({role})" for name, role in after]]}
    audit.record(by_user, "training.organisers", training, f"Organisers set: {', '.join(n for n, _r in after) or '—'}",
                 changes=changes, details={})
    db.session.commit()
    return changes


def officer_choices() -> list[User]:
    """Active programme officers, who can be made to manage a training."""
    from ..auth.services import active_officers

    return active_officers()


def set_officers(training: TrainingSession, by_user, officer_ids) -> dict:
    """Set the officers who manage the training; at least one must remain."""
    officer_ids = set(officer_ids or ())
    if not officer_ids:
        raise TrainingError(_("A training needs at least one managing officer."), "officer_ids")
    officers = db.session.scalars(
        select(User).where(User.id.in_(officer_ids), User.role == "officer", User.active.is_(True))
    ).all()
    if len(officers) != len(officer_ids):
        raise TrainingError(_("Choose active programme officers from the list."), "officer_ids")
    before = sorted(u.email for u in training.officers)
    after = sorted(u.email for u in officers)
    if before == after:
        return {}
    training.officers = sorted(officers, key=lambda u: u.email)
    changes = {"officers": [before, after]}
    audit.record(by_user, "training.officers", training, f"Managing officers: {', '.join(after)}", changes=changes,
                 details={})
    db.session.commit()
    return changes


def set_quota(training: TrainingSession, by_user, organisation: Organisation, max_seats: int) -> OrganisationQuota:
    """Cap the seats ``organisation`` may take (0 .. capacity); a raised cap serves the waiting list."""
    if organisation is None:
        raise TrainingError(_("Choose an organisation."), "organisation_id")
    if max_seats is None or max_seats < 0:
        raise TrainingError(_("The quota cannot be negative."), "max_seats")
    if training.capacity is not None and max_seats > training.capacity:
        raise TrainingError(_("The quota cannot be larger than the capacity (%(capacity)d).", capacity=training.capacity),
                            "max_seats")
    quota = db.session.get(OrganisationQuota, (training.id, organisation.id))
    old = quota.max_seats if quota is not None else None
    if old == max_seats:
        return quota
    if quota is None:
        quota = OrganisationQuota(organisation=organisation, max_seats=max_seats)
        training.quotas.append(quota)
    else:
        quota.max_seats = max_seats
    audit.record(by_user, "training.quota_set", training, f"Quota for {organisation.name}: {max_seats} seat(s)",
                 changes={"quota": [old, max_seats], "organisation": [None, organisation.name]},
                 details={"organisation": organisation.name, "organisation_ar": organisation.name_ar, "count": max_seats})
    db.session.commit()
    if old is not None and max_seats > old:
        signals.seats_freed.send(training, by_user=by_user)
    return quota


def remove_quota(training: TrainingSession, by_user, organisation_id: int) -> None:
    quota = db.session.get(OrganisationQuota, (training.id, organisation_id))
    if quota is None:
        return
    name = quota.organisation.name
    training.quotas.remove(quota)
    audit.record(by_user, "training.quota_remove", training, f"Quota for {name} removed",
                 changes={"quota": [quota.max_seats, None], "organisation": [name, None]},
                 details={"organisation": name, "organisation_ar": quota.organisation.name_ar})
    db.session.commit()
    signals.seats_freed.send(training, by_user=by_user)
