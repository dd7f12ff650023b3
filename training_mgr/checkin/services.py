"""Check-in rules: who a badge is, marking a scanned or self-checked-in person present for today."""
from flask import session as browser_session

from ..extensions import db
from .tokens import BadCode, registration_id_of, token_in

#: where a phone that opened a badge's personal link keeps that badge, so its owner can check in from it
BADGE_KEY = "checkin_badge"


def registration_of_badge(text: str):
    """The registration a badge's code (or the whole link a scanner read) stands for, or None."""
    from ..registrations.models import Registration

    try:
        registration_id = registration_id_of(token_in(text))
    except BadCode:
        return None
    return db.session.get(Registration, registration_id)


def remember_badge(token: str) -> None:
    """Keep the badge in this browser's session: the person can then check in from this phone without an account."""
    browser_session[BADGE_KEY] = token
