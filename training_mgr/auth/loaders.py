"""Who is making a request: Flask-Login's loaders for the session cookie and for an API bearer token.

``init_app`` registers them on the shared ``login_manager`` (called from ``create_app``).
"""
from datetime import timedelta

from flask import g
from sqlalchemy import select

from ..core.db import as_utc, utcnow
from ..core.security import hash_token
from ..extensions import db, login_manager
from .models import ApiToken, User

#: how stale a token's last_used_at may get before an API request writes it again: it only says roughly
#: when the token was last used, and a busy client would otherwise cost a write and a commit per request
LAST_USED_RESOLUTION = timedelta(minutes=1)


def load_user(user_id: str):
    uid, _, version = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active or str(user.session_version) != version:
        return None  # deactivated, or logged out, or the password changed since this cookie was made
    g.credentials_version = user.credentials_version  # as the request began: a token it makes carries it
    return user


def load_user_from_bearer(req):
    """``Authorization: Bearer <token>`` authenticates the read API only."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer "):].strip()
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if found is None or found.revoked_at is not None or not found.user.active:
        return None
    if found.credentials_version < found.user.credentials_version:
        return None  # made by a request under way while the password changed or the account was closed
    if found.expires_at is not None and as_utc(found.expires_at) < now:
        return None
    if found.last_used_at is None or as_utc(found.last_used_at) < now - LAST_USED_RESOLUTION:
        found.last_used_at = now
        db.session.commit()
    g.api_token_auth = True
    return found.user


def init_app(app):
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_bearer)
