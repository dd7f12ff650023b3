"""Loading the user (cookie or API bearer token), request ids and security headers."""
import hashlib
import uuid

from flask import g, request
from sqlalchemy import select

from ..core.db import as_utc, utcnow
from ..extensions import db, login_manager


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.user_loader
def load_user(user_id: str):
    from ..auth.models import User

    uid, _, version = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or str(user.session_version) != version:
        return None  # the password changed since this cookie was made
    return user


@login_manager.request_loader
def load_user_from_bearer(req):
    """``Authorization: Bearer <token>`` authenticates the read API only."""
    from ..auth.models import ApiToken

    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer "):].strip()
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if found is None or found.revoked_at is not None or not found.user.active:
        return None
    if found.expires_at is not None and as_utc(found.expires_at) < now:
        return None
    found.last_used_at = now
    db.session.commit()
    g.api_token_auth = True
    return found.user


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app):
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to open this page.")
    login_manager.login_message_category = "info"

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:12]

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
