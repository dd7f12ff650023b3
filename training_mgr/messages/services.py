"""Messages to a training's participants: sending one to a person (rendered in their language, queued in the outbox
and logged), an officer's message to a filtered set, the reminder setting, and opting out of non-essential messages.

Non-essential messages (scheduled reminders, "certificate ready", evaluation links, an officer's message not marked
essential) are not sent to a person who opted out, and each carries a link to opt out (rule of issue "Before the
training", item 5).
"""
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from ..audit.services import record
from ..core.domain import DomainError
from ..core.i18n import localized, text_direction
from ..core.text import one_line
from ..core.urls import public_url
from ..extensions import db
from ..mail.services import queue_email
from ..participants.models import Participant
from ..registrations.models import REGISTRATION_STATUSES, Registration
from .models import MessageLogEntry, MessageOptOut, MessageSettings

#: longest reminder lead time an officer may set, in days
MAX_REMINDER_DAYS = 60


class NoRecipients(DomainError):
    """No one matches an officer's filters (or all who do opted out): nothing is sent."""


# --- one message to one person ---------------------------------------------------------------------------------

def locale_of(person) -> str:
    """The language a person is written to: their own, if the app offers it, else the default."""
    config = current_app.config
    return person.locale if person.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def send_message(person, training, kind: str, template: str, subject, *, once_key=None, essential=False,
                 sent_by=None, **context) -> MessageLogEntry:
    """Render ``templates/mail/<template>.txt``/``.html`` in the person's language, queue it in the outbox and log it
    (the caller commits). ``subject``: a function of the locale giving the subject line. A non-essential message
    carries the person's opt-out link (``opt_out_url`` in the templates); the caller leaves out people who opted out."""
    locale = locale_of(person)
    with force_locale(locale):
        title = localized(training, "title", locale)
        text_subject = one_line(str(subject(locale)))
        context.update(lang=locale, dir=text_direction(locale), subject=text_subject, title=title, training=training,
                       recipient_name=localized(person, "name", locale),
                       opt_out_url=None if essential else opt_out_url(person.id))
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = render_template(f"mail/{template}.html", **context)
    email = queue_email(person.email, kind, text_subject, body_text, body_html, locale=locale)
    entry = MessageLogEntry(participant_id=person.id, training_id=training.id, kind=kind, once_key=once_key,
                            subject=email.subject, email=email, sent_by_id=getattr(sent_by, "id", None))
    db.session.add(entry)
    return entry


def already_sent(training_id: int, once_key: str) -> set[int]:
    """Ids of the people already sent the message ``once_key`` of a training."""
    return set(db.session.scalars(select(MessageLogEntry.participant_id).where(
        MessageLogEntry.training_id == training_id, MessageLogEntry.once_key == once_key)))


def log_of(registration) -> list[MessageLogEntry]:
    """The messages a registration's person was sent about its training, newest first (their registration page)."""
    return db.session.scalars(
        select(MessageLogEntry).where(MessageLogEntry.participant_id == registration.participant_id,
                                      MessageLogEntry.training_id == registration.training_id)
        .order_by(MessageLogEntry.created_at.desc(), MessageLogEntry.id.desc())).all()


def training_log(training, limit: int = 50) -> list[tuple[str, str, int, object]]:
    """A training's messages grouped by subject and kind, newest first: [(kind, subject, people, last sent at)]."""
    rows = db.session.execute(
        select(MessageLogEntry.kind, MessageLogEntry.subject, func.count(), func.max(MessageLogEntry.created_at))
        .where(MessageLogEntry.training_id == training.id)
        .group_by(MessageLogEntry.kind, MessageLogEntry.subject)
        .order_by(func.max(MessageLogEntry.created_at).desc()).limit(limit)).all()
    return [tuple(row) for row in rows]


# --- opting out --------------------------------------------------------------------------------------------------

def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="messages-opt-out")


def opt_out_token(participant_id: int) -> str:
    """The signed token of a person's opt-out link; it never expires (the person may opt in again on their account)."""
    return _serializer().dumps(participant_id)


def opt_out_url(participant_id: int) -> str:
    """The absolute address, printed in each non-essential message, where its reader stops them (no log-in)."""
    return public_url("messages.opt_out", token=opt_out_token(participant_id))


def participant_of_token(token: str):
    """The person an opt-out link was made for; None when the token is not genuine or the person is gone."""
    try:
        participant_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    person = db.session.get(Participant, participant_id) if isinstance(participant_id, int) else None
    return person if person is not None and person.erased_at is None else None


def has_opted_out(participant_id: int) -> bool:
    return db.session.get(MessageOptOut, participant_id) is not None


def set_opted_out(person, opted_out: bool) -> None:
    """Record (or withdraw) a person's wish for no non-essential messages, and commit."""
    current = db.session.get(MessageOptOut, person.id)
    if opted_out and current is None:
        db.session.add(MessageOptOut(participant_id=person.id))
    elif not opted_out and current is not None:
        db.session.delete(current)
    db.session.commit()


def not_opted_out():
    """SQL condition on Participant: the person has not opted out of non-essential messages."""
    return ~select(MessageOptOut.participant_id).where(MessageOptOut.participant_id == Participant.id).exists()


# --- the reminder setting ----------------------------------------------------------------------------------------

def reminder_days_of(training) -> int | None:
    settings = db.session.get(MessageSettings, training.id)
    return settings.reminder_days if settings else None


def set_reminder_days(training, days: int | None, *, by_user) -> None:
    """Schedule the reminder to confirmed participants ``days`` days before the first day (None: no reminder);
    0..MAX_REMINDER_DAYS; commit."""
    if days is not None and not 0 <= days <= MAX_REMINDER_DAYS:
        raise DomainError(_("Choose between 0 and %(max)d days.", max=MAX_REMINDER_DAYS), field="reminder_days")
    settings = db.session.get(MessageSettings, training.id) or MessageSettings(training_id=training.id)
    old = settings.reminder_days
    settings.reminder_days = days
    db.session.add(settings)
    record(by_user, "messages.reminders", training, "Reminder schedule changed",
           {"reminder_days": [old, days]}, training_id=training.id, details={})
    db.session.commit()


# --- an officer's message to a filtered set ------------------------------------------------------------------------

@dataclass(frozen=True)
class Audience:
    """Who an officer writes to: registrations of the training in ``statuses``, optionally of one organisation and
    one sex."""

    statuses: tuple[str, ...] = ("confirmed",)
    organisation_id: int | None = None
    sex: str | None = None

    @classmethod
    def from_form(cls, form) -> "Audience":
        return cls(statuses=tuple(s for s in form.statuses.data if s in REGISTRATION_STATUSES),
                   organisation_id=form.organisation_id.data or None, sex=form.sex.data or None)


@dataclass(frozen=True)
class OfficerMessage:
    """An officer's message, in English and Arabic (plain text); ``essential`` goes also to those who opted out."""

    subject: str
    body: str
    subject_ar: str
    body_ar: str
    essential: bool = False

    @classmethod
    def from_form(cls, form) -> "OfficerMessage":
        return cls(subject=form.subject.data.strip(), body=form.body.data.strip(), subject_ar=form.subject_ar.data.strip(),
                   body_ar=form.body_ar.data.strip(), essential=bool(form.essential.data))

    def subject_in(self, locale: str) -> str:
        return self.subject_ar if locale == "ar" else self.subject

    def body_in(self, locale: str) -> str:
        return self.body_ar if locale == "ar" else self.body


def _audience_query(training, audience: Audience):
    query = (select(Participant).join(Registration, Registration.participant_id == Participant.id)
             .where(Registration.training_id == training.id, Registration.status.in_(audience.statuses or ("",)),
                    Participant.erased_at.is_(None)))
    if audience.organisation_id:
        query = query.where(Participant.organisation_id == audience.organisation_id)
    if audience.sex:
        query = query.where(Participant.sex == audience.sex)
    return query


def recipients(training, audience: Audience, *, essential: bool = False) -> list:
    """The people an officer's message reaches, by id: ``audience`` less those who opted out (unless essential)."""
    query = _audience_query(training, audience)
    if not essential:
        query = query.where(not_opted_out())
    return db.session.scalars(query.order_by(Participant.id)).all()


def count_opted_out(training, audience: Audience) -> int:
    """How many of ``audience`` opted out of non-essential messages (the preview says so)."""
    query = _audience_query(training, audience).where(~not_opted_out())
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def preview(training, audience: Audience, message: OfficerMessage) -> dict:
    """What the officer sees before sending: {count, opted_out, samples: [(locale, subject, body)]}, where the samples
    are the message in each language a recipient reads it in (English first)."""
    people = recipients(training, audience, essential=message.essential)
    locales = sorted({locale_of(p) for p in people}, key=lambda code: code != "en")
    return {"count": len(people), "opted_out": 0 if message.essential else count_opted_out(training, audience),
            "samples": [(code, message.subject_in(code), message.body_in(code)) for code in locales]}


def send_officer_message(training, audience: Audience, message: OfficerMessage, *, by_user) -> int:
    """Queue ``message`` to each recipient in their language, log it per person, and commit; returns how many.
    Raises NoRecipients (nothing sent) when no one matches."""
    people = recipients(training, audience, essential=message.essential)
    if not people:
        raise NoRecipients(_("No one matches these filters: the message was not sent."))
    for person in people:
        send_message(person, training, "officer.message", "officer_message",
                     lambda locale: message.subject_in(locale), essential=message.essential, sent_by=by_user,
                     message_body=message.body_in(locale_of(person)))
    record(by_user, "messages.send", training, f"Message sent to {len(people)} people: {message.subject}",
           {"statuses": list(audience.statuses), "organisation_id": audience.organisation_id, "sex": audience.sex,
            "essential": message.essential}, training_id=training.id,
           details={"count": len(people), "subject": message.subject})
    db.session.commit()
    return len(people)
