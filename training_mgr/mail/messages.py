"""What the e-mails say: one function per kind of message, each rendering ``templates/mail/<name>.txt`` and
``.html`` in the recipient's language and queueing the result in the outbox (``mail.services.queue_email``),
which sends it after the commit."""
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..core.i18n import text_direction
from ..core.urls import public_url
from .models import OutboundEmail
from .services import queue_email

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
    "nomination.invitation": _l("Please nominate officials: %(title)s"),
    "nomination.reminder": _l("Nomination deadline soon: %(title)s"),
    "nomination.nominee": _l("You were nominated: %(title)s"),
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
    training = registration.training
    return compose(
        participant.email, f"registration.{'received' if event == 'pending' else event}",
        REGISTRATION_TEMPLATES[event], participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, training=training,
        title=_localized_title(training, participant.locale),
        session_url=public_url("catalogue.session_page", training_id=training.id),
        account_url=public_url("account.home"),
    )


def notify_registration_held(registration, token: str, hours_valid: int) -> OutboundEmail:
    """Queue the e-mail with the one-time link that confirms a held registration (``registrations.holds``)."""
    participant = registration.participant
    training = registration.training
    return compose(
        participant.email, "registration.held", "registration_held", participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, training=training,
        title=_localized_title(training, participant.locale),
        link=public_url("catalogue.confirm_registration", token=token), hours_valid=hours_valid,
        login_url=public_url("auth.login"), session_url=public_url("catalogue.session_page", training_id=training.id),
    )


def notify_registration_exists(registration) -> OutboundEmail:
    """Queue the answer to someone asking on the public form to register a person who already is."""
    participant = registration.participant
    training = registration.training
    return compose(
        participant.email, "registration.exists", "registration_exists", participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, training=training,
        title=_localized_title(training, participant.locale),
        session_url=public_url("catalogue.session_page", training_id=training.id),
        account_url=public_url("account.home"),
    )


def notify_registration_login_needed(user, training) -> OutboundEmail:
    """Queue the answer to a public registration for the address of an account without a participant record
    (staff, or a participant account made before its person registered): nothing was registered."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return compose(
        user.email, "registration.login_needed", "registration_login_needed", locale,
        recipient_name=user.display_name, training=training, title=_localized_title(training, locale),
        staff=user.role != "participant", login_url=public_url("auth.login"),
        register_url=public_url("catalogue.register", training_id=training.id),
        session_url=public_url("catalogue.session_page", training_id=training.id),
    )


def notify_training_cancelled(registration) -> OutboundEmail:
    participant = registration.participant
    training = registration.training
    return compose(
        participant.email, "training.cancelled", "training_cancelled", participant.locale,
        recipient_name=_name_in(participant, participant.locale), registration=registration, training=training,
        title=_localized_title(training, participant.locale),
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


def _localized_title(training, locale):
    if locale == "ar":
        return training.title_ar or training.title
    return training.title or training.title_ar


# --- sending -----------------------------------------------------------------------------------
