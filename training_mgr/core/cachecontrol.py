"""``Cache-Control: no-store`` on every answer that may hold personal data.

A shared proxy or the browser's back button must never hand one person's page to another, nor keep it
on a shared computer after logging out. The rule is deliberately simple, so that no page can forget it:
every answer to a logged-in user or an API caller with a token, and every answer that carries or sets
the session cookie (which may hold a log-in, a CSRF token or a flashed message), is ``no-store``. Only
static files and answers to anonymous visitors without a session (the public catalogue, a training's
public page, /healthz) keep their default caching.

This is about HTTP caches only; the app's own page cache (``core.pagecache``) keeps pages per user and
state of the data, and sets this header through the same hook on every page it serves.
"""
from flask import current_app, g, request, session

NO_STORE = "no-store"


def is_private(response) -> bool:
    """True when ``response`` may hold personal data or the session (see the module's rule).

    Reads no database: the user is looked at only when already loaded for this request.
    """
    if request.endpoint == "static":
        return False
    if request.authorization is not None or g.get("api_token_auth"):
        return True
    user = g.get("_login_user")  # Flask-Login's user of this request, when it was loaded
    if user is not None and user.is_authenticated:
        return True
    cookie_names = (current_app.config["SESSION_COOKIE_NAME"], current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    if any(name in request.cookies for name in cookie_names):
        return True
    # the session cookie is written after this hook: a changed session says it will be; other cookies show already
    return session.modified or "Set-Cookie" in response.headers


def no_store_when_private(response):
    """``after_request``: mark a private answer ``no-store`` (kept as it is when it says so already)."""
    if is_private(response) and NO_STORE not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = NO_STORE
    return response


def init_app(app):
    app.after_request(no_store_when_private)
