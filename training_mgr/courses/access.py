"""Who may change a course: admins and the course's own managing officers."""
from flask import abort
from flask_login import current_user

from ..extensions import db
from .models import Course


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
    course = db.get_or_404(Course, course_id)
    if not can_manage_course(current_user, course):
        abort(403)
    return course
