"""A bot trap for public forms that needs no third party and no JavaScript: a honeypot and a minimum fill time.

A form mixes in ``BotTrapMixin`` (before its form base class) and its template draws
``bot_trap_fields(form)`` from ``templates/_macros/bottrap.html`` beside ``form.hidden_tag()``:

- the honeypot ``website`` is an ordinary text box that people never meet: moved off screen by CSS, hidden
  from screen readers (aria-hidden), out of the tab order (tabindex -1), never autofilled; its label asks
  anyone who sees it anyway (a browser without CSS) to leave it empty. Scripts that fill every box fill it;
- the hidden ``form_stamp`` holds the time the form was drawn, signed with the app's secret key
  (itsdangerous). A post sooner than ``FORM_MIN_FILL_SECONDS`` after it, or with the stamp missing or
  altered, is a script's: a person needs longer to read and fill in a form.

Both are checked on the server in ``validate``: a trapped post is refused with one neutral message that does
not say which check failed (``TRAPPED``), nothing is saved or sent, and the form comes back filled in with a
fresh stamp, so a person who was merely quick only has to send it again.
"""
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

TRAPPED = _l("Your form could not be sent. Please check your answers and send it again.")
_SALT = "bot-trap.form-stamp"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make_stamp(drawn_at: float | None = None) -> str:
    """The signed stamp of a form drawn at ``drawn_at`` (Unix seconds; default now)."""
    return _serializer().dumps(round(time.time() if drawn_at is None else drawn_at, 1))


def stamp_age(stamp: str | None) -> float | None:
    """Seconds since the stamp's form was drawn; None when the stamp is missing or was not made by this app."""
    if not stamp:
        return None
    try:
        drawn_at = _serializer().loads(stamp)
    except BadSignature:
        return None
    if not isinstance(drawn_at, (int, float)) or isinstance(drawn_at, bool):
        return None
    return time.time() - drawn_at


def looks_scripted(honeypot: str | None, stamp: str | None) -> bool:
    """Whether a post filled the honeypot, or came too soon after its form was drawn, or without a valid stamp.

    ``FORM_MIN_FILL_SECONDS`` of 0 switches the fill-time check off (the honeypot is always checked).
    """
    if honeypot:
        return True
    minimum = float(current_app.config.get("FORM_MIN_FILL_SECONDS") or 0)
    if minimum <= 0:
        return False
    age = stamp_age(stamp)
    return age is None or age < minimum


class StampField(HiddenField):
    """Carries the signed time the form was drawn; always drawn with a fresh stamp, so a form that comes back
    after a refusal starts its clock again."""

    def _value(self):
        return make_stamp()


class BotTrapMixin:
    """The honeypot and the fill-time stamp for a public form (see the module's docstring)."""

    website = StringField(_l("Leave this field empty"))
    form_stamp = StampField()
    #: set by ``validate``: the post was refused as a script's (the view says ``TRAPPED``)
    trapped = False

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.trapped = looks_scripted(self.website.data, self.form_stamp.data)
        return valid and not self.trapped
