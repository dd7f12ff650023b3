"""Courses: the curriculum that trainings deliver. Creating, editing, archiving; every write audited."""
from dataclasses import asdict, dataclass, fields

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit import services as audit
from ..auth.services import active_officers
from ..core.db import utcnow
from ..core.domain import DomainError
from ..core.forms import form_values
from ..core.text import fold
from ..extensions import db
from ..trainings.access import visible_sessions_filter
from ..trainings.models import TrainingSession
from .models import Course

MAX_DEFAULT_DAYS = 60


@dataclass(frozen=True)
class CourseDetails:
    """What an officer edits on a course. Texts are stripped, None when left empty; English and Arabic pairs.

    - ``title`` required (CourseError on the ``title`` field when blank), at most 300 characters (the form)
    - ``description``, ``objectives``: free text; ``themes``: one theme per line
    - ``default_days``: the usual length of a training, in days, 1..``MAX_DEFAULT_DAYS``; None on a new course
      keeps the model's default (1)
    - ``certificate_wording``: the words between the name and the course on a certificate
    """

    title: str | None
    title_ar: str | None = None
    description: str | None = None
    description_ar: str | None = None
    objectives: str | None = None
    objectives_ar: str | None = None
    themes: str | None = None
    themes_ar: str | None = None
    default_days: int | None = None
    certificate_wording: str | None = None
    certificate_wording_ar: str | None = None

    @classmethod
    def from_form(cls, form) -> "CourseDetails":
        """The details a ``courses.forms.CourseForm`` holds (an empty answer becomes None)."""
        values = form_values(form)
        return cls(**{name: values.get(name) for name in COURSE_FIELDS})

    @classmethod
    def of(cls, course: Course) -> "CourseDetails":
        """The details ``course`` has now (to edit a few with ``dataclasses.replace``)."""
        return cls(**{name: getattr(course, name) for name in COURSE_FIELDS})


#: what an officer edits on a course
COURSE_FIELDS = tuple(field.name for field in fields(CourseDetails))


class CourseError(DomainError):
    """A course rule refused the request."""


def _check(details: CourseDetails) -> None:
    if not (details.title or "").strip():
        raise CourseError(_("A course needs an English title."), "title")
    days = details.default_days
    if days is not None and not 1 <= days <= MAX_DEFAULT_DAYS:
        raise CourseError(_("The default length must be between 1 and %(max)d days.", max=MAX_DEFAULT_DAYS), "default_days")


def create_course(by_user, details: CourseDetails) -> Course:
    """A new course with ``details`` (fields left None take the model's defaults); an officer who creates it is its
    first managing officer (an admin manages every course without being listed). Audited as ``course.create``.

    Raises CourseError: no English title (``title``), a default length outside 1..``MAX_DEFAULT_DAYS`` days
    (``default_days``). Source of the rules: the course as the product defines it (an English title is what every
    list, certificate and report shows; a training lasts days, not months)."""
    _check(details)
    course = Course(**{name: value for name, value in asdict(details).items() if value is not None})
    if by_user.role == "officer":
        course.officers.append(by_user)
    db.session.add(course)
    audit.record(by_user, "course.create", course, f"Course created: {course.title}",
                 details={"title": course.title, "title_ar": course.title_ar})
    db.session.commit()
    return course


def update_course(course: Course, by_user, details: CourseDetails) -> dict:
    """Give ``course`` every field of ``details``; return what changed, ``{field: [old, new]}`` ({} when nothing
    did), audited as ``course.update``. Raises CourseError for the reasons ``create_course`` gives."""
    _check(details)
    changes = audit.diff(course, COURSE_FIELDS, asdict(details))
    if changes:
        audit.record(by_user, "course.update", course, f"Course edited: {course.title}", changes=changes,
                     details={"title": course.title, "title_ar": course.title_ar})
        db.session.commit()
    return changes


def archive_course(course: Course, by_user) -> None:
    """Hide a course from lists and from scheduling; its trainings keep it."""
    if course.archived_at is not None:
        return
    course.archived_at = utcnow()
    audit.record(by_user, "course.archive", course, f"Course archived: {course.title}",
                 details={"title": course.title, "title_ar": course.title_ar})
    db.session.commit()


def unarchive_course(course: Course, by_user) -> None:
    if course.archived_at is None:
        return
    course.archived_at = None
    audit.record(by_user, "course.unarchive", course, f"Course restored: {course.title}",
                 details={"title": course.title, "title_ar": course.title_ar})
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
                 changes=changes, details={"title": course.title, "title_ar": course.title_ar})
    db.session.commit()
    return changes


def course_list_query(search: str | None = None, include_archived: bool = False):
    """Courses matching ``search`` in either title, compared folded (``core.text.fold``: ادارة finds إدارة), by
    title."""
    query = select(Course).order_by(func.lower(Course.title), Course.id)
    if not include_archived:
        query = query.where(Course.archived_at.is_(None))
    if search and fold(search):
        query = query.where(Course.search_folded.contains(fold(search), autoescape=True))
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
