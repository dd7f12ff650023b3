"""Rate-limit counters that every worker and every server share, and the one place that chooses where they live.

Flask-Limiter does the limiting (fixed windows; ``extensions.limiter``, the throttles in ``core.security``);
this module gives it a store all processes see, so a limit of 10 means 10 whichever worker or server a
request reaches:

- ``REDIS_URL`` set: the counters live in Redis (``limits``' own Redis storage);
- otherwise: in the app's own database, through ``DatabaseStorage`` (scheme ``trainingdb://``), table
  ``rate_limit_counters``; SQLite and PostgreSQL alike;
- ``RATELIMIT_STORAGE_URI`` set explicitly (e.g. ``memory://``) wins over both: for tests and single-process
  tools only, since each process would keep its own counts.

``RATELIMIT_ENABLED = False`` (``TRAINING_MGR_RATELIMIT_ENABLED=false``) switches every limit off.
"""
import hashlib
import time
from math import ceil

from flask_babel import format_timedelta
from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import limiter
from .pagecache import NOT_DATA

#: expired counters are deleted at most this often by each process (one indexed DELETE)
PURGE_INTERVAL = 60.0

# One statement, atomic on both databases: a new counter starts at ``amount`` with its window's end; an
# existing one whose window has ended starts again; a live one is raised. RETURNING gives the count this
# hit made, so two workers hitting at the same moment see 10 and 11, never 10 twice.
_HIT = text(
    "INSERT INTO rate_limit_counters (counter_key, hits, expires_at) VALUES (:key, :amount, :expires_at) "
    "ON CONFLICT (counter_key) DO UPDATE SET "
    "hits = CASE WHEN rate_limit_counters.expires_at <= :now THEN excluded.hits "
    "ELSE rate_limit_counters.hits + excluded.hits END, "
    "expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN excluded.expires_at "
    "ELSE rate_limit_counters.expires_at END "
    "RETURNING hits"
)
_GET = text("SELECT hits, expires_at FROM rate_limit_counters WHERE counter_key = :key AND expires_at > :now")
_PURGE = text("DELETE FROM rate_limit_counters WHERE expires_at <= :now")


def counter_key(key: str) -> str:
    """The stored name of a counter: the SHA-256 of Flask-Limiter's key, which holds an e-mail or a client
    address; the table keeps neither."""
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """A ``limits`` storage in the app's database (``trainingdb://``; option ``database_uri``).

    One row per counter and window (``core.models.RateLimitCounter``). Every call runs on the storage's own
    engine and commits at once, independently of the request's transaction: a refused log-in rolls its
    own work back but its attempt still counts. Those commits are not data (the connection carries the
    ``NOT_DATA`` option), so the page cache is not emptied by every counted attempt. Times are Unix seconds
    from ``clock`` (the servers' clocks are assumed roughly in step, as for any shared window).
    """

    STORAGE_SCHEME = ["trainingdb"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, database_uri: str | None = None,
                 engine_options: dict | None = None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not database_uri:
            raise ConfigurationError("trainingdb:// needs the database_uri option")
        self.engine = create_engine(database_uri, **(engine_options or {})).execution_options(**{NOT_DATA: True})
        #: the current time in Unix seconds; tests move it on to see a window end
        self.clock = time.time
        self._next_purge = 0.0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the counter, starting a window of ``expiry`` seconds when none is running;
        returns the count after this hit."""
        now = self.clock()
        with self.engine.begin() as connection:
            hits = connection.execute(
                _HIT, {"key": counter_key(key), "amount": amount, "expires_at": now + expiry, "now": now},
            ).scalar_one()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_INTERVAL
            self._purge(now)
        return int(hits)

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When the counter's window ends (Unix seconds); now when no window is running."""
        row = self._row(key)
        return float(row[1]) if row else self.clock()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int:
        with self.engine.begin() as connection:
            return connection.execute(text("DELETE FROM rate_limit_counters")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limit_counters WHERE counter_key = :key"),
                               {"key": counter_key(key)})

    def _row(self, key):
        with self.engine.connect() as connection:
            return connection.execute(_GET, {"key": counter_key(key), "now": self.clock()}).first()

    def _purge(self, now: float) -> None:
        """Delete counters whose window has ended, in a transaction of its own; a failure only delays it."""
        try:
            with self.engine.begin() as connection:
                connection.execute(_PURGE, {"now": now})
        except SQLAlchemyError:
            pass  # e.g. two purges meeting on PostgreSQL: the next one cleans up


def storage_settings(config) -> tuple[str, dict]:
    """Where the counters live, from the configuration: (storage URI, options for the storage).

    ``RATELIMIT_STORAGE_URI`` when set; else ``REDIS_URL``; else the app's database (``trainingdb://``).
    """
    explicit = config.get("RATELIMIT_STORAGE_URI")
    if explicit:
        return explicit, {}
    if config.get("REDIS_URL"):
        return config["REDIS_URL"], {}
    return "trainingdb://", {
        "database_uri": config["SQLALCHEMY_DATABASE_URI"],
        "engine_options": {"pool_pre_ping": True},
    }


def init_app(app) -> None:
    """Choose the store and bind the limiter to the app (a no-op when ``RATELIMIT_ENABLED`` is false)."""
    uri, options = storage_settings(app.config)
    app.config["RATELIMIT_STORAGE_URI"] = uri
    app.config["RATELIMIT_STORAGE_OPTIONS"] = options
    # The limiter is one object for every app made in this process (tests make many): it merges each app's
    # storage options into the previous ones, which a different store would not accept, and a store that
    # failed before is not the one made now.
    limiter._storage_options = {}
    limiter._storage_dead = False
    limiter.init_app(app)


def give_back(scopes) -> None:
    """Undo this request's hits on the limits whose scope ends with one of ``scopes``.

    The throttles count a post before its view runs, so that posts at the same moment on different workers
    cannot all slip under a limit together; a post that turns out not to be one the limit counts (or was
    refused) is given back here. Never below zero.
    """
    if not limiter.enabled:
        return
    storage = limiter.limiter.storage  # the shared store, or the in-memory fallback while it is unreachable
    for request_limit in limiter.current_limits:
        scope = request_limit.request_args[-1]
        if any(scope == name or scope.endswith(":" + name) for name in scopes) and storage.get(request_limit.key) > 0:
            storage.incr(request_limit.key, request_limit.limit.get_expiry(), amount=-1)


def retry_in() -> str | None:
    """When the limit that refused this request lets it through again, in words of the reader's language
    ("in 12 minutes"); None when unknown."""
    current = limiter.current_limit if limiter.enabled else None
    if current is None:
        return None
    try:
        seconds = max(1, ceil(current.reset_at - time.time()))
    except Exception:  # the store went away meanwhile: the page says "a few minutes"
        return None
    return format_timedelta(seconds, add_direction=True)
