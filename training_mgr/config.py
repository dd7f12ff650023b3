"""Configuration: defaults here, then ``instance/config.py``, then ``TRAINING_MGR_*`` variables.

This is the only module that reads the environment (through ``from_prefixed_env``).
"""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ENV_PREFIX = "TRAINING_MGR"


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # filled in with SQLite in instance/ when unset
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    #: PostgreSQL: longest wait (ms) for a seat or serial-number lock, and for any statement while taking it;
    #: then the user is asked to try again (``core.db.bounded_lock_wait``)
    LOCK_TIMEOUT_MS = 3000
    STATEMENT_TIMEOUT_MS = 5000
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
    #: largest file an officer may attach to an agenda slot as a material (kept in the database); below MAX_CONTENT_LENGTH
    AGENDA_MATERIAL_MAX_BYTES = 10 * 1024 * 1024
    #: largest organisation logo accepted (PNG or JPEG, printed on letterheads)
    ORGANISATION_LOGO_MAX_BYTES = 512 * 1024
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "training-mgr@localhost"
    #: attempts before a message is given up on; with the growing delays, about a day and a half
    MAIL_MAX_ATTEMPTS = 8
    #: the address users reach the app at: the only source of absolute links (e-mails, QR codes, .ics, API next)
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: host names requests may use, others answer 400; a list, or comma-separated in the environment
    #: ("training.example.org, .example.org": a leading dot trusts subdomains). None: loopback names and
    #: the host of PUBLIC_BASE_URL (``trusted_hosts``)
    TRUSTED_HOSTS = None
    #: Redis shared by every app server, e.g. "redis://127.0.0.1:6379/0"; when set, the rate-limit counters live
    #: there (``core.ratelimit``); unset, they live in the database, which every worker and server shares too.
    #: It is also the queue and result store of the background jobs (``core.jobs``), run by `flask worker`;
    #: unset, every job runs at once inside the request or command that asked for it
    REDIS_URL = None
    #: recurring jobs, run by the scheduler (`flask worker` embeds it, or `flask scheduler`): seconds between two
    #: runs, 0 to switch one off. Mail retries every minute (a retried message waits at least 5 minutes anyway) …
    MAIL_SEND_PENDING_EVERY_SECONDS = 60
    #: … seats held past their time to confirm go to the waiting list every 5 minutes …
    HOLD_RELEASE_EVERY_SECONDS = 300
    #: … and the retention rule (RETENTION_YEARS) is applied daily
    RETENTION_EVERY_SECONDS = 24 * 60 * 60
    #: … focal points are reminded of a nomination deadline (NOMINATION_REMINDER_DAYS) hourly
    NOMINATION_REMINDER_EVERY_SECONDS = 60 * 60
    #: … the follow-up surveys that are due, and their reminders, are e-mailed daily (``evaluation.followup``)
    EVALUATION_FOLLOW_UP_EVERY_SECONDS = 24 * 60 * 60
    #: … and sensitive answers to registration questions past their training's retention period are erased daily
    SENSITIVE_ANSWERS_ERASURE_EVERY_SECONDS = 24 * 60 * 60
    #: … the reminders before a training, certificate notices and evaluation links that are due are queued every
    #: 15 minutes (``messages.scheduled``)
    MESSAGES_EVERY_SECONDS = 15 * 60
    #: where the scheduler keeps the time of each job's latest run; None: instance/celerybeat-schedule
    JOB_SCHEDULE_FILE = None
    #: seconds a job taken by a worker may stay unacknowledged before Redis gives it to another worker (the worker
    #: was killed outright). It must be longer than any one job runs, since a job still running then would run twice:
    #: the longest is a programme spreadsheet at a million registrations, 60-80 s measured (a part of 50 certificates
    #: takes a few seconds), so 5 minutes leaves it room on a busy machine. A bulk job of a killed worker comes back
    #: sooner, by JOB_STALLED_AFTER_SECONDS; this is the backstop for the others (e-mail, the recurring jobs)
    JOB_VISIBILITY_TIMEOUT_SECONDS = 5 * 60
    #: bulk jobs (certificates, reports, imports) queued or running with no sign of life for this long (their latest
    #: progress, a part's commit, their taking up or hand-over to the queue) are queued again
    #: (``bulk.services.resume_stalled``: their worker was lost, or Redis lost the job), checked this often … A live
    #: job shows progress every few seconds (a part's commit, each certificate, letter or row; the longest single
    #: step, a PDF report drawn at once, takes seconds), so 2 minutes of silence means its worker is gone; a job
    #: judged stalled wrongly only runs again, which is safe. A job Redis was down for when it was started is handed
    #: over at the first check Redis answers, without this wait
    JOB_STALLED_AFTER_SECONDS = 2 * 60
    JOB_RESUME_EVERY_SECONDS = 60
    #: … and given up, with the reason shown, once taken up this many times
    JOB_MAX_ATTEMPTS = 3
    #: certificates per part of a bulk issue: the parts are rendered side by side by the workers, each committed
    #: with its own count, so a worker lost mid-job costs one part
    CERTIFICATE_PART_SIZE = 50
    #: days a bulk job's file stays downloadable after the job finished; then it is dropped, checked this often (the
    #: record stays, and its page asks to start the job again). 0 keeps the files
    JOB_FILES_KEPT_DAYS = 7
    JOB_FILES_CLEANUP_EVERY_SECONDS = 60 * 60
    #: where the rate-limit counters live; None: chosen by ``core.ratelimit.storage_settings`` (REDIS_URL, else the
    #: database). "memory://" keeps them per process: only for tests and single-process tools
    RATELIMIT_STORAGE_URI = None
    #: false switches every rate limit off: load tests and benchmarks that stand for many users on one address
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    #: while the shared store cannot be reached (Redis down), each worker counts in its own memory rather than
    #: answering 500: the limits hold per worker until the store is back (checked with growing pauses)
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = "training_mgr"
    # Limits are "N per period", several joined by ";" (each must hold). Every limit is counted across all workers
    # and servers; more answer 429 with the time to wait. "Client address" is the connection's, or the one the
    # trusted proxies report (PROXY_COUNT), so many people behind one office NAT share it.
    #: failed log-ins (the form shown again; successes do not count) for one account from one client address:
    #: stops a guesser there without touching the rightful user anywhere else
    LOGIN_FAILURE_LIMIT_PER_EMAIL_AND_ADDRESS = "10 per 15 minutes"
    #: failed log-ins from one client address, whatever the accounts (one password tried on many accounts); an
    #: office of 30 colleagues can each mistype once in a quarter of an hour
    LOGIN_FAILURE_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    #: failed log-ins for one account from all addresses together (many machines guessing one account): looser, and
    #: a growing wait rather than a lock — past 50 failures the account waits out the hour, past 150 the day. A
    #: browser that has logged in to the account before is exempt, so a stranger's guessing never locks the
    #: rightful user out of their usual device
    LOGIN_FAILURE_LIMIT_PER_EMAIL = "50 per hour; 150 per day"
    #: password-reset requests (each may send an e-mail) per e-mail address: enough for a lost message or two,
    #: not enough to flood someone's mailbox
    PASSWORD_RESET_LIMIT_PER_EMAIL = "3 per hour; 10 per day"
    #: password-reset requests per client address: a burst of 5, then 20 an hour for an office behind one address
    PASSWORD_RESET_LIMIT_PER_ADDRESS = "5 per minute; 20 per hour"
    #: online registrations (valid posts of the public form: each may take a seat and send e-mail) per client
    #: address (an IPv6 client counts by its /64). A script from one address gets 5 seats in ten minutes and at
    #: most 20 an hour, while 20 colleagues behind one office NAT registering within the same hour all get
    #: through (more than 5 within ten minutes wait, and the 429 page says how long); the day's 40 still lets one
    #: office fill two trainings in a day
    REGISTRATION_LIMIT_PER_ADDRESS = "5 per 10 minutes; 20 per hour; 40 per day"
    #: online registrations per e-mail address: one person signing up for a few trainings, not a mail bomb
    REGISTRATION_LIMIT_PER_EMAIL = "3 per hour; 10 per day"
    #: certificate verification pages (by code, form or QR scan) per client address: against guessing codes
    VERIFY_LIMIT_PER_ADDRESS = "30 per minute"
    #: public forms (registration, forgotten password) posted sooner than this many seconds after they were drawn
    #: are refused as a bot's (``core.bottrap``); a person needs longer to fill them in. 0 switches the check off
    FORM_MIN_FILL_SECONDS = 3
    #: a public form's stamp is good for this long (a person may leave a form open on a phone for hours) …
    FORM_MAX_AGE_HOURS = 12
    #: … and for this many posts (a double click), so a script that waited once cannot reuse it for a burst
    FORM_STAMP_USES = 2
    API_PER_PAGE = 50
    #: people per page of the attendance grid and of a day's attendance (a phone draws a page at once;
    #: a larger training is paged and searched by name)
    ATTENDANCE_PER_PAGE = 100
    API_MAX_PER_PAGE = 500
    PASSWORD_RESET_HOURS = 48
    #: hours a seat asked for on the public form with an already known e-mail address is held for that
    #: person to confirm by the e-mailed link (or by logging in); then it is released
    REGISTRATION_HOLD_HOURS = 48
    #: staff (admin, officer, manager) sessions end after this many minutes without a request (0: never)
    STAFF_IDLE_TIMEOUT_MINUTES = 480
    CERTIFICATE_SERIAL_PREFIX = "TM"
    #: the product's name in page titles and the navigation bar; a certificate is issued by its training's
    #: organisers, never by the product
    PRODUCT_NAME = "training_mgr"
    #: a focal point who has not been reminded yet is reminded once this many days before the nomination deadline
    NOMINATION_REMINDER_DAYS = 3
    #: years after their latest training ended (or, never registered, after their record was made) that a
    #: participant's details are erased by ``flask participants apply-retention`` (0 or None: never)
    RETENTION_YEARS = 7
    #: busy pages kept drawn (the catalogue, a training's public page, an officer's registrations list and attendance
    #: grid), each until a table it shows is written (``core.pagecache``): in Redis when REDIS_URL is set (shared by
    #: every worker and server), else this many per worker process. 0 turns the cache off
    PAGE_CACHE_ENTRIES = 256
    #: longest a kept page lives, in seconds (pages that depend on the time are drawn afresh every minute anyway)
    PAGE_CACHE_SECONDS = 3600
    #: how many app servers share this database (check-deploy): above 1, or with REDIS_URL set, nothing may be kept
    #: on one machine alone (a generated secret key, SQLite, counters or pages in a process's memory, local files)
    APP_SERVERS = 1


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
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config.get("TRUSTED_HOSTS"), app.config.get("PUBLIC_BASE_URL"))
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


#: host names of a request made on this machine, trusted when TRUSTED_HOSTS is unset. Not "[::1]": Werkzeug 3.1
#: cannot match an IPv6 literal against the list (such a request answers 400 whatever the list says), so
#: check-deploy would claim an address that is refused; use "localhost" (``ops.deploy.unmatchable_hosts``)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def trusted_hosts(value, public_base_url: str | None) -> list[str]:
    """``TRUSTED_HOSTS`` as the list Flask expects.

    ``value``: a list, or a comma-separated string as the environment gives it (Werkzeug would take a
    bare string for a single name and refuse every request).
    None or empty: ``LOOPBACK_HOSTS`` plus the host of ``public_base_url``.
    """
    if isinstance(value, str):
        value = value.split(",")
    hosts = [name.strip().lower() for name in (value or ()) if name and name.strip()]
    if hosts:
        return hosts
    hosts = list(LOOPBACK_HOSTS)
    public_host = urlsplit(public_base_url or "").hostname
    if public_host and public_host not in hosts:
        hosts.append(public_host)
    return hosts


def _instance_secret_key(instance: Path) -> str:
    """Read the generated key kept in instance/, creating it on first start."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()
