from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """Who changed what, when, on which record."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_training_session_id_created_at", "training_session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: e.g. "registration.confirmed", "attendance.update", "certificate.revoked"
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    #: the training the change belongs to, for the per-training audit page
    training_id: Mapped[int | None] = mapped_column(
        "training_session_id",
        ForeignKey("training_sessions.id", ondelete="SET NULL")
    )
    summary: Mapped[str] = mapped_column(Text)
    #: {"field": [old, new], ...}
    changes = mapped_column(JSON)

    user = relationship("User")
