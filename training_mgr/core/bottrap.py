"""A bot trap for public forms that needs no third party and no JavaScript: a honeypot and a minimum fill time.

A form mixes in ``BotTrapMixin`` (before its form base class) and its template draws
``bot_trap_fields(form)`` from ``templates/_macros/bottrap.html`` beside ``form.hidden_tag()``:

- the honeypot ``website`` is an ordinary text box that people never meet: moved off screen by CSS, hidden
  from screen readers (aria-hidden), out of the tab order (tabindex -1), never autofilled; its label asks
  anyone who sees it anyway (a browser without CSS) to leave it empty. Scripts that fill every box fill it;
- the hidden ``form_stamp`` holds the time the form was drawn and a random nonce, signed with the app's
  secret key (itsdangerous). A post sooner than ``FORM_MIN_FILL_SECONDS`` after it, later than
  ``FORM_MAX_AGE_HOURS``, or with the stamp missing or altered, is a script's: a person needs longer to read
  and fill in a form, and a script that waited once must not reuse that stamp for a burst of posts. So each
  stamp is good for ``FORM_STAMP_USES`` posts (a double click), counted in the rate limits' shared store.

Both are checked on the server in ``validate``: a trapped post is refused with one neutral message that does
not say which check failed (``TRAPPED``), nothing is saved or sent, and the form comes back filled in with a
fresh stamp, so a person who was merely quick only has to send it again.
"""
import secrets
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

from ..extensions import limiter

TRAPPED = _l("Your form could not be sent. Please check your answers and send it again.")
_SALT = "bot-trap.form-stamp"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make_stamp(drawn_at: float | None = None) -> str:
    """The signed stamp of a form drawn at ``drawn_at`` (Unix seconds; default now), with a nonce of its own."""
    return _serializer().dumps([round(time.time() if drawn_at is None else drawn_at, 1), secrets.token_hex(8)])


def _read_stamp(stamp: str | None) -> tuple[float, str] | None:
    """(when the form was drawn, its nonce); None when the stamp is missing or was not made by this app."""
    if not stamp:
        return None
    try:
        value = _serializer().loads(stamp)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)):
        return None
    drawn_at = value[0]
    if not isinstance(drawn_at, (int, float)) or isinstance(drawn_at, bool):
        return None
    return drawn_at, value[1]


def stamp_age(stamp: str | None) -> float | None:
    """Seconds since the stamp's form was drawn; None when the stamp is missing or was not made by this app."""
    read = _read_stamp(stamp)
    return None if read is None else time.time() - read[0]


def _used_too_often(nonce: str) -> bool:
    """Count one post of the stamp ``nonce``; True past ``FORM_STAMP_USES``. Counted in the shared store of the
    rate limits (``core.ratelimit``), so a stamp reused on several workers at once is counted once per post;
    nothing is counted while rate limits are switched off."""
    if not limiter.enabled:
        return False
    hours = float(current_app.config["FORM_MAX_AGE_HOURS"])
    uses = limiter.limiter.storage.incr(f"form-stamp/{nonce}", int(hours * 3600) + 60)
    return uses > int(current_app.config["FORM_STAMP_USES"])


def looks_scripted(honeypot: str | None, stamp: str | None) -> bool:
    """Whether a post filled the honeypot, or came too soon or too late after its form was drawn, or without a
    valid stamp, or with a stamp already used ``FORM_STAMP_USES`` times.

    ``FORM_MIN_FILL_SECONDS`` of 0 switches the stamp's checks off (the honeypot is always checked).
    """
    if honeypot:
        return True
    minimum = float(current_app.config.get("FORM_MIN_FILL_SECONDS") or 0)
    if minimum <= 0:
        return False
    read = _read_stamp(stamp)
    if read is None:
        return True
    age = time.time() - read[0]
    if age < minimum or age > float(current_app.config["FORM_MAX_AGE_HOURS"]) * 3600:
        return True
    return _used_too_often(read[1])


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
