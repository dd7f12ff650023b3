"""Scheduled messages: the reminder before a training, "your certificate is ready", and the evaluation links when a
questionnaire opens. Each goes to a person at most once (``MessageLogEntry.once_key``), never to someone who opted
out (all three are non-essential), and through the outbox.

Run by the recurring job ``messages.tasks.send_due_messages`` (``MESSAGES_EVERY_SECONDS``) or, without Redis,
``flask messages send-due`` from cron; safe to run at any time and any number of times. One commit per training.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..agenda.services import agenda_of
from ..certificates.models import Certificate
from ..core.db import utcnow
from ..core.i18n import fmt_date, localized
from ..core.urls import public_url
from ..evaluation.instruments import personal_url
from ..evaluation.models import Instrument, Respondent
from ..extensions import db
from ..participants.models import Participant
from ..registrations.models import Registration
from ..trainings.models import TrainingSession
from .models import MessageSettings
from .services import already_sent, not_opted_out, send_message

#: a certificate issued longer ago than this is not announced (the job's first run on old data sends nothing)
CERTIFICATE_READY_WITHIN = timedelta(days=14)
#: questionnaires whose opening is announced to each confirmed participant (the follow-up survey has its own e-mails)
ANNOUNCED_INSTRUMENTS = ("pre", "post", "reaction")

SUBJECTS = {
    "training.reminder": _l("Reminder: %(title)s starts on %(start)s"),
    "certificate.ready": _l("Your certificate is ready: %(title)s"),
    "evaluation.open": _l("Please answer the questionnaire: %(title)s"),
}


def send_due_messages(now=None) -> dict[str, int]:
    """Queue every scheduled message due at ``now`` (aware UTC): {kind: messages queued}."""
    now = now or utcnow()
    return {"training.reminder": send_reminders(now), "certificate.ready": send_certificate_notices(now),
            "evaluation.open": send_evaluation_links(now)}


def _confirmed_people(training_id, *extra):
    return db.session.scalars(
        select(Participant).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training_id, Registration.status == "confirmed",
               Participant.erased_at.is_(None), not_opted_out(), *extra)
        .order_by(Participant.id)).all()


def send_reminders(now) -> int:
    """The reminder ``reminder_days`` before a training's first day (in the training's time zone), from that day until
    the training starts, to each confirmed participant not reminded yet, with the days and venue."""
    rows = db.session.execute(
        select(TrainingSession, MessageSettings.reminder_days)
        .join(MessageSettings, MessageSettings.training_id == TrainingSession.id)
        .where(MessageSettings.reminder_days.is_not(None), TrainingSession.status.in_(("open", "closed")),
               TrainingSession.start_date >= (now - timedelta(days=1)).date())).all()
    sent = 0
    for training, days in rows:
        today = now.astimezone(ZoneInfo(training.timezone or "UTC")).date()
        if not training.start_date - timedelta(days=days) <= today <= training.start_date:
            continue
        done = already_sent(training.id, "reminder")
        for person in _confirmed_people(training.id):
            if person.id not in done:
                send_message(person, training, "training.reminder", "messages_reminder",
                             lambda locale, t=training: SUBJECTS["training.reminder"] % {
                                 "title": _title(t, locale), "start": fmt_date(t.start_date, "long")},
                             once_key="reminder", agenda=agenda_of(training),
                             session_url=public_url("catalogue.session_page", training_id=training.id))
                sent += 1
        db.session.commit()
    return sent


def _title(training, locale):
    return localized(training, "title", locale)


def send_certificate_notices(now) -> int:
    """"Your certificate is ready" for each valid certificate issued in the last CERTIFICATE_READY_WITHIN, once."""
    rows = db.session.execute(
        select(Certificate, Registration).join(Registration, Certificate.registration_id == Registration.id)
        .where(Certificate.status == "valid", Certificate.created_at >= now - CERTIFICATE_READY_WITHIN)
        .order_by(Registration.training_id, Certificate.id)).all()
    by_training: dict[int, list] = {}
    for certificate, registration in rows:
        by_training.setdefault(registration.training_id, []).append((certificate, registration))
    sent = 0
    for training_id, pairs in by_training.items():
        training = db.session.get(TrainingSession, training_id)
        wanting = {p.id for p in db.session.scalars(
            select(Participant).where(Participant.id.in_([r.participant_id for _c, r in pairs]),
                                      Participant.erased_at.is_(None), not_opted_out()))}
        for certificate, registration in pairs:
            key = f"certificate:{certificate.id}"
            if registration.participant_id in wanting and registration.participant_id not in already_sent(training_id, key):
                send_message(registration.participant, training, "certificate.ready", "messages_certificate_ready",
                             lambda locale, t=training: SUBJECTS["certificate.ready"] % {"title": _title(t, locale)},
                             once_key=key, certificate=certificate,
                             account_url=public_url("account.home"),
                             verify_url=public_url("certificates.verify", code=certificate.code))
                sent += 1
        db.session.commit()
    return sent


def send_evaluation_links(now) -> int:
    """Each confirmed participant's own link to a pre-test, post-test or reaction survey that is open and has
    questions, once per questionnaire, unless they answered it already."""
    instruments = db.session.scalars(
        select(Instrument).where(Instrument.kind.in_(ANNOUNCED_INSTRUMENTS), Instrument.opens_at <= now,
                                 or_(Instrument.closes_at.is_(None), Instrument.closes_at > now))
        .order_by(Instrument.id)).all()
    sent = 0
    for instrument in instruments:
        if not instrument.items:
            continue
        training = db.session.get(TrainingSession, instrument.training_id)
        key = f"evaluation:{instrument.id}"
        done = already_sent(training.id, key)
        answered = select(Respondent.participant_id).where(Respondent.instrument_id == instrument.id)
        for person in _confirmed_people(training.id, ~Participant.id.in_(answered)):
            if person.id not in done:
                send_message(person, training, "evaluation.open", "messages_evaluation_open",
                             lambda locale, t=training: SUBJECTS["evaluation.open"] % {"title": _title(t, locale)},
                             once_key=key, instrument=instrument, closes_at=instrument.closes_at,
                             survey_url=personal_url(training.id, person.id, instrument.kind))
                sent += 1
        db.session.commit()
    return sent
