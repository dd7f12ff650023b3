"""Read API v1 (JSON): officers, managers and admins, by browser session or bearer token."""
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core.pagination import requested_page
from ..core.urls import public_url
from ..core.permissions import STAFF_ROLES
from ..evaluation import results
from ..extensions import csrf, db
from ..organisations.models import Organisation
from ..participants.models import Participant
from ..recommendations.models import Recommendation
from ..registrations import seats
from ..registrations.models import Registration
from ..reports.participants import attendance_by_registration
from ..trainings.access import viewable_session, visible_sessions_filter
from ..trainings.models import SessionOrganiser, TrainingSession

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def api_access(view):
    """401 for anonymous callers, 403 for participants."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            response = jsonify(error="Unauthorized", status=401)
            response.headers["WWW-Authenticate"] = 'Bearer realm="training_mgr"'
            return response, 401
        if current_user.role not in STAFF_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def paginate(query, serialize, keyset=None):
    """``{"items": [...], "page": N, "next": URL or null}`` for a select ordered by the caller.

    With ``keyset`` (the ascending, unique column the select is ordered by) the ``next`` link carries the
    last key shown (``after=``), and a page asked for with it starts after that key instead of skipping the
    rows before it: the cost of a page is the same on page 1 and page 200 (with an index that leads to the
    key). ``page`` keeps counting, and a bare ``?page=N`` still works.
    """
    config = current_app.config
    page = requested_page()
    per_page = request.args.get("per_page", config["API_PER_PAGE"], type=int) or config["API_PER_PAGE"]
    per_page = min(max(per_page, 1), config["API_MAX_PER_PAGE"])
    after = request.args.get("after", type=int) if keyset is not None else None
    if after is not None:
        query = query.where(keyset > after)
    else:
        query = query.offset((page - 1) * per_page)
    rows = db.session.scalars(query.limit(per_page + 1)).unique().all()
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    next_url = None
    if has_next:
        args = {**(request.view_args or {}), **request.args.to_dict(), "page": page + 1, "per_page": per_page}
        if keyset is not None:
            args["after"] = getattr(rows[-1], keyset.key)
        next_url = public_url(request.endpoint, **args)
    return jsonify(items=serialize(rows), page=page, next=next_url)


@bp.get("/sessions")
@api_access
def sessions():
    query = (
        visible_sessions_filter(current_user, select(TrainingSession))
        .options(selectinload(TrainingSession.organisers).joinedload(SessionOrganiser.organisation))
        .order_by(TrainingSession.start_date.desc().nulls_last(), TrainingSession.id.desc())
    )

    def serialize(rows):
        counts = seats.registration_counts([training.id for training in rows])
        # seats as capacity counts them: confirmed, and held for someone to confirm (whose status shows as pending)
        taken = seats.seats_taken_by_session([training.id for training in rows])
        return [
            {
                "id": training.id,
                "title": training.title,
                "title_ar": training.title_ar,
                "course_id": training.course_id,
                "start_date": _iso(training.start_date),
                "end_date": _iso(training.end_date),
                "venue": training.venue,
                "city": training.city,
                "country": training.country,
                "status": training.status,
                "capacity": training.capacity,
                "seats_taken": taken.get(training.id, 0),
                "waitlisted": counts[training.id].get("waitlisted", 0),
                "organisers": [o.organisation.name for o in training.organisers],
            }
            for training in rows
        ]

    return paginate(query, serialize)


@bp.get("/sessions/<int:training_id>/registrations")
@api_access
def session_registrations(training_id):
    training = viewable_session(training_id)
    query = (
        select(Registration)
        .where(Registration.training_id == training.id)
        .options(
            joinedload(Registration.participant).joinedload(Participant.organisation),
            selectinload(Registration.certificates),
        )
        .order_by(Registration.id)
    )

    def serialize(rows):
        attendance = attendance_by_registration(training, rows)
        items = []
        for r in rows:
            p = r.participant
            cert = r.current_certificate
            items.append(
                {
                    "id": r.id,
                    "status": r.status,
                    "participant": {
                        "id": p.id,
                        "name": p.name,
                        "name_ar": p.name_ar,
                        "sex": p.sex,
                        "organisation": p.organisation.name if p.organisation else p.organisation_other,
                        "email": p.email,
                    },
                    "attendance": attendance[r.id].marks,
                    "attendance_rate": attendance[r.id].rate,
                    "certificate": {"serial": cert.serial, "code": cert.code, "status": cert.status} if cert else None,
                }
            )
        return items

    return paginate(query, serialize, keyset=Registration.id)


@bp.get("/sessions/<int:training_id>/recommendations")
@api_access
def session_recommendations(training_id):
    training = viewable_session(training_id)
    query = (
        select(Recommendation)
        .where(Recommendation.training_id == training.id)
        .options(joinedload(Recommendation.responsible_organisation), selectinload(Recommendation.updates))
        .order_by(Recommendation.id)
    )

    def serialize(rows):
        return [
            {
                "id": r.id,
                "text": r.text,
                "theme": r.theme,
                "responsible_organisation": r.responsible_organisation.name if r.responsible_organisation else None,
                "due_date": _iso(r.due_date),
                "status": r.status,
                "updates": [{"date": _iso(u.date), "status": u.status, "note": u.note} for u in r.updates],
            }
            for r in rows
        ]

    return paginate(query, serialize)


@bp.get("/sessions/<int:training_id>/evaluation")
@api_access
def session_evaluation(training_id):
    """The training's evaluation figures (``evaluation.results.evaluation_figures``): scores and shares 0..1, None
    where nobody answered."""
    training = viewable_session(training_id)
    return jsonify(results.training_evaluation(training))


@bp.get("/organisations")
@api_access
def organisations():
    query = select(Organisation).order_by(Organisation.name)

    def serialize(rows):
        return [
            {"id": o.id, "name": o.name, "name_ar": o.name_ar, "kind": o.kind, "parent_id": o.parent_id} for o in rows
        ]

    return paginate(query, serialize)


def _iso(value):
    return value.isoformat() if value else None
