"""Follow-up survey e-mails: ``follow_up_months`` after a training's last day every confirmed participant who has
not answered is e-mailed a personal link, and reminded once a week later (issue "Evaluation", level 3).

Run by the recurring job ``evaluation.tasks.send_follow_up_surveys`` (``EVALUATION_FOLLOW_UP_EVERY_SECONDS``) or
``flask evaluation send-follow-ups``; safe to run at any time and any number of times: an instrument's
``invited_at`` and ``reminded_at`` record what was sent, in the same commit as the messages (the outbox).
"""
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.db import as_utc, utcnow
from ..core.i18n import localized, text_direction
from ..extensions import db
from ..mail.services import queue_email
from ..participants.models import Participant
from ..registrations.models import Registration
from ..trainings.models import TrainingSession
from .instruments import follow_up_due_on, personal_url
from .models import Instrument, Respondent

#: a reminder goes this long after the invitation
REMINDER_AFTER = timedelta(days=7)
#: a follow-up survey opened by the invitations stays open this long
OPEN_FOR = timedelta(days=30)
SUBJECTS = {"invitation": _l("Three questions on how you used your training: %(title)s"),
            "reminder": _l("Reminder: how did you use your training? %(title)s")}


def send_follow_up_surveys(now=None) -> tuple[int, int]:
    """Invite (and a week later remind) the participants of every completed training whose follow-up survey is
    due; returns (invitations, reminders) queued. One commit per training."""
    now = now or utcnow()
    instruments = db.session.scalars(
        select(Instrument).join(TrainingSession, Instrument.training_id == TrainingSession.id)
        .where(Instrument.kind == "follow_up", TrainingSession.status == "completed",
               Instrument.reminded_at.is_(None))
        .options(selectinload(Instrument.training))).all()
    invited = reminded = 0
    for instrument in instruments:
        training = instrument.training
        due = follow_up_due_on(training, instrument)
        if instrument.invited_at is None and due is not None and due <= now.date():
            if instrument.opens_at is None or as_utc(instrument.opens_at) > now:
                instrument.opens_at = now
            if instrument.closes_at is None or as_utc(instrument.closes_at) < now + OPEN_FOR:
                instrument.closes_at = now + OPEN_FOR
            invited += _mail_everyone_waited_for(instrument, training, "invitation")
            instrument.invited_at = now
            db.session.commit()
        elif instrument.invited_at is not None and as_utc(instrument.invited_at) + REMINDER_AFTER <= now:
            if instrument.is_open(now):
                reminded += _mail_everyone_waited_for(instrument, training, "reminder")
            instrument.reminded_at = now
            db.session.commit()
    return invited, reminded


def _mail_everyone_waited_for(instrument, training, kind) -> int:
    people = db.session.scalars(
        select(Participant).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training.id, Registration.status == "confirmed",
               Participant.erased_at.is_(None),
               ~Participant.id.in_(select(Respondent.participant_id).where(Respondent.instrument_id == instrument.id)))
        .order_by(Participant.id)).all()
    for person in people:
        _compose(person, training, instrument, kind)
    return len(people)


def _compose(person, training, instrument, kind) -> None:
    locale = person.locale if person.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        title = localized(training, "title", locale)
        subject = str(SUBJECTS[kind]) % {"title": title}
        context = {"lang": locale, "dir": text_direction(locale), "subject": subject, "title": title,
                   "recipient_name": localized(person, "name", locale), "kind": kind,
                   "survey_url": personal_url(training.id, person.id, "follow_up"),
                   "closes_on": as_utc(instrument.closes_at).date() if instrument.closes_at else None}
        body_text = render_template("mail/evaluation_follow_up.txt", **context)
        body_html = render_template("mail/evaluation_follow_up.html", **context)
    queue_email(person.email, f"evaluation.follow_up_{kind}", subject, body_text, body_html, locale=locale)
