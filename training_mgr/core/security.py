"""Request ids, security headers, reverse proxies, the staff idle timeout, token hashing and throttling.

The user loaders (session cookie, API bearer token) are the auth feature's: ``auth/loaders.py``.
"""
import hashlib
import time
import uuid
from functools import wraps

from flask import current_app, flash, g, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import limiter, login_manager
from .clients import client_address


#: session key: when this browser last made a request as staff (Unix seconds), for the idle timeout
LAST_SEEN_KEY = "_last_seen"
#: the last-seen time is written again only when older than this, so the cookie is not rewritten on every request
LAST_SEEN_RESOLUTION = 60
#: roles whose sessions end after STAFF_IDLE_TIMEOUT_MINUTES (as core.permissions.STAFF_ROLES)
IDLE_TIMEOUT_ROLES = ("admin", "officer", "manager")
IDLE_MESSAGE = _l("Your session ended after a period of inactivity. Please log in again.")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_idle_staff_session():
    """End a staff session that made no request for STAFF_IDLE_TIMEOUT_MINUTES (``before_request``).

    The time of the last request is kept in the signed session cookie and refreshed at most once a
    minute. An idle session is logged out in this browser and sent to log in with a message; the API
    then answers 401. Participants' sessions, API tokens and static files are not concerned.
    """
    if request.endpoint == "static" or not current_user.is_authenticated or g.get("api_token_auth"):
        return None
    if current_user.role not in IDLE_TIMEOUT_ROLES:
        return None
    now = int(time.time())
    last_seen = session.get(LAST_SEEN_KEY)
    timeout = int(current_app.config["STAFF_IDLE_TIMEOUT_MINUTES"]) * 60
    if isinstance(last_seen, int) and timeout > 0 and now - last_seen > timeout:
        logout_user()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        if request.path.startswith("/api/"):
            return None
        flash(IDLE_MESSAGE, "info")
        if request.endpoint in ("auth.login", "auth.logout"):
            return None
        return redirect(login_url("auth.login", next_url=request.url if request.method == "GET" else None))
    if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION:
        session[LAST_SEEN_KEY] = now
    return None


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: the app needs none of these browser features; a page that is somehow injected gets none either
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _posted_email_address() -> str:
    """The account a form was posted for, lower-cased: its e-mail field, else the logged-in user's address."""
    email = request.form.get("email") or (current_user.email if current_user.is_authenticated else "")
    return email.strip().lower()


def _posted_email() -> str:
    # a post without any e-mail (refused by the form anyway) shares one counter rather than escaping the limit
    return f"email:{_posted_email_address()}"


def _posted_email_and_address() -> str:
    return f"email:{_posted_email_address()}|address:{client_address()}"


def failed(response) -> bool:
    """A form that comes back (200) was refused; a success redirects."""
    return response.status_code == 200


def count_this_post() -> None:
    """Say that this post got past the form's checks and now acts (takes a seat, sends e-mail): a throttle made
    with ``counts=acted`` counts only such posts."""
    g.throttle_post_acted = True


def acted(response) -> bool:
    return bool(g.get("throttle_post_acted"))


#: the signed cookie naming the accounts that have logged in from this browser (``remember_device``)
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_DAYS = 365
#: accounts remembered per browser, the most recent kept
KNOWN_DEVICE_ACCOUNTS = 5


def _device_serializer():
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _account_mark(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


def _known_accounts() -> list[str]:
    from itsdangerous import BadSignature

    value = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        marks = _device_serializer().loads(value)
    except BadSignature:
        return []
    return [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else []


def is_known_device(email: str | None = None) -> bool:
    """Whether this browser has logged in to the account of ``email`` (default: the posted one) before."""
    email = email if email is not None else _posted_email_address()
    return bool(email) and _account_mark(email) in _known_accounts()


def remember_device(response, email: str) -> None:
    """After a successful log-in: mark this browser as one the account uses (a signed cookie holding a hash of
    the address, for a year), so that the per-account ceiling on failed log-ins never stops it."""
    mark = _account_mark(email)
    marks = [m for m in _known_accounts() if m != mark][-(KNOWN_DEVICE_ACCOUNTS - 1):] + [mark]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE, _device_serializer().dumps(marks), max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True, samesite="Lax",
    )


def throttle_posts(config_prefix: str, failures_only: bool = False, counts=None):
    """Limit a form's POSTs, counted in the storage every worker and server shares (``core.ratelimit``).

    Limits come from the configuration, each optional (unset or empty: not applied):
    ``<prefix>_PER_EMAIL_AND_ADDRESS`` (the posted e-mail, or the logged-in user's, from one client address),
    ``<prefix>_PER_ADDRESS`` (one client address, whatever the e-mail) and ``<prefix>_PER_EMAIL`` (one
    e-mail from every address; a browser that logged in to that account before is exempt from this one
    when ``failures_only``). A post over any of them answers 429.

    ``counts(response) -> bool`` chooses which posts count: ``failed`` (the same as ``failures_only``: only
    refused log-ins, so the rightful user is never held back by their own successes), ``acted`` (only posts
    that got past the form's checks, see ``count_this_post``), or None: every post. A post is counted before
    the view runs — posts arriving together on several workers cannot all slip under a limit — and given back
    afterwards when it turns out not to count, or was refused with 429.
    """
    from flask_limiter.errors import RateLimitExceeded

    from .ratelimit import give_back

    counts = failed if failures_only and counts is None else counts
    scope = config_prefix.lower()
    scopes = []

    def limit(suffix, key_func, exempt=None):
        key = f"{config_prefix}_{suffix}"
        scopes.append(f"{scope}-{suffix.lower()}")
        return limiter.limit(
            lambda: current_app.config.get(key) or "1 per second", key_func=key_func, methods=["POST"],
            scope=scopes[-1], exempt_when=lambda: not current_app.config.get(key) or bool(exempt and exempt()),
        )

    per_pair = limit("PER_EMAIL_AND_ADDRESS", _posted_email_and_address)
    per_address = limit("PER_ADDRESS", client_address)
    per_email = limit("PER_EMAIL", _posted_email, exempt=is_known_device if counts is failed else None)

    def decorator(view):
        limited = per_pair(per_email(per_address(view)))

        @wraps(view)
        def throttled(*args, **kwargs):
            try:
                response = current_app.make_response(limited(*args, **kwargs))
            except RateLimitExceeded:
                give_back(scopes)
                raise
            if counts is not None and request.method == "POST" and not counts(response):
                give_back(scopes)
            return response

        return throttled

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

    app.before_request(end_idle_staff_session)

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
