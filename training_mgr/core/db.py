"""Small helpers shared by the models of every feature."""
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint


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


def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on, WAL so readers don't block the writer, and a wait instead of 'database is locked'."""
    import sqlite3

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
