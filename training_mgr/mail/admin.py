"""What an admin does with the outbox: see the messages that failed or wait for another attempt, send one
again now, or discard one. Each action is audit-logged in its commit."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.text import fold
from ..extensions import db
from . import services
from .models import OutboundEmail

#: messages listed per page
PER_PAGE = 50
#: list filters: given up on, or still being retried after a failed attempt
PROBLEM_STATES = {"failed": _l("Failed"), "retrying": _l("Being retried")}


class OutboxError(DomainError):
    """The action cannot be done on this message now; the message is shown to the admin."""


def problems_query(search: str | None = None, state: str | None = None):
    """A select of the messages an admin should look at, most recently tried first: failed ones, and
    pending ones that failed at least once.

    ``search``: part of the recipient's address or of the subject, compared folded (``core.text.fold``);
    ``state``: a key of PROBLEM_STATES (anything else: both).
    """
    failed = OutboundEmail.status == "failed"
    retrying = and_(OutboundEmail.status == "pending", OutboundEmail.attempts > 0)
    query = select(OutboundEmail).where({"failed": failed, "retrying": retrying}.get(state, or_(failed, retrying)))
    if search and fold(search):
        query = query.where(OutboundEmail.search_folded.contains(fold(search), autoescape=True))
    return query.order_by(func.coalesce(OutboundEmail.last_attempt_at, OutboundEmail.created_at).desc(),
                          OutboundEmail.id.desc())


def _refuse_unless_changeable(message: OutboundEmail) -> None:
    if message.status == "sent":
        raise OutboxError(_("The message to %(recipient)s was sent meanwhile.", recipient=message.recipient))
    claimed_until = as_utc(message.claimed_until)
    if claimed_until is not None and claimed_until > utcnow():
        raise OutboxError(_("The message to %(recipient)s is being sent right now; look again in a minute.",
                            recipient=message.recipient))


def retry(message: OutboundEmail, *, by_user) -> OutboundEmail:
    """Give a failed (or waiting) message a fresh set of attempts and send it once this commits.

    The caller reads ``message.status`` afterwards: sent, failed again, or pending (to be retried).
    Raises OutboxError when it was sent meanwhile or is being sent right now.
    """
    _refuse_unless_changeable(message)
    audit.record(
        by_user, "mail.retry", message,
        _("Message to %(recipient)s tried again: %(subject)s", recipient=message.recipient, subject=message.subject),
        {"status": [message.status, "pending"], "attempts": [message.attempts, 0], "last_error": message.last_error},
        details={"email": message.recipient, "subject": message.subject},
    )
    message.status, message.attempts, message.next_attempt_at = "pending", 0, utcnow()
    services.send_after_commit(message, awaited=True)
    db.session.commit()
    db.session.refresh(message)
    return message


def discard(message: OutboundEmail, *, by_user) -> None:
    """Take a message that was not sent out of the outbox for good; the audit log keeps what it was.

    Raises OutboxError when it was sent meanwhile or is being sent right now.
    """
    _refuse_unless_changeable(message)
    audit.record(
        by_user, "mail.discard", message,
        _("Message to %(recipient)s discarded: %(subject)s", recipient=message.recipient, subject=message.subject),
        {"recipient": message.recipient, "subject": message.subject, "kind": message.kind, "status": message.status,
         "attempts": message.attempts, "last_error": message.last_error},
        details={"email": message.recipient, "subject": message.subject},
    )
    db.session.delete(message)
    db.session.commit()
