"""Who may see and change a training, and the lookups views use to enforce it (404 unknown, 403 forbidden).

Every page of a training's parts (days, registrations, attendance, recommendations, certificates, audit) goes
through these, so an officer reaches only the trainings they manage.
"""
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from .models import TrainingSession, session_officers


def can_view_session(user, training) -> bool:
    """Staff read: admins and managers see every training, officers the ones they manage."""
    if not user.is_authenticated:
        return False
    if user.role in ("admin", "manager"):
        return True
    return user.role == "officer" and can_manage_session(user, training)


def can_manage_session(user, training) -> bool:
    """Write access to a training: its managing officers, and admins."""
    if not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and any(o.id == user.id for o in training.officers)


def require_manage_session(training):
    if not can_manage_session(current_user, training):
        abort(403)


def require_view_session(training):
    if not can_view_session(current_user, training):
        abort(403)


def viewable_session(training_id: int):
    """The training ``training_id``: 404 when there is none, 403 when the current user may not view it."""
    training = _session_or_404(training_id)
    require_view_session(training)
    return training


def viewed_session(training_id: int):
    """(the training ``training_id``, whether the current user may also manage it) for a page that shows it to
    every reader and its buttons to managers: 404 when there is none, 403 when the user may not view it."""
    training = _session_or_404(training_id)
    manages = can_manage_session(current_user, training)
    if not manages:
        require_view_session(training)
    return training, manages


def manageable_session(training_id: int):
    """The training ``training_id``: 404 when there is none, 403 when the current user may not manage it."""
    training = _session_or_404(training_id)
    require_manage_session(training)
    return training


def training_access(mode: str, *, with_can_manage: bool = False):
    """Decorator for a view of one training (a URL with ``<int:training_id>``): loads the training and passes it
    to the view as its first argument, in place of ``training_id``.

    ``mode`` "view": ``viewable_session`` (404 unknown, 403 when the current user may not see it);
    "manage": ``manageable_session`` (403 when the current user may not change it). ``with_can_manage``
    (with "view"): the view also gets ``can_manage``, whether the user may change the training, for a page
    that shows it to every reader and its buttons to its managers (``viewed_session``). Put it below
    ``roles_required``, so that a visitor who is not logged in is sent to the log-in page first.
    """
    if with_can_manage and mode != "view":
        raise ValueError("with_can_manage goes with the mode 'view'")
    lookup = {"view": viewable_session, "manage": manageable_session}[mode]

    def decorator(view):
        @wraps(view)
        def wrapper(*args, training_id, **kwargs):
            if with_can_manage:
                training, can_manage = viewed_session(training_id)
                return view(training, *args, can_manage=can_manage, **kwargs)
            return view(lookup(training_id), *args, **kwargs)
        return wrapper
    return decorator


def _session_or_404(training_id: int):
    return db.get_or_404(TrainingSession, training_id)


def session_part_or_404(training, model, obj_id: int):
    """The ``model`` row ``obj_id`` (a day, registration, recommendation, signatory …) of ``training``:
    404 when there is none or it belongs to another training, so that a managed training's id in the URL never
    reaches another training's records."""
    obj = db.get_or_404(model, obj_id)
    if obj.training_id != training.id:
        abort(404)
    return obj


def visible_sessions_filter(user, query):
    """Restrict a TrainingSession select to what ``user`` may see as staff."""
    if user.role in ("admin", "manager"):
        return query
    managed = select(session_officers.c.training_session_id).where(session_officers.c.user_id == user.id)
    return query.where(TrainingSession.id.in_(managed))
