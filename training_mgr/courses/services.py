"""Courses: the curriculum that trainings deliver. Creating, editing, archiving; every write audited."""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..audit import services as audit
from ..auth.services import active_officers
from ..core.db import utcnow
from ..core.domain import DomainError
from ..extensions import db
from ..trainings.access import visible_sessions_filter
from ..trainings.models import TrainingSession
from .models import Course

#: what an officer edits on a course
COURSE_FIELDS = (
    "title", "title_ar", "description", "description_ar", "objectives", "objectives_ar",
    "themes", "themes_ar", "default_days", "certificate_wording", "certificate_wording_ar",
)
MAX_DEFAULT_DAYS = 60


class CourseError(DomainError):
    """A course rule refused the request."""


def _check(values: dict) -> None:
    if not (values.get("title") or "").strip():
        raise CourseError(_("A course needs an English title."), "title")
    days = values.get("default_days")
    if days is not None and not 1 <= days <= MAX_DEFAULT_DAYS:
        raise CourseError(_("The default length must be between 1 and %(max)d days.", max=MAX_DEFAULT_DAYS), "default_days")


def create_course(by_user, values: dict) -> Course:
    """A new course from ``values``; an officer who creates it is its first managing officer (an admin manages
    every course without being listed). Raises CourseError."""
    _check(values)
    course = Course(**{name: values.get(name) for name in COURSE_FIELDS if values.get(name) is not None})
    if by_user.role == "officer":
        course.officers.append(by_user)
    db.session.add(course)
    audit.record(by_user, "course.create", course, f"Course created: {course.title}")
    db.session.commit()
    return course


def update_course(course: Course, by_user, values: dict) -> dict:
    """Apply the edited fields; return what changed ({} when nothing did)."""
    _check({"title": course.title, **values})
    changes = audit.diff(course, COURSE_FIELDS, values)
    if changes:
        audit.record(by_user, "course.update", course, f"Course edited: {course.title}", changes=changes)
        db.session.commit()
    return changes


def archive_course(course: Course, by_user) -> None:
    """Hide a course from lists and from scheduling; its trainings keep it."""
    if course.archived_at is not None:
        return
    course.archived_at = utcnow()
    audit.record(by_user, "course.archive", course, f"Course archived: {course.title}")
    db.session.commit()


def unarchive_course(course: Course, by_user) -> None:
    if course.archived_at is None:
        return
    course.archived_at = None
    audit.record(by_user, "course.unarchive", course, f"Course restored: {course.title}")
    db.session.commit()


def set_course_officers(course: Course, by_user, officer_ids) -> dict:
    """Set the officers who manage ``course``; return what changed ({} when nothing did).

    Only active programme officers can be chosen (CourseError otherwise). The list may be left empty: the course is
    then the admins' alone. Who may call this is ``courses.access.can_manage_course``."""
    officer_ids = set(officer_ids or ())
    officers = [u for u in active_officers() if u.id in officer_ids]
    if len(officers) != len(officer_ids):
        raise CourseError(_("Choose active programme officers from the list."), "officer_ids")
    before = sorted(u.email for u in course.officers)
    after = sorted(u.email for u in officers)
    if before == after:
        return {}
    course.officers = officers
    changes = {"officers": [before, after]}
    audit.record(by_user, "course.officers", course, f"Course managing officers: {', '.join(after) or '—'}",
                 changes=changes)
    db.session.commit()
    return changes


def course_list_query(search: str | None = None, include_archived: bool = False):
    """Courses matching ``search`` in either title, by title."""
    query = select(Course).order_by(func.lower(Course.title), Course.id)
    if not include_archived:
        query = query.where(Course.archived_at.is_(None))
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(or_(Course.title.ilike(pattern), Course.title_ar.ilike(pattern)))
    return query


def training_counts(course_ids) -> dict[int, int]:
    """How many trainings each course has, in one query."""
    rows = db.session.execute(
        select(TrainingSession.course_id, func.count(TrainingSession.id))
        .where(TrainingSession.course_id.in_(list(course_ids)))
        .group_by(TrainingSession.course_id)
    )
    return dict(rows.all())


def course_trainings_query(course: Course, user):
    """The trainings of ``course`` that ``user`` may see as staff, latest first."""
    return visible_sessions_filter(
        user, select(TrainingSession).where(TrainingSession.course_id == course.id)
    ).order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())


def schedulable_courses() -> list[Course]:
    """Courses a new training can be made from: those not archived."""
    return db.session.scalars(
        select(Course).where(Course.archived_at.is_(None)).order_by(func.lower(Course.title))
    ).all()
