"""Messages to participants: what each person was sent (the log), a training's reminder setting, and who asked
for no more non-essential messages."""
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import utcnow
from ..extensions import db

#: kinds of logged message: the scheduled ones and an officer's own
MESSAGE_KINDS = ("training.reminder", "certificate.ready", "evaluation.open", "officer.message")


class MessageLogEntry(db.Model):
    """One message sent (queued in the outbox) to one person, about one training. ``once_key`` marks a message sent
    at most once per person and training (e.g. "reminder", "certificate:12", "evaluation:3"); None for an officer's."""

    __tablename__ = "message_log"
    __table_args__ = (
        UniqueConstraint("participant_id", "training_session_id", "once_key"),
        Index("ix_message_log_training_session_id_created_at", "training_session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    once_key: Mapped[str | None] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    email_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_emails.id", ondelete="SET NULL"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    email = relationship("OutboundEmail")
    sent_by = relationship("User")


class MessageSettings(db.Model):
    """A training's scheduled messages: the reminder ``reminder_days`` days before the first day (None: no reminder)."""

    __tablename__ = "message_settings"

    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    reminder_days: Mapped[int | None]
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)


class MessageOptOut(db.Model):
    """A person who asked for no non-essential messages (by the link in one, or on their account page)."""

    __tablename__ = "message_opt_outs"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
