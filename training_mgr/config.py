"""Configuration: defaults here, then ``instance/config.py``, then ``TRAINING_MGR_*`` variables.

This is the only module that reads the environment (through ``from_prefixed_env``).
"""
import os
import secrets
from pathlib import Path

ENV_PREFIX = "TRAINING_MGR"


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # filled in with SQLite in instance/ when unset
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "ar")
    #: time zone a training's times are shown in unless it sets its own
    DEFAULT_TRAINING_TIMEZONE = "Asia/Baghdad"
    #: "https" when users reach the app over HTTPS (usually through a TLS reverse proxy)
    PREFERRED_URL_SCHEME = "http"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: None: Secure exactly when PREFERRED_URL_SCHEME is "https"
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port are trusted (0: none)
    PROXY_COUNT = 0
    #: gunicorn worker processes and threads per worker (gunicorn_conf.py, check-deploy); the pages are
    #: CPU-bound Python, so one thread per worker and a worker per core (+1) serve most (docs/performance.md)
    WEB_CONCURRENCY = 3
    WEB_THREADS = 1
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    #: largest spreadsheet or PDF upload accepted, checked before parsing
    MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "training-mgr@localhost"
    #: attempts before a message is given up on; with the growing delays, about a day and a half
    MAIL_MAX_ATTEMPTS = 8
    #: base URL used in e-mails, QR codes and API links when no request is active
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: shared by every worker and server in production, e.g. "redis://127.0.0.1:6379"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    #: failed log-ins allowed per e-mail address, and per client address, before 429
    LOGIN_FAILURE_LIMIT_PER_EMAIL = "10 per 15 minutes"
    LOGIN_FAILURE_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    #: password-reset requests allowed per e-mail address, and per client address
    PASSWORD_RESET_LIMIT_PER_EMAIL = "5 per hour"
    PASSWORD_RESET_LIMIT_PER_ADDRESS = "20 per hour"
    API_PER_PAGE = 50
    API_MAX_PER_PAGE = 500
    PASSWORD_RESET_HOURS = 48
    CERTIFICATE_SERIAL_PREFIX = "TM"
    #: officers' long pages kept per worker process until the next write to the database (0: none)
    PAGE_CACHE_ENTRIES = 256


def load_config(app, overrides=None):
    """Apply defaults, instance file, environment and explicit overrides, in that order."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'training_mgr.sqlite'}"
    # the flask command resets app.debug to FLASK_DEBUG; check-deploy needs what a server would run with
    app.config["DEBUG_CONFIGURED"] = bool(app.config.get("DEBUG"))
    https = app.config.get("PREFERRED_URL_SCHEME") == "https"
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key) is None:
            app.config[key] = https
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(instance)
        app.config["SECRET_KEY_GENERATED"] = True
    return app.config


def _instance_secret_key(instance: Path) -> str:
    """Read the generated key kept in instance/, creating it on first start."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()
