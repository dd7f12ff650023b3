from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

MARKS = ("present", "late", "excused", "absent")
#: how a mark was made: on the attendance page, by scanning a badge, or by the participant from the projector's code
SOURCES = ("officer", "scan", "self")


class AttendanceMark(db.Model):
    """One mark per registration per session day."""

    __tablename__ = "attendance_marks"
    __table_args__ = (UniqueConstraint("registration_id", "session_day_id"), one_of("status", MARKS), one_of("source", SOURCES))

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_day_id: Mapped[int] = mapped_column(ForeignKey("session_days.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(7))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)
    source: Mapped[str] = mapped_column(String(7), default="officer", server_default="officer")
    #: the id a phone gave a mark it kept while offline: a mark sent twice is recorded once
    client_mark_id: Mapped[str | None] = mapped_column(String(40), unique=True)

    registration = relationship("Registration", back_populates="marks")
    session_day = relationship("SessionDay")
    recorded_by = relationship("User")
