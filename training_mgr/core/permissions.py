"""Who may do what, declared in one place. Views use these decorators and helpers only."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

STAFF_ROLES = ("admin", "officer", "manager")
EDITOR_ROLES = ("admin", "officer")


def roles_required(*roles):
    """Anonymous users are sent to log in; logged-in users without one of ``roles`` get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_view_session(user, training_session) -> bool:
    """Staff read: admins and managers see every training, officers the ones they manage."""
    if not user.is_authenticated:
        return False
    if user.role in ("admin", "manager"):
        return True
    return user.role == "officer" and can_manage_session(user, training_session)


def can_manage_session(user, training_session) -> bool:
    """Write access to a training: its managing officers, and admins."""
    if not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and any(o.id == user.id for o in training_session.officers)


def require_manage_session(training_session):
    if not can_manage_session(current_user, training_session):
        abort(403)


def require_view_session(training_session):
    if not can_view_session(current_user, training_session):
        abort(403)


def viewable_session(session_id: int):
    """The training ``session_id``: 404 when there is none, 403 when the current user may not view it."""
    training_session = _session_or_404(session_id)
    require_view_session(training_session)
    return training_session


def viewed_session(session_id: int):
    """(the training ``session_id``, whether the current user may also manage it) for a page that shows it to
    every reader and its buttons to managers: 404 when there is none, 403 when the user may not view it."""
    training_session = _session_or_404(session_id)
    manages = can_manage_session(current_user, training_session)
    if not manages:
        require_view_session(training_session)
    return training_session, manages


def manageable_session(session_id: int):
    """The training ``session_id``: 404 when there is none, 403 when the current user may not manage it."""
    training_session = _session_or_404(session_id)
    require_manage_session(training_session)
    return training_session


def _session_or_404(session_id: int):
    from ..extensions import db
    from ..trainings.models import TrainingSession

    return db.get_or_404(TrainingSession, session_id)


def require_certificate_download(certificate) -> None:
    """A certificate's PDF goes to its training's managers (any status) and to its owner while it is valid:
    403 for anyone else, 404 for the owner of a revoked one."""
    manages = can_manage_session(current_user, certificate.registration.training_session)
    owns = current_user.participant_id is not None and current_user.participant_id == certificate.registration.participant_id
    if not (manages or owns):
        abort(403)
    if not manages and certificate.status != "valid":
        abort(404)


def visible_sessions_filter(user, query):
    """Restrict a TrainingSession select to what ``user`` may see as staff."""
    from ..trainings.models import TrainingSession, session_officers

    if user.role in ("admin", "manager"):
        return query
    managed = select(session_officers.c.training_session_id).where(session_officers.c.user_id == user.id)
    return query.where(TrainingSession.id.in_(managed))
