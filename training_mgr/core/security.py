"""Loading the user (cookie or API bearer token), request ids, security headers, reverse proxies and throttling."""
import hashlib
import uuid
from datetime import timedelta

from flask import current_app, g, request
from flask_login import current_user
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from ..core.db import as_utc, utcnow
from ..extensions import db, limiter, login_manager


#: how stale a token's last_used_at may get before an API request writes it again: it only says roughly
#: when the token was last used, and a busy client would otherwise cost a write and a commit per request
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
    if found.last_used_at is None or as_utc(found.last_used_at) < now - LAST_USED_RESOLUTION:
        found.last_used_at = now
        db.session.commit()
    g.api_token_auth = True
    return found.user


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: the app needs none of these browser features; a page that is somehow injected gets none either
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _posted_email() -> str:
    """The account a form was posted for: its e-mail field, else the logged-in user's address.

    "" when neither: then only the per-address limit applies.
    """
    email = request.form.get("email") or (current_user.email if current_user.is_authenticated else "")
    email = email.strip().lower()
    return f"email:{email}" if email else ""


def _form_shown_again(response) -> bool:
    """A form that comes back (200) was refused; a success redirects."""
    return response.status_code == 200


def throttle_posts(config_prefix: str, failures_only: bool = False):
    """Limit a form's POSTs per posted e-mail and per client address.

    The limits are read from ``<config_prefix>_PER_EMAIL`` and ``<config_prefix>_PER_ADDRESS``.
    With ``failures_only`` only posts that show the form again count, so the rightful user who
    types the password correctly is never held back by their own successes.
    """
    deduct_when = _form_shown_again if failures_only else None
    scope = config_prefix.lower()
    per_email = limiter.limit(
        lambda: current_app.config[f"{config_prefix}_PER_EMAIL"], key_func=_posted_email, methods=["POST"],
        deduct_when=deduct_when, scope=f"{scope}-email",
    )
    per_address = limiter.limit(
        lambda: current_app.config[f"{config_prefix}_PER_ADDRESS"], key_func=get_remote_address, methods=["POST"],
        deduct_when=deduct_when, scope=f"{scope}-address",
    )

    def decorator(view):
        return per_email(per_address(view))

    return decorator


def init_app(app):
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Trust exactly as many X-Forwarded-* hops as there are proxies, so clients cannot forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)

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
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
