from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import utcnow
from ..core.text import folded_lines
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
    #: what the entry's sentence names, as it was when recorded (``audit.actions``): free text as typed, with its
    #: Arabic beside it under ``<key>_ar`` ({"name": "Ahmed", "name_ar": "أحمد"}), days as ISO dates, statuses and
    #: marks as their codes, counts as numbers; None for entries recorded before sentences were kept
    details = mapped_column(JSON)
    #: the summary and the texts of ``details``, folded (``core.text.fold``) one a line, for the person filter;
    #: kept by ``_fold_search_text`` on every write
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")

    user = relationship("User")


def searchable_text(summary, details) -> str:
    """The summary and every text of ``details`` (lists too), folded one a line: what the person filter searches."""
    texts = [summary]
    for value in (details or {}).values():
        texts.extend(value if isinstance(value, list) else [value])
    return folded_lines(*(text for text in texts if isinstance(text, str) and text))


@event.listens_for(AuditEntry, "before_insert")
@event.listens_for(AuditEntry, "before_update")
def _fold_search_text(_mapper, _connection, entry):
    entry.search_folded = searchable_text(entry.summary, entry.details)
