"""The signed codes of check-in: a badge's personal code, and the projector's code that changes every 30 seconds.

A badge code is the registration's id signed with the app's secret (itsdangerous, salt "badge"): it tells
which registration it is and nothing else a reader could use, and cannot be made up for another registration. A badge
printed again after the first was lost carries its number too ([id, number]); the first keeps the bare id, so the
badges printed before replacements existed still work, until one is replaced (``models.BadgeReplacement``).
A projector code is signed over (training id, the training's local date, the 30-second window): it is
only good for that training, on that day, during its window and the one before (a phone may take a few seconds
to open it), so a photo of it shared later does not work.
"""
import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..core.urls import public_url
from .models import BadgeReplacement

#: seconds one projector code is shown before the next one replaces it
ROTATION_SECONDS = 30
#: windows a projector code stays good for: its own and the one after it
GRACE_WINDOWS = 1


class BadCode(ValueError):
    """A code that was not made by this app for this purpose (changed, or from somewhere else)."""


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def badge_token(registration_id: int, number: int = 1) -> str:
    """The personal code printed on a registration's badge number ``number`` (1: the first), e.g. ``"MTIz.Wf3…"``
    (about 30 characters)."""
    return _serializer("badge").dumps(registration_id if number == 1 else [registration_id, number])


def badge_of(token: str) -> tuple[int, int]:
    """(registration id, badge number) of a badge code. Raises BadCode for anything not signed by this app."""
    try:
        value = _serializer("badge").loads(token)
    except BadSignature:
        raise BadCode(token) from None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, 1
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and value[1] > 1):
        return value[0], value[1]
    raise BadCode(token)


def registration_id_of(token: str) -> int:
    """The registration id a badge code stands for, whichever its number. Raises BadCode for anything not signed by
    this app."""
    return badge_of(token)[0]


def token_in(text: str) -> str:
    """The badge code inside what a scanner read: the badge's whole link (``…/b/<code>``) or the code alone."""
    text = (text or "").strip()
    return text.rstrip("/").rsplit("/b/", 1)[-1] if "/b/" in text else text


def badge_url(registration_id: int, number: int = 1) -> str:
    """The link in the QR code of the registration's badge number ``number``, under PUBLIC_BASE_URL."""
    return public_url("checkin.badge", token=badge_token(registration_id, number))


def current_window(now: float | None = None) -> int:
    """The number of the 30-second window ``now`` (seconds since the epoch) falls in."""
    return int((time.time() if now is None else now) // ROTATION_SECONDS)


def projector_code(training_id: int, local_date, window: int | None = None) -> str:
    """The projector's code for ``training_id`` on ``local_date`` (the training's date today) in ``window``."""
    return _serializer("self-check-in").dumps([training_id, local_date.isoformat(), current_window() if window is None else window])


def check_projector_code(code: str, training_id: int, local_date, now: float | None = None) -> None:
    """Raise BadCode unless ``code`` is this training's projector code of ``local_date`` and still current."""
    try:
        value = _serializer("self-check-in").loads(code)
        code_training, code_date, window = value
    except (BadSignature, ValueError, TypeError):
        raise BadCode(code) from None
    if code_training != training_id or code_date != local_date.isoformat():
        raise BadCode(code)
    if not 0 <= current_window(now) - int(window) <= GRACE_WINDOWS:
        raise BadCode(code)


def seconds_left(now: float | None = None) -> int:
    """Seconds until the projector's code changes."""
    now = time.time() if now is None else now
    return ROTATION_SECONDS - int(now % ROTATION_SECONDS)


def projector_url(training_id: int, local_date, window: int | None = None) -> str:
    """The link the projector shows as a QR code: the training's self check-in page with the current code."""
    return public_url("checkin.self_check_in", training_id=training_id, code=projector_code(training_id, local_date, window))


def badge_urls(training, registration_ids) -> dict:
    """{registration id: link of its valid badge} for ``registration_ids``: the answer to ``core.signals.badge_links``."""
    return {registration_id: badge_url(registration_id, number)
            for registration_id, number in BadgeReplacement.numbers_of(registration_ids).items()}
