from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

MARKS = ("present", "late", "excused", "absent")


class AttendanceMark(db.Model):
    """One mark per registration per session day."""

    __tablename__ = "attendance_marks"
    __table_args__ = (UniqueConstraint("registration_id", "session_day_id"), one_of("status", MARKS))

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_day_id: Mapped[int] = mapped_column(ForeignKey("session_days.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(7))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    registration = relationship("Registration", back_populates="marks")
    session_day = relationship("SessionDay")
    recorded_by = relationship("User")
