"""Outgoing e-mail: queued in the same transaction as its cause, sent over SMTP after the commit.

``queue_email`` adds a message to the current transaction. When that transaction commits, the
messages it wrote are handed to the ``send_outbound_emails`` job (``mail.tasks``): with Redis the
worker sends them; without, they are sent in this process (``deliver``). Either way a request hands
them over only once its response has been sent (``core.jobs.after_response``): no answer waits for the
mail server, so none takes longer because it mailed someone (a known address, say); a command sends at once. When
the transaction rolls back, they vanish with it, so no message ever goes out for a change that did
not happen. A message that cannot be sent stays in the outbox with its error and is retried with
growing delays by the recurring ``send_pending_emails`` job (or ``flask mail send-pending`` from cron,
without Redis); the registration or certificate that caused it is never lost. A message
refused for good (a 5xx reply, an invalid address, a header that cannot be encoded) is marked failed
at once, and none holds up the others; admins see the failed ones at /admin/mail, to retry or discard.
With no MAIL_SERVER set (the demo), each message is printed on the console instead, with its links, and
marked sent.
"""
import smtplib
from datetime import timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from sqlalchemy import event, inspect, or_, orm, select, update

from ..core.db import utcnow
from ..core.jobs import after_response
from ..core.text import one_line
from ..extensions import db
from .models import LAST_ERROR_MAX_LENGTH, OutboundEmail

#: keys in ``Session.info``: messages queued in the open transaction, and ids of those just committed; the same for
#: the messages whose sender waits for the outcome (``send_after_commit(…, awaited=True)``)
_QUEUED = "training_mgr.mail.queued"
_COMMITTED = "training_mgr.mail.committed"
_QUEUED_AWAITED = "training_mgr.mail.queued_awaited"
_COMMITTED_AWAITED = "training_mgr.mail.committed_awaited"

#: how long a sender owns a message it is sending, so a concurrent ``send-pending`` leaves it alone
_CLAIM = timedelta(minutes=10)

#: delay before the next attempt after the n-th failure: 5, 15, 45 minutes … then every 12 hours
RETRY_BASE = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=12)

#: the outbox's subject column holds this many characters; a longer subject is shortened with "…"
SUBJECT_MAX_LENGTH = 300

def init_app(app):
    """Send what a transaction queued once it commits; forget it when it rolls back."""
    if not event.contains(orm.Session, "after_commit", _remember_committed):
        event.listen(orm.Session, "after_commit", _remember_committed)
        event.listen(orm.Session, "after_soft_rollback", _forget_after_rollback)
        event.listen(orm.Session, "after_transaction_end", _deliver_committed)


def queue_email(recipient, kind, subject, body_text, body_html=None, locale="en") -> OutboundEmail:
    """Add a message to the current transaction; it is sent after the caller commits."""
    message = OutboundEmail(
        recipient=recipient, kind=kind, subject=_subject(subject), body_text=body_text, body_html=body_html,
        locale=locale, next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.info.setdefault(_QUEUED, []).append(message)
    return message


def _subject(subject: str) -> str:
    """A subject as stored and sent: one line (``core.text.one_line``) that fits its column (300 characters)."""
    subject = one_line(subject)
    return subject if len(subject) <= SUBJECT_MAX_LENGTH else subject[:SUBJECT_MAX_LENGTH - 1] + "…"


def _remember_committed(session):
    for queued_key, committed_key in ((_QUEUED, _COMMITTED), (_QUEUED_AWAITED, _COMMITTED_AWAITED)):
        queued = session.info.pop(queued_key, None)
        if queued:
            session.info[committed_key] = [inspect(m).identity[0] for m in queued if inspect(m).identity]


def _deliver_committed(session, transaction):
    """Send once the transaction has ended and given its connection back to the pool.

    Sending from ``after_commit`` would take a second connection while still holding the first;
    under load every request would wait for a connection none of them gives back. Whatever goes
    wrong while sending is the outbox's to retry: the change that was committed stands, and the
    person who made it never sees an error for it.
    """
    if transaction.parent is not None or not has_app_context():
        return
    awaited = session.info.pop(_COMMITTED_AWAITED, None)
    if awaited:
        _hand_to_sender(awaited)
    ids = session.info.pop(_COMMITTED, None)
    if ids:
        after_response(_hand_to_sender, ids)  # in a request, once its answer has gone; else now


def _hand_to_sender(ids) -> None:
    """Queue the ``send_outbound_emails`` job for these message ids: with Redis, a worker sends them; without, they
    are sent here and now."""
    from .tasks import send_outbound_emails  # the job wraps this module

    try:
        send_outbound_emails.delay(ids)
    except Exception:  # the outbox keeps the messages; send-pending tries them again
        current_app.logger.exception("Sending e-mail %s after a commit failed", ids)


def send_after_commit(message: OutboundEmail, *, awaited: bool = False) -> None:
    """Send a message already in the outbox once the current transaction commits, as a new one is; ``awaited``: at
    once, before the response (an admin who retries a message reads how it went; with Redis a worker still sends)."""
    db.session.info.setdefault(_QUEUED_AWAITED if awaited else _QUEUED, []).append(message)


def _forget_after_rollback(session, previous_transaction):
    session.info.pop(_QUEUED, None)
    session.info.pop(_QUEUED_AWAITED, None)


def deliver(messages, ignore_schedule: bool = False) -> tuple[int, int]:
    """Try to send these committed messages (or message ids) now; returns (sent, not sent).

    Each message is claimed, tried and recorded in commits of its own, so one that fails (or even
    breaks in an unexpected way) never keeps the others from going out: see ``_attempt`` for what
    happens to it. Only when the server itself cannot be reached is the rest of the batch left for
    the next run, instead of making the person who caused it wait for each in turn.
    """
    sent = failed = 0
    with orm.Session(db.engine, expire_on_commit=False) as session:
        for message in messages:
            message_id = getattr(message, "id", message)
            try:
                outcome = _attempt(session, message_id, ignore_schedule)
            except Exception:  # the database, say: this message stays claimed a while, then is tried again
                current_app.logger.exception("Sending e-mail %s failed unexpectedly", message_id)
                _roll_back(session)
                outcome = "retry"
            sent += outcome == "sent"
            failed += outcome in ("failed", "retry", "unreachable")
            if outcome == "unreachable":
                break
    return sent, failed


def _roll_back(session):
    try:
        session.rollback()
    except Exception:  # a lost connection cannot even roll back; the session starts afresh next time
        current_app.logger.exception("Rolling back after a sending error failed")


def send_pending(limit: int = 100, include_future: bool = False) -> tuple[int, int]:
    """Send queued messages that are due (or all pending ones with ``include_future``), oldest first;
    returns (sent, not sent). Messages another sender is sending right now are left to it."""
    now = utcnow()
    query = select(OutboundEmail.id).where(
        OutboundEmail.status == "pending", _unclaimed(now),
    )
    if not include_future:
        query = query.where(_due(now))
    ids = db.session.scalars(query.order_by(OutboundEmail.id).limit(limit)).all()
    db.session.rollback()  # end the read before sending, which may take a while
    return deliver(ids, ignore_schedule=include_future)


def retry_delay(attempts: int) -> timedelta:
    """Delay after the ``attempts``-th failed attempt: 5 min, 15 min, 45 min … at most 12 hours."""
    return min(RETRY_BASE * 3 ** max(attempts - 1, 0), RETRY_MAX)


def _due(now):
    return or_(OutboundEmail.next_attempt_at.is_(None), OutboundEmail.next_attempt_at <= now)


def _unclaimed(now):
    return or_(OutboundEmail.claimed_until.is_(None), OutboundEmail.claimed_until <= now)


class UndeliverableAddress(ValueError):
    """The recipient is not one valid e-mail address: no server would take the message."""


def failure_kind(exc: BaseException) -> str:
    """How a failed attempt is treated, from what went wrong:

    - ``permanent``: the same message would fail again — a 5xx refusal of the recipient or of the
      message (RFC 5321 §4.2.1), an invalid address, a header or body that cannot be encoded.
      The message is marked failed at once with the reason.
    - ``unreachable``: the server, not the message — connection refused or timed out, greeting,
      log-in or our sender address refused, disconnected. Retried later; the run stops here, as
      every other message would meet the same.
    - ``temporary``: a 4xx reply, or anything unforeseen: retried later, at most MAIL_MAX_ATTEMPTS times.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return "permanent" if codes and all(code >= 500 for code in codes) else "temporary"
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError,
                        smtplib.SMTPSenderRefused, smtplib.SMTPServerDisconnected)):
        return "unreachable"
    if isinstance(exc, smtplib.SMTPResponseException):  # the message refused after DATA, say
        return "permanent" if exc.smtp_code >= 500 else "temporary"
    if isinstance(exc, smtplib.SMTPNotSupportedError):  # a non-ASCII address to a server without SMTPUTF8
        return "permanent"
    if isinstance(exc, smtplib.SMTPException):
        return "temporary"
    if isinstance(exc, OSError):  # refused, timed out, host unknown (SMTP errors are OSErrors too: tested first)
        return "unreachable"
    if isinstance(exc, (ValueError, TypeError, LookupError, MessageError)):  # cannot be built or encoded
        return "permanent"
    return "temporary"


def error_text(exc: BaseException) -> str:
    """What went wrong, as an admin reads it: the exception's name and the server's reply, e.g.
    "SMTPRecipientsRefused: 550 5.1.1 No such user"; at most LAST_ERROR_MAX_LENGTH characters."""
    def reply(code, text):
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(reply(*answer) for answer in exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = reply(exc.smtp_code, exc.smtp_error)
    else:
        detail = str(exc)
    return f"{type(exc).__name__}: {detail}"[:LAST_ERROR_MAX_LENGTH]


def _check_recipient(address: str) -> None:
    """Raise UndeliverableAddress unless ``address`` is one syntactically valid e-mail address."""
    try:
        validate_email(address or "", check_deliverability=False)
    except EmailNotValidError as error:
        raise UndeliverableAddress(f"{address!r}: {error}") from None


def _attempt(session, message_id, ignore_schedule) -> str | None:
    """Claim one message, send it, record the outcome; returns sent, failed (given up), retry, or
    unreachable (the server; retried later). None when it is not due or another sender has it.

    The claim is one UPDATE of a pending, unclaimed (and due) row: of two senders trying the same
    message at once, on SQLite or PostgreSQL, exactly one changes it and sends.
    """
    now = utcnow()
    claim = update(OutboundEmail).where(OutboundEmail.id == message_id, OutboundEmail.status == "pending", _unclaimed(now))
    if not ignore_schedule:
        claim = claim.where(_due(now))
    claimed = session.execute(
        claim.values(attempts=OutboundEmail.attempts + 1, last_attempt_at=now, claimed_until=now + _CLAIM)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if not claimed:
        return None
    message = session.get(OutboundEmail, message_id, populate_existing=True)
    config = current_app.config
    try:
        if not config.get("MAIL_SERVER"):
            print_to_console(message)
        else:
            _check_recipient(message.recipient)
            _smtp_send(config, message)
    except Exception as exc:
        kind = failure_kind(exc)
        message.claimed_until = None
        message.last_error = error_text(exc)
        if kind == "permanent" or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = "failed"
            message.next_attempt_at = None
        else:
            message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        unforeseen = kind == "temporary" and not isinstance(exc, smtplib.SMTPException)
        log = current_app.logger.exception if unforeseen else current_app.logger.warning  # with its traceback
        log("Sending e-mail %s (%s) to %s failed (attempt %s, %s%s): %s", message.id, message.kind, message.recipient,
            message.attempts, kind, ", given up" if message.status == "failed" else "", exc)
        session.commit()
        if kind == "unreachable":
            return "unreachable"
        return "failed" if message.status == "failed" else "retry"
    message.status = "sent"
    message.sent_at = utcnow()
    message.next_attempt_at = None
    message.claimed_until = None
    message.last_error = None
    session.commit()
    return "sent"


def print_to_console(message: OutboundEmail) -> None:
    """Write ``message`` (recipient, subject, plain-text body with its links) to standard error, where the
    console of ``flask run`` shows it whatever the log level, so a demo without a mail server loses nothing."""
    rule = "-" * 72
    click.echo(f"{rule}\nE-mail to {message.recipient}\nSubject: {one_line(message.subject)}\n\n"
               f"{message.body_text.rstrip()}\n{rule}", err=True)


def _smtp_send(config, message: OutboundEmail) -> None:
    email = EmailMessage()
    # a line break in a header is refused by the mail library (and would be header injection): one line each
    email["Subject"] = one_line(message.subject)
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = one_line(message.recipient)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].strip(">") or None)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    email["Content-Language"] = message.locale  # after add_alternative, which moves Content-* headers into the parts
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
