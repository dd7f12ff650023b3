"""Small helpers shared by the models of every feature, and bounded waits for row locks."""
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, CheckConstraint, event, text
from sqlalchemy.exc import OperationalError

#: what a user is told when a lock could not be had in time; shown with HTTP 503 (``core.errors``)
BUSY_MESSAGE = _l("This training is busy, please try again in a moment.")
#: PostgreSQL gave up waiting: lock_not_available (lock_timeout) and query_canceled (statement_timeout)
_GAVE_UP_SQLSTATES = ("55P03", "57014")


class Busy(RuntimeError):
    """A lock stayed taken longer than the configured wait; nothing was written. ``str()`` is for the user."""

    def __init__(self, message=BUSY_MESSAGE):
        super().__init__(str(message))


#: a PostgreSQL setting that a bulk load sets for its transaction (``defer_kept_counts``): the triggers that keep the
#: reports' counts of people (``reports.tallies``, ``evaluation.tallies``) then leave its rows, and the load has them
#: counted in one go before it commits. Inside one long transaction the tables grow unanalysed, so recounting
#: thousands of people at each batch would be planned from stale statistics.
KEPT_COUNTS_DEFERRED = "training_mgr.kept_counts_deferred"
#: the first lines of such a trigger's PL/pgSQL function: nothing to do while a bulk load defers the counts
SKIP_WHILE_DEFERRED = f"""  IF current_setting('{KEPT_COUNTS_DEFERRED}', true) = 'on' THEN
    RETURN NULL;  -- the bulk load counts its rows in one go
  END IF;
"""


def defer_kept_counts(session) -> bool:
    """Defer the kept counts of people until the end of ``session``'s transaction (PostgreSQL; SQLite's triggers count
    each row as it comes); True when deferred, and the caller must then have them counted again before it commits."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(text("SELECT set_config(:name, 'on', true)"), {"name": KEPT_COUNTS_DEFERRED})
    return True


def keep_with_triggers(metadata, triggers: dict) -> None:
    """Have ``create_all`` on ``metadata`` make ``triggers`` ({dialect: ([statements that create them], [statements
    that drop them])}) once every table exists (they may join several), and ``drop_all`` drop them first."""
    for dialect, (create, drop) in triggers.items():
        for statement in create:
            event.listen(metadata, "after_create", DDL(statement).execute_if(dialect=dialect))
        for statement in drop:
            event.listen(metadata, "before_drop", DDL(statement).execute_if(dialect=dialect))


def count_again(session, tables, statements) -> None:
    """Empty the kept ``tables`` and fill them again with ``statements`` (their backfill), in ``session``."""
    for table in tables:
        session.execute(text(f"DELETE FROM {table}"))
    for statement in statements:
        session.execute(text(statement))


def utcnow() -> datetime:
    """Timezone-aware current time; stored as UTC."""
    return datetime.now(timezone.utc)


def one_of(column: str, values, name: str | None = None) -> CheckConstraint:
    """A CHECK constraint that keeps ``column`` within ``values`` (named by the convention)."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_allowed")


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored as."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@contextmanager
def bounded_lock_wait():
    """Run the locking statement(s) inside the ``with`` block with bounded waits, in ``db.session``.

    PostgreSQL: ``lock_timeout`` = ``LOCK_TIMEOUT_MS`` and ``statement_timeout`` = ``STATEMENT_TIMEOUT_MS``
    (config, in ms) for the block only (``set_config(..., is_local => true)``, put back to the
    connection's own values after it), so a lock held by a stuck transaction makes the request give up
    after about 3 s instead of holding a worker until gunicorn kills it. The transaction is rolled back
    and ``Busy`` raised (the user is asked to try again, HTTP 503).

    SQLite has no such settings: a writer waits for the database's write lock up to ``busy_timeout``
    (``_sqlite_pragmas``, 30 s), then fails with "database is locked", which is raised as ``Busy`` too.
    SQLite is meant for one worker, where that lock is held only for the length of one commit.
    """
    from ..extensions import db

    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        config = current_app.config
        db.session.execute(
            text("SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true)"),
            {"lock": str(int(config["LOCK_TIMEOUT_MS"])), "statement": str(int(config["STATEMENT_TIMEOUT_MS"]))},
        )
    try:
        yield
    except OperationalError as error:
        if not _gave_up_waiting(error.orig):
            raise
        db.session.rollback()
        raise Busy() from error
    if postgres:
        db.session.execute(text(
            "SELECT set_config('lock_timeout', (SELECT reset_val FROM pg_settings WHERE name = 'lock_timeout'), true),"
            " set_config('statement_timeout', (SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout'), true)"
        ))


def _gave_up_waiting(driver_error) -> bool:
    if isinstance(driver_error, sqlite3.OperationalError):
        return "database is locked" in str(driver_error)
    return getattr(driver_error, "sqlstate", None) in _GAVE_UP_SQLSTATES


def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on, WAL so readers don't block the writer, and a wait instead of 'database is locked'."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def init_app(app):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
