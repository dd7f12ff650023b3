"""Outgoing e-mail: queued in the same transaction as its cause, sent over SMTP after the commit.

``queue_email`` adds a message to the current transaction. When that transaction commits, the
messages it wrote are handed to the ``send_outbound_emails`` job (``mail.tasks``): with Redis the
worker sends them and the request does not wait; without, they are sent at once (``deliver``). When
the transaction rolls back, they vanish with it, so no message ever goes out for a change that did
not happen. A message that cannot be sent stays in the outbox with its error and is retried with
growing delays by the recurring ``send_pending_emails`` job (or ``flask mail send-pending`` from cron,
without Redis); the registration or certificate that caused it is never lost. A message
refused for good (a 5xx reply, an invalid address, a header that cannot be encoded) is marked failed
at once, and none holds up the others; admins see the failed ones at /admin/mail, to retry or discard.
With no MAIL_SERVER set, messages are written to the log instead.
"""
import smtplib
from datetime import timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, or_, orm, select, update

from ..core.db import utcnow
from ..core.i18n import text_direction
from ..core.text import one_line
from ..core.urls import public_url
from ..extensions import db
from .models import LAST_ERROR_MAX_LENGTH, OutboundEmail

#: keys in ``Session.info``: messages queued in the open transaction, and ids of those just committed
_QUEUED = "training_mgr.mail.queued"
_COMMITTED = "training_mgr.mail.committed"

#: how long a sender owns a message it is sending, so a concurrent ``send-pending`` leaves it alone
_CLAIM = timedelta(minutes=10)

#: delay before the next attempt after the n-th failure: 5, 15, 45 minutes … then every 12 hours
RETRY_BASE = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=12)

#: the outbox's subject column holds this many characters; a longer subject is shortened with "…"
SUBJECT_MAX_LENGTH = 300

SUBJECTS = {
    "registration.received": _l("Registration received: %(title)s"),
    "registration.confirmed": _l("Your place is confirmed: %(title)s"),
    "registration.waitlisted": _l("You are on the waiting list: %(title)s"),
    "registration.promoted": _l("A place is free for you: %(title)s"),
    "registration.rejected": _l("Your registration was not accepted: %(title)s"),
    "registration.withdrawn": _l("Your registration is withdrawn: %(title)s"),
    "registration.held": _l("Confirm your seat: %(title)s"),
    "registration.exists": _l("You are already registered: %(title)s"),
    "registration.login_needed": _l("Registration asked for with your address: %(title)s"),
    "training.cancelled": _l("Training cancelled: %(title)s"),
    "password.set_password": _l("Set your password"),
    "password.reset_password": _l("Reset your password"),
    "password.invite": _l("Your account is ready: choose your password"),
    "password.forced_reset": _l("Your password was reset: choose a new one"),
}

#: registration event -> the template telling the participant about it
REGISTRATION_TEMPLATES = {
    "received": "registration_received",
    "pending": "registration_received",
    "confirmed": "registration_confirmed",
    "waitlisted": "registration_waitlisted",
    "promoted": "registration_promoted",
    "rejected": "registration_rejected",
    "withdrawn": "registration_withdrawn",
}


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


def compose(recipient, kind, template, locale, **context) -> OutboundEmail:
    """Render ``templates/mail/<template>.txt`` and ``.html`` in ``locale`` and queue the message."""
    locale = locale if locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        context.update(lang=locale, dir=text_direction(locale))
        subject = str(SUBJECTS[kind]) % {"title": context.get("title", "")}
        context["subject"] = subject
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = render_template(f"mail/{template}.html", **context)
    return queue_email(recipient, kind, subject, body_text, body_html, locale=locale)


def notify_registration(registration, event: str) -> OutboundEmail:
    """Queue the message telling a participant what happened to their registration."""
    participant = registration.participant
    training_session = registration.training_session
    return compose(
        participant.email, f"registration.{'received' if event == 'pending' else event}",
        REGISTRATION_TEMPLATES[event], participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, ts=training_session,
        title=_localized_title(training_session, participant.locale),
        session_url=public_url("catalogue.session_page", session_id=training_session.id),
        account_url=public_url("account.home"),
    )


def notify_registration_held(registration, token: str, hours_valid: int) -> OutboundEmail:
    """Queue the e-mail with the one-time link that confirms a held registration (``registrations.holds``)."""
    participant = registration.participant
    training_session = registration.training_session
    return compose(
        participant.email, "registration.held", "registration_held", participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, ts=training_session,
        title=_localized_title(training_session, participant.locale),
        link=public_url("catalogue.confirm_registration", token=token), hours_valid=hours_valid,
        login_url=public_url("auth.login"), session_url=public_url("catalogue.session_page", session_id=training_session.id),
    )


def notify_registration_exists(registration) -> OutboundEmail:
    """Queue the answer to someone asking on the public form to register a person who already is."""
    participant = registration.participant
    training_session = registration.training_session
    return compose(
        participant.email, "registration.exists", "registration_exists", participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, ts=training_session,
        title=_localized_title(training_session, participant.locale),
        session_url=public_url("catalogue.session_page", session_id=training_session.id),
        account_url=public_url("account.home"),
    )


def notify_registration_login_needed(user, training_session) -> OutboundEmail:
    """Queue the answer to a public registration for the address of an account without a participant record
    (staff, or a participant account made before its person registered): nothing was registered."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return compose(
        user.email, "registration.login_needed", "registration_login_needed", locale,
        recipient_name=user.display_name, ts=training_session, title=_localized_title(training_session, locale),
        staff=user.role != "participant", login_url=public_url("auth.login"),
        register_url=public_url("catalogue.register", session_id=training_session.id),
        session_url=public_url("catalogue.session_page", session_id=training_session.id),
    )


def notify_training_cancelled(registration) -> OutboundEmail:
    participant = registration.participant
    training_session = registration.training_session
    return compose(
        participant.email, "training.cancelled", "training_cancelled", participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, ts=training_session,
        title=_localized_title(training_session, participant.locale),
        catalogue_url=public_url("catalogue.index"),
    )


def notify_password_link(user, purpose: str, token: str, hours_valid: int, reason: str | None = None) -> OutboundEmail:
    """Queue the e-mail carrying a set-password or reset-password link.

    ``reason`` words it for what an admin did: ``invite`` (a new account) or ``forced_reset``
    (the password was cleared); None for the participant's account and "forgot my password".
    """
    endpoint = "auth.password_set" if purpose == "set_password" else "auth.password_reset"
    participant = user.participant
    locale = user.locale or (participant.locale if participant else None)
    kind, template = (f"password.{reason}", f"password_{reason}") if reason else (
        f"password.{purpose}", f"password_{purpose.split('_')[0]}")
    return compose(
        user.email, kind, template, locale,
        recipient_name=_name_in(participant, locale) if participant else user.display_name,
        link=public_url(endpoint, token=token), hours_valid=hours_valid,
        login_url=public_url("auth.login"), email=user.email,
    )


def _name_in(participant, locale):
    return participant.name_ar if locale == "ar" and participant.name_ar else participant.name


def _localized_title(training_session, locale):
    if locale == "ar":
        return training_session.title_ar or training_session.title
    return training_session.title or training_session.title_ar


# --- sending -----------------------------------------------------------------------------------

def _remember_committed(session):
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info[_COMMITTED] = [inspect(m).identity[0] for m in queued if inspect(m).identity]


def _deliver_committed(session, transaction):
    """Send once the transaction has ended and given its connection back to the pool.

    Sending from ``after_commit`` would take a second connection while still holding the first;
    under load every request would wait for a connection none of them gives back. Whatever goes
    wrong while sending is the outbox's to retry: the change that was committed stands, and the
    person who made it never sees an error for it.
    """
    if transaction.parent is not None or not has_app_context():
        return
    ids = session.info.pop(_COMMITTED, None)
    if ids:
        from .tasks import send_outbound_emails  # the job wraps this module

        try:
            send_outbound_emails.delay(ids)  # with Redis, the worker sends; without, it is sent here and now
        except Exception:  # the outbox keeps the messages; send-pending tries them again
            current_app.logger.exception("Sending e-mail %s after a commit failed", ids)


def send_after_commit(message: OutboundEmail) -> None:
    """Send a message already in the outbox once the current transaction commits, as a new one is."""
    db.session.info.setdefault(_QUEUED, []).append(message)


def _forget_after_rollback(session, previous_transaction):
    session.info.pop(_QUEUED, None)


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
            current_app.logger.info("E-mail to %s: %s\n%s", message.recipient, message.subject, message.body_text)
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
