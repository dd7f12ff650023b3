from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import utcnow
from ..extensions import db


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
    archived_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    @property
    def theme_list(self) -> list[str]:
        return [t.strip() for t in (self.themes or "").splitlines() if t.strip()]

    def __repr__(self):
        return f"<Course {self.id} {self.title!r}>"
