"""Busy pages drawn once per state of the data and served again until anything is written.

Every commit that writes (INSERT, UPDATE, DELETE — through the ORM, Core or plain SQL alike: an engine event
sees the statements) raises one counter, ``data_state.data_version``, in the same transaction. A cached page is
keyed by its URL, the user, the language and the (epoch, version) it was drawn at, so it is served only while
nothing at all has changed since; the first write after it makes every cached page stale at once. That is
coarse on purpose: no page has to know which tables it shows, and no write path can forget to invalidate.

The cache lives in each worker process (``PAGE_CACHE_ENTRIES`` pages, least recently used dropped first; 0
turns it off); the counter lives in the database, so several app servers stay right without talking to each
other. What differs between two browser sessions of the same user — the CSRF token, flashed messages — is
never stored: the token is put back per request, and a request with messages waiting is drawn afresh.
"""
import secrets
import threading
from collections import OrderedDict
from functools import partial, wraps

from flask import current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

from ..extensions import db
from .db import utcnow
from .i18n import current_language

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE")
_WRITTEN = "training_mgr.data_written"
#: stands for the CSRF token in a stored page; the requesting session's own token replaces it when served
_TOKEN_PLACEHOLDER = "\x00csrf-token\x00"
#: execution option of an engine whose writes are bookkeeping, not data (``core.ratelimit``'s counters): they
#: leave the data version alone, or every counted log-in attempt would make every cached page stale
NOT_DATA = "training_mgr.not_data"


class PageCache:
    """Rendered pages by key, the least recently used dropped first (thread-safe for threaded workers)."""

    def __init__(self, entries: int):
        self.entries = entries
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.entries:
                self._pages.popitem(last=False)


def _note_write(conn, cursor, statement, parameters, context, executemany):
    if conn.get_execution_options().get(NOT_DATA):
        return
    # Alembic's own bookkeeping is left out: the first migrations run before the data_state table exists.
    if statement.lstrip()[:8].upper().startswith(_WRITES) and "alembic_version" not in statement:
        conn.info[_WRITTEN] = True


def _raise_version_on_commit(conn):
    """Last in the transaction, so a writer holds the counter's row lock only while it commits."""
    if not conn.info.pop(_WRITTEN, False):
        return
    cursor = conn.connection.cursor()  # the driver's own cursor: this statement is not seen as a write again
    try:
        cursor.execute("UPDATE data_state SET data_version = data_version + 1 WHERE id = 1")
        if cursor.rowcount == 0:  # a new or emptied database
            cursor.execute(f"INSERT INTO data_state (id, epoch, data_version) VALUES (1, {secrets.randbits(62)}, 1)")
    finally:
        cursor.close()


def _forget_writes(conn):
    conn.info.pop(_WRITTEN, None)


def start_new_epoch(engine) -> None:
    """After a restore: the data went back in time, so versions counted from the backup's must not meet pages
    that app servers still running drew of the lost timeline at the same numbers."""
    if "data_state" in inspect(engine).get_table_names():  # an older backup gets its row from `db upgrade`
        with engine.begin() as connection:
            connection.execute(text("UPDATE data_state SET epoch = :epoch"), {"epoch": secrets.randbits(62)})


def data_state():
    """(epoch, version) of the data as this request sees it; None before anything was ever written."""
    row = db.session.execute(text("SELECT epoch, data_version FROM data_state WHERE id = 1")).first()
    return tuple(row) if row else None


def cached_page(view=None, *, per_minute=False):
    """Serve the view's page from the cache while the data is unchanged (GET requests).

    ``per_minute``: the page also depends on the time (a registration window opening or closing), so it is
    drawn afresh at least every minute. Only a 200 HTML page is stored. Apply it inside the access check: a
    page is stored per user and per state of the data, and whether the user may see it changes only with them.
    """
    if view is None:
        return partial(cached_page, per_minute=per_minute)

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = current_app.extensions.get("page_cache")
        if cache is None or request.method != "GET" or session.get("_flashes"):
            return view(*args, **kwargs)
        state = data_state()
        if state is None:
            return view(*args, **kwargs)
        key = (request.full_path, current_user.get_id(), current_language(), state,
               utcnow().replace(second=0, microsecond=0) if per_minute else None)
        page = cache.get(key)
        if page is None:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.mimetype != "text/html" or response.direct_passthrough:
                return response
            page = response.get_data(as_text=True)
            if current_app.config["WTF_CSRF_FIELD_NAME"] in session:  # else the page cannot hold a token
                page = page.replace(generate_csrf(), _TOKEN_PLACEHOLDER)
            cache.put(key, page)
        if _TOKEN_PLACEHOLDER in page:
            page = page.replace(_TOKEN_PLACEHOLDER, generate_csrf())
        return current_app.response_class(page, mimetype="text/html")

    return wrapper


def init_app(app):
    if not event.contains(Engine, "before_cursor_execute", _note_write):
        event.listen(Engine, "before_cursor_execute", _note_write)
        event.listen(Engine, "commit", _raise_version_on_commit)
        event.listen(Engine, "rollback", _forget_writes)
    entries = int(app.config.get("PAGE_CACHE_ENTRIES") or 0)
    if entries > 0:
        app.extensions["page_cache"] = PageCache(entries)
