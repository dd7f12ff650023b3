from sqlalchemy import Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import one_of, utcnow
from ..core.text import folded_lines
from ..extensions import db

EMAIL_STATUSES = ("pending", "sent", "failed")
#: characters of an error kept in ``last_error``
LAST_ERROR_MAX_LENGTH = 2000


class OutboundEmail(db.Model):
    """A message waiting to be sent, sent, or given up on; written in the same commit as its cause."""

    __tablename__ = "outbound_emails"
    __table_args__ = (one_of("status", EMAIL_STATUSES), Index("ix_outbound_emails_status_next_attempt_at", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    #: e.g. "registration.confirmed", "password.set"
    kind: Mapped[str] = mapped_column(String(40))
    #: pending (to be sent, perhaps again), sent, or failed (given up: refused for good, or too many attempts)
    status: Mapped[str] = mapped_column(String(7), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    #: why the latest attempt failed, e.g. "SMTPRecipientsRefused: 550 …" (at most ``LAST_ERROR_MAX_LENGTH``)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: when the latest attempt was made (None: never tried)
    last_attempt_at = mapped_column(db.DateTime(timezone=True))
    next_attempt_at = mapped_column(db.DateTime(timezone=True), default=utcnow)
    #: a sender owns the message until then (it is being sent); no other sender touches it meanwhile
    claimed_until = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    sent_at = mapped_column(db.DateTime(timezone=True))
    #: the recipient and the subject folded (``core.text.fold``), one a line, for the outbox's search; kept by
    #: ``_fold_search_text``
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")


@event.listens_for(OutboundEmail, "before_insert")
@event.listens_for(OutboundEmail, "before_update")
def _fold_search_text(_mapper, _connection, message):
    message.search_folded = folded_lines(message.recipient, message.subject)
