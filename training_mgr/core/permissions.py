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


def session_part_or_404(training_session, model, obj_id: int):
    """The ``model`` row ``obj_id`` (a day, registration, recommendation, signatory …) of ``training_session``:
    404 when there is none or it belongs to another training, so that a managed training's id in the URL never
    reaches another training's records."""
    from ..extensions import db

    obj = db.get_or_404(model, obj_id)
    if obj.training_session_id != training_session.id:
        abort(404)
    return obj


def manageable_certificate(certificate_id: int):
    """The certificate ``certificate_id``: 404 when there is none, 403 when the current user may not manage
    its training (revoking and reissuing follow the training's managers)."""
    from ..certificates.models import Certificate
    from ..extensions import db

    certificate = db.get_or_404(Certificate, certificate_id)
    require_manage_session(certificate.registration.training_session)
    return certificate


# --- courses ---------------------------------------------------------------------------------------------


def can_manage_course(user, course) -> bool:
    """Write access to a course — editing, archiving, restoring, choosing its managing officers: admins, and the
    officers on the course's own list of managing officers (``course_officers``), nothing else.

    The officer who creates a course is put on the list; its managers or an admin add others. Managing a
    *training* of the course does not make an officer manager of the course: every officer may schedule a
    training from any active course, so that rule would let anyone who schedules once rewrite or archive a
    curriculum other officers deliver. (Existing courses got the officers of their trainings once, when the list
    was introduced.) Reading courses and scheduling from an active one stay open to every officer.
    Source: the product brief's table of users (officers never change what they do not manage; admins do)."""
    if not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and any(o.id == user.id for o in course.officers)


def manageable_course(course_id: int):
    """The course ``course_id``: 404 when there is none, 403 when the current user may not manage it."""
    from ..courses.models import Course
    from ..extensions import db

    course = db.get_or_404(Course, course_id)
    if not can_manage_course(current_user, course):
        abort(403)
    return course


# --- organisations --------------------------------------------------------------------------------------

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
    from ..extensions import db
    from ..organisations.models import Organisation

    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage_organisation(current_user, organisation):
        abort(403)
    return organisation


def managed_organisation_ids(user, organisation_ids) -> set[int]:
    """Which of ``organisation_ids`` ``user`` may change, in one query (for the Edit links of a list)."""
    from ..extensions import db
    from ..organisations.models import organisation_stewards

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
