from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import utcnow
from ..core.text import folded_lines
from ..extensions import db

#: officers who manage a course: edit, archive and restore it, and choose its managing officers (admins manage
#: all; see ``courses.access.can_manage_course``)
course_officers = Table(
    "course_officers",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Course(db.Model):
    """The curriculum that training sessions deliver."""

    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("default_days >= 1 AND default_days <= 60", name="default_days_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    title_ar: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    description_ar: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[str | None] = mapped_column(Text)
    objectives_ar: Mapped[str | None] = mapped_column(Text)
    #: one theme per line
    themes: Mapped[str | None] = mapped_column(Text)
    themes_ar: Mapped[str | None] = mapped_column(Text)
    default_days: Mapped[int] = mapped_column(default=1)
    #: sentence printed on certificates, e.g. "has successfully completed"
    certificate_wording: Mapped[str | None] = mapped_column(Text)
    certificate_wording_ar: Mapped[str | None] = mapped_column(Text)
    #: both titles folded (``core.text.fold``), one a line, for the courses' search; kept by ``_fold_search_text``
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")
    archived_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    #: the officers who manage this course (not those of its trainings: see ``can_manage_course``)
    officers = relationship("User", secondary=course_officers, order_by="User.email")

    @property
    def theme_list(self) -> list[str]:
        return [t.strip() for t in (self.themes or "").splitlines() if t.strip()]

    def __repr__(self):
        return f"<Course {self.id} {self.title!r}>"


@event.listens_for(Course, "before_insert")
@event.listens_for(Course, "before_update")
def _fold_search_text(_mapper, _connection, course):
    course.search_folded = folded_lines(course.title, course.title_ar)
