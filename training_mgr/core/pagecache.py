"""Busy pages drawn once per state of the tables they show, and served again until one of those tables changes.

Every commit that writes (INSERT, UPDATE, DELETE — through the ORM, Core or plain SQL alike: an engine event
sees the statements) raises, in the same transaction, one version per table it wrote (``data_versions``; a
DELETE also raises the tables whose foreign keys cascade or are set null from it), and the overall counter
``data_state.data_version``. While a page is drawn, the tables its queries name are noted; the page is kept
with the versions those tables had when drawing began, and served again only while all of them still have
those versions. So a page is invalidated by what changed and only by that: a log-in (``users``), a language
switch (``users``), an API token's last use (``api_tokens``) or an outbox update (``outbound_emails``) leave the
catalogue and a training's public page, which read none of those tables, in the cache. No page has to say
which tables it shows, and no write path can forget to invalidate: a statement whose table cannot be named
raises the version every page depends on (``*``).

The pages are kept by Flask-Caching: in Redis when ``REDIS_URL`` is set (one cache for every worker and app
server; it survives gunicorn recycling its workers), otherwise in each worker process (``PAGE_CACHE_ENTRIES``
pages, 0 turns the cache off). The versions live in the database, so every server stays right without
talking to the others. If Redis cannot be reached, pages are drawn afresh (the cache is off) and Redis is
tried again after ``REDIS_RETRY_SECONDS``; nothing fails. What differs between two browser sessions of the
same user — the CSRF token, flashed messages — is never stored: the token is put back per request, and a
request with messages waiting is drawn afresh.
"""
import hashlib
import logging
import re
import secrets
import threading
import time
from contextvars import ContextVar
from functools import partial, wraps

from flask import current_app, request, session
from flask_caching import Cache
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

from ..extensions import db
from .db import utcnow
from .i18n import current_language

log = logging.getLogger(__name__)

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE")
#: the table a write statement changes: INSERT INTO t, UPDATE t, DELETE FROM t (quoted or not)
_WRITE_TARGET = re.compile(
    r'^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?)'
    r'\s+(?:ONLY\s+)?"?(\w+)"?', re.IGNORECASE)
_WRITTEN = "training_mgr.tables_written"
_MIGRATING = "training_mgr.migrating"
#: the version every page depends on: raised by a write whose table is not known
ANY_TABLE = "*"
#: the cache's own tables: writing them (a restore's new epoch) is not a change of the data
_BOOKKEEPING = {"data_state", "data_versions"}
#: stands for the CSRF token in a stored page; the requesting session's own token replaces it when served
_TOKEN_PLACEHOLDER = "\x00csrf-token\x00"
#: execution option of an engine whose writes are bookkeeping, not data (``core.ratelimit``'s counters): they
#: leave the versions alone, or every counted log-in attempt would make cached pages stale
NOT_DATA = "training_mgr.not_data"
#: after Redis failed to answer, pages are drawn without the cache for this long before it is tried again
REDIS_RETRY_SECONDS = 10
#: the tables named by the statements of the page being drawn (None: no page is being drawn)
_reading: ContextVar[set | None] = ContextVar("training_mgr_page_tables", default=None)

_VERSIONS = text("SELECT s.epoch, v.name, v.version FROM data_state s "
                 "LEFT JOIN data_versions v ON 1 = 1 WHERE s.id = 1")


class _Tables:
    """What the schema says: every table name (to spot them in SQL) and, per table, those a DELETE also changes."""

    def __init__(self, metadata):
        names = sorted(metadata.tables, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None
        self.changed_by_delete = {}
        for table in metadata.tables.values():
            for key in table.foreign_keys:
                if (key.ondelete or "").upper() in ("CASCADE", "SET NULL", "SET DEFAULT"):
                    self.changed_by_delete.setdefault(key.column.table.name, set()).add(table.name)

    def named_in(self, statement: str) -> set:
        return set(self.pattern.findall(statement)) if self.pattern else set()

    def written_by(self, statement: str) -> set:
        match = _WRITE_TARGET.match(statement)
        if not match:
            return {ANY_TABLE}
        written, todo = set(), [match.group(2).lower()]
        deleting = match.group(1).upper().startswith(("DELETE", "TRUNCATE"))
        while todo:
            table = todo.pop()
            if table not in written:
                written.add(table)
                if deleting:
                    todo.extend(self.changed_by_delete.get(table, ()))
        return written


_tables: _Tables | None = None


def _schema() -> _Tables:
    global _tables
    if _tables is None:
        _tables = _Tables(db.metadata)
    return _tables


def _note_statement(conn, cursor, statement, parameters, context, executemany):
    reading = _reading.get()
    if reading is not None:
        reading.update(_schema().named_in(statement))
    if conn.get_execution_options().get(NOT_DATA):
        return
    head = statement.lstrip()[:8].upper()
    if "alembic_version" in statement:  # a migration: the version tables may not exist yet (or any more)
        conn.info[_MIGRATING] = True
    elif head.startswith(_WRITES):
        written = _schema().written_by(statement) - _BOOKKEEPING
        if written:
            conn.info.setdefault(_WRITTEN, set()).update(written)
    elif head.startswith("WITH") and re.search(r"\b(INSERT|UPDATE|DELETE)\b", statement, re.IGNORECASE):
        conn.info.setdefault(_WRITTEN, set()).add(ANY_TABLE)


def _raise_versions_on_commit(conn):
    """Last in the transaction, so a writer holds the versions' row locks only while it commits.

    One upsert raises every written table's version (sorted, so two writers take the row locks in the same
    order), then the overall counter.
    """
    written = conn.info.pop(_WRITTEN, None)
    if conn.info.pop(_MIGRATING, False):
        _new_epoch_after_migration(conn)
        return
    if not written:
        return
    names = sorted(written)
    cursor = conn.connection.cursor()  # the driver's own cursor: these statements are not seen as writes again
    placeholder = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    try:
        if not _has_version_tables(conn, cursor):  # a database not yet migrated this far: nothing is kept for it
            return
        cursor.execute(
            "INSERT INTO data_versions (name, version) VALUES "
            + ", ".join(f"({placeholder}, 1)" for _ in names)
            + " ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1", names)
        cursor.execute("UPDATE data_state SET data_version = data_version + 1 WHERE id = 1")
        if cursor.rowcount == 0:  # a new or emptied database
            cursor.execute(f"INSERT INTO data_state (id, epoch, data_version) VALUES (1, {secrets.randbits(62)}, 1)")
    finally:
        cursor.close()


#: databases (by URL) known to have the version tables; only "yes" is remembered, until a migration runs here
_MIGRATED_THIS_FAR = set()


def _table_exists(conn, cursor, name: str) -> bool:
    """Asks the catalogue (a failed statement would abort PostgreSQL's transaction)."""
    if conn.dialect.name == "sqlite":
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    else:
        cursor.execute("SELECT 1 WHERE to_regclass(%s) IS NOT NULL", (name,))
    return cursor.fetchone() is not None


def _has_version_tables(conn, cursor) -> bool:
    key = str(conn.engine.url)
    if key not in _MIGRATED_THIS_FAR and _table_exists(conn, cursor, "data_versions"):
        _MIGRATED_THIS_FAR.add(key)
    return key in _MIGRATED_THIS_FAR


def _forget_writes(conn):
    conn.info.pop(_WRITTEN, None)
    conn.info.pop(_MIGRATING, None)


def _new_epoch_after_migration(conn):
    """A migration may change any data (and the tables it shows): every kept page is stale, once ``data_state``
    exists (earlier migrations run before it does; a failed statement would abort PostgreSQL's transaction, so
    the catalogue is asked first)."""
    _MIGRATED_THIS_FAR.discard(str(conn.engine.url))  # a downgrade may have dropped the version tables
    cursor = conn.connection.cursor()
    try:
        if _table_exists(conn, cursor, "data_state"):
            cursor.execute(f"UPDATE data_state SET epoch = {secrets.randbits(62)}")
    finally:
        cursor.close()


def start_new_epoch(engine) -> None:
    """After a restore: the data went back in time, so versions counted from the backup's must not meet pages
    that app servers still running drew of the lost timeline at the same numbers."""
    if "data_state" in inspect(engine).get_table_names():  # an older backup gets its row from `db upgrade`
        with engine.begin() as connection:
            connection.execute(text("UPDATE data_state SET epoch = :epoch"), {"epoch": secrets.randbits(62)})


def data_state():
    """(epoch, version) of all the data as this request sees it; None before anything was ever written."""
    row = db.session.execute(text("SELECT epoch, data_version FROM data_state WHERE id = 1")).first()
    return tuple(row) if row else None


def table_versions():
    """(epoch, {table name: version}) as this request sees them; None before anything was ever written.
    A table never written has no entry (version 0)."""
    rows = db.session.execute(_VERSIONS).all()
    if not rows:
        return None
    return rows[0][0], {name: version for _, name, version in rows if name is not None}


class PageStore:
    """Flask-Caching around the pages, which never lets a cache failure reach the user: while Redis cannot
    be reached, ``get`` finds nothing and ``put`` keeps nothing, and Redis is tried again every
    ``REDIS_RETRY_SECONDS``."""

    def __init__(self, cache: Cache, timeout: int):
        self.cache, self.timeout = cache, timeout
        self._down_until = 0.0
        self._lock = threading.Lock()

    def get(self, key):
        return self._call(self.cache.get, key)

    def put(self, key, entry, timeout=None) -> None:
        self._call(self.cache.set, key, entry, timeout=timeout or self.timeout)

    def _call(self, method, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return None
        try:
            return method(*args, **kwargs)
        except Exception as error:  # redis.RedisError, OSError, a page that cannot be read back: cache off for now
            with self._lock:
                if time.monotonic() >= self._down_until:
                    log.warning("page cache unavailable, pages are drawn afresh for %ss: %s", REDIS_RETRY_SECONDS, error)
                self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            return None


def _page_key(per_minute: bool) -> str:
    parts = (request.full_path, str(current_user.get_id()), current_language(),
             utcnow().strftime("%Y%m%d%H%M") if per_minute else "")
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _still_valid(entry, versions) -> bool:
    epoch, current = versions
    return (isinstance(entry, dict) and entry.get("epoch") == epoch
            and all(current.get(name, 0) == version for name, version in entry["tables"].items()))


def cached_page(view=None, *, per_minute=False):
    """Serve the view's page from the cache while none of the tables it read has changed (GET requests).

    ``per_minute``: the page also depends on the time (a registration window opening or closing), so it is
    drawn afresh at least every minute. Only a 200 HTML page is stored. Apply it inside the access check: a
    page is stored per user, and whether the user may see it changes only with them.
    """
    if view is None:
        return partial(cached_page, per_minute=per_minute)

    @wraps(view)
    def wrapper(*args, **kwargs):
        store = current_app.extensions.get("page_cache")
        if store is None or request.method != "GET" or session.get("_flashes"):
            return view(*args, **kwargs)
        versions = table_versions()
        if versions is None:
            return view(*args, **kwargs)
        key = _page_key(per_minute)
        entry = store.get(key)
        outcome = "hit"
        if entry is not None and _still_valid(entry, versions):
            page = entry["page"]
        else:
            outcome = "miss"
            tables = set()
            reading = _reading.set(tables)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                _reading.reset(reading)
            if response.status_code != 200 or response.mimetype != "text/html" or response.direct_passthrough:
                return response
            page = response.get_data(as_text=True)
            if current_app.config["WTF_CSRF_FIELD_NAME"] in session:  # else the page cannot hold a token
                page = page.replace(generate_csrf(), _TOKEN_PLACEHOLDER)
            epoch, current = versions  # as they were before drawing: a write meanwhile makes the page stale
            tables = (tables - _BOOKKEEPING) | {ANY_TABLE}
            store.put(key, {"epoch": epoch, "tables": {name: current.get(name, 0) for name in tables}, "page": page},
                      timeout=120 if per_minute else None)
        if _TOKEN_PLACEHOLDER in page:
            page = page.replace(_TOKEN_PLACEHOLDER, generate_csrf())
        response = current_app.response_class(page, mimetype="text/html")
        response.headers["X-Page-Cache"] = outcome  # for operators and benchmarks: kept, or drawn now
        return response

    return wrapper


def cache_settings(config) -> dict | None:
    """Flask-Caching's settings for the pages, from the configuration; None when the cache is off.

    ``PAGE_CACHE_ENTRIES`` 0: off. ``REDIS_URL`` set: Redis (keys prefixed ``training_mgr:``, short socket
    timeouts so that a Redis that went away costs a request little); else each process keeps
    ``PAGE_CACHE_ENTRIES`` pages.
    """
    entries = int(config.get("PAGE_CACHE_ENTRIES") or 0)
    if entries <= 0:
        return None
    timeout = int(config.get("PAGE_CACHE_SECONDS") or 3600)
    if config.get("REDIS_URL"):
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config["REDIS_URL"],
                "CACHE_KEY_PREFIX": f"{config.get('RATELIMIT_KEY_PREFIX') or 'training_mgr'}:",
                "CACHE_DEFAULT_TIMEOUT": timeout,
                "CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": entries, "CACHE_DEFAULT_TIMEOUT": timeout}


def init_app(app):
    if not event.contains(Engine, "before_cursor_execute", _note_statement):
        event.listen(Engine, "before_cursor_execute", _note_statement)
        event.listen(Engine, "commit", _raise_versions_on_commit)
        event.listen(Engine, "rollback", _forget_writes)
    settings = cache_settings(app.config)
    if settings is not None:
        app.extensions["page_cache"] = PageStore(Cache(app, config=settings), settings["CACHE_DEFAULT_TIMEOUT"])
