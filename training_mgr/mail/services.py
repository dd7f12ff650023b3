"""Outgoing e-mail: queued in the same transaction as its cause, sent over SMTP after the commit.

A message that cannot be sent stays in the outbox and is retried (``flask mail send-pending``);
the registration or certificate that caused it is never lost. With no MAIL_SERVER set, messages
are written to the log instead.
"""
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from ..core.db import as_utc, utcnow
from ..extensions import db
from .models import OutboundEmail


def queue_email(recipient, kind, subject, body_text, body_html=None, locale="en") -> OutboundEmail:
    message = OutboundEmail(
        recipient=recipient, kind=kind, subject=subject, body_text=body_text, body_html=body_html, locale=locale
    )
    db.session.add(message)
    return message


def send_now(message: OutboundEmail) -> bool:
    """Try to deliver one queued message; record the outcome and commit. Returns True when sent."""
    config = current_app.config
    message.attempts += 1
    try:
        if not config.get("MAIL_SERVER"):
            current_app.logger.info("E-mail to %s: %s\n%s", message.recipient, message.subject, message.body_text)
        else:
            _smtp_send(config, message)
    except (OSError, smtplib.SMTPException) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = "failed"
        else:
            message.next_attempt_at = utcnow() + timedelta(minutes=2 ** message.attempts)
        current_app.logger.warning("Sending e-mail %s to %s failed: %s", message.id, message.recipient, exc)
        db.session.commit()
        return False
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return True


def send_pending(limit: int = 100, include_future: bool = False) -> tuple[int, int]:
    """Send queued messages that are due; returns (sent, failed)."""
    query = select(OutboundEmail).where(OutboundEmail.status == "pending").order_by(OutboundEmail.id).limit(limit)
    sent = failed = 0
    now = utcnow()
    for message in db.session.scalars(query).all():
        if not include_future and message.next_attempt_at is not None and as_utc(message.next_attempt_at) > now:
            continue
        if send_now(message):
            sent += 1
        else:
            failed += 1
    return sent, failed


def deliver(messages) -> None:
    """Send messages that were just committed; failures stay queued for retry."""
    for message in messages:
        send_now(message)


def _smtp_send(config, message: OutboundEmail) -> None:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
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


def notify_registration(registration, event: str) -> None:
    """Tell the participant what happened to their registration (placeholder wording until templates land)."""
    participant = registration.participant
    title = registration.training_session.title
    message = queue_email(
        participant.email,
        f"registration.{event}",
        f"{title}: {event}",
        f"Dear {participant.name},\n\nYour registration for {title} is now: {event}.\n",
        locale=participant.locale or "en",
    )
    db.session.commit()
    deliver([message])
