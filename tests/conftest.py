"""Fixtures: a fresh database per test on SQLite (default) or PostgreSQL (TRAINING_MGR_TEST_DATABASE_URL)."""
import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import event, text

from training_mgr import create_app
from training_mgr.extensions import db

PG_URL = os.environ.get("TRAINING_MGR_TEST_DATABASE_URL")


def create_empty_database(name: str, directory) -> str:
    """A new, empty database of the kind under test (an SQLite file in ``directory``, or a PostgreSQL database)."""
    if not PG_URL:
        return f"sqlite:///{directory / (name + '.sqlite')}"
    base, dbname = PG_URL.rsplit("/", 1)
    target = f"{dbname}_{name}"
    _postgres_admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)', f'CREATE DATABASE "{target}"')
    return f"{base}/{target}"


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        _postgres_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _postgres_admin(*statements):
    import psycopg

    with psycopg.connect(PG_URL.rsplit("/", 1)[0].replace("+psycopg", "") + "/postgres", autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


@pytest.fixture
def new_database_url(tmp_path, worker_id, request):
    """A new, empty database of the same kind as the one under test, dropped after the test."""
    url = create_empty_database(f"{request.module.__name__.rsplit('.', 1)[-1]}_{worker_id}", tmp_path)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """One database per xdist worker, shared by that worker's tests."""
    return create_empty_database(f"worker_{worker_id}", tmp_path_factory.getbasetemp())


def make_test_config(database_url, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "FORM_MIN_FILL_SECONDS": 0,  # tests post forms at once; tests/test_registration_abuse.py checks the fill time
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
        "PUBLIC_BASE_URL": "http://localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def _schema_app(database_url):
    app = create_app(make_test_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _empty_all_tables():
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        # DELETE and restarting the sequences is many times faster than TRUNCATE on tables this small
        sequences = db.session.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"))
        for name in sequences.all():
            db.session.execute(text(f'ALTER SEQUENCE "{name}" RESTART'))
    elif db.session.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
        db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


class ServedClient(FlaskLoginClient):
    """The test client, which closes each response once it has read it, as a WSGI server does after sending it: the
    work an app leaves for after the response (``core.jobs.after_response``: its e-mail) is done when a request
    returns. ``buffered=False`` keeps a response open, to look at what was done before it was sent."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def _reset_request_state():
    from flask import g
    from flask_babel import refresh

    g.pop("_login_user", None)
    g.pop("csrf_token", None)  # Flask-WTF keeps the request's signed token there
    refresh()


@pytest.fixture
def app(_schema_app, database_url, request):
    """A fresh, empty database for every test. Mark a test ``@pytest.mark.config(KEY=value)`` to change settings."""
    marker = request.node.get_closest_marker("config")
    app = create_app(make_test_config(database_url, **(marker.kwargs if marker else {})))
    app.test_client_class = ServedClient
    # The test's app context stays pushed, so requests share its ``g``; reset what is cached per request.
    app.before_request_funcs.setdefault(None, []).insert(0, _reset_request_state)
    with app.app_context():
        _empty_all_tables()  # before, not after: a test starts empty whatever the previous one left
        yield app
        db.session.remove()
        db.engine.dispose()  # every test makes an app and an engine: give its connections back now


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(app):
    """``login(user)`` returns a test client already logged in as ``user``."""

    def make(user):
        return app.test_client(user=user)

    return make


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements: ...`` then ``len(statements)``."""

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA)", statement, re.I):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter


def start_smtp_server():
    """Start a real SMTP server on 127.0.0.1; returns (handler with .host/.port/.messages, stop)."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []
            #: recipient address -> the reply refusing it, e.g. "550 5.1.1 No such user here"
            self.refuse = {}

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in self.refuse:
                return self.refuse[address]
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    handler = Handler()
    handler.host, handler.port = "127.0.0.1", free_port()
    controller = Controller(handler, hostname=handler.host, port=handler.port)
    controller.start()
    return handler, controller.stop


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 that keeps what it receives: ``smtp_server.messages`` (email.message.EmailMessage).

    ``smtp_server.refuse[address] = "550 …"`` makes it refuse that recipient with that reply."""
    handler, stop = start_smtp_server()
    try:
        yield handler
    finally:
        stop()


def pytest_configure(config):
    config.addinivalue_line("markers", "config(**settings): app configuration for this test")
    config.addinivalue_line("markers", "e2e: browser journey (Playwright + Chromium)")
    config.addinivalue_line("markers", "packaging: builds the wheel and installs it in a new virtualenv (slow)")
    config.addinivalue_line("markers", "cluster: runs against scripts/cluster.sh (two app servers, a worker, Redis, PostgreSQL)")
    if not hasattr(config, "workerinput"):  # once, before xdist workers start
        compile_translations()


def compile_translations():
    """Build each language's messages.mo from its .po when missing or older, as the set-up does."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (Path(__file__).resolve().parents[1] / "training_mgr" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po:
                catalog = read_po(po, locale=po_path.parts[-3])
            with mo_path.open("wb") as mo:
                write_mo(mo, catalog)


@pytest.fixture
def people(app):
    """One user per role, a training managed by ``officer``, and two participants with accounts."""
    from types import SimpleNamespace

    from tests.factories import ParticipantFactory, TrainingSessionFactory, UserFactory

    officer = UserFactory(role="officer", email="officer@example.org")
    other_officer = UserFactory(role="officer", email="other.officer@example.org")
    p1 = ParticipantFactory(email="p1@example.org")
    p2 = ParticipantFactory(email="p2@example.org")
    return SimpleNamespace(
        admin=UserFactory(role="admin", email="admin@example.org"),
        officer=officer,
        other_officer=other_officer,
        manager=UserFactory(role="manager", email="manager@example.org"),
        participant=UserFactory(role="participant", email=p1.email, participant=p1),
        other_participant=UserFactory(role="participant", email=p2.email, participant=p2),
        training=TrainingSessionFactory(officers=[officer]),
    )


def stop_process_group(process, timeout=15):
    """Stop a process started in its own session, and everything it started (pool processes, beat)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
    try:  # whatever it left behind in its group
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass



@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of this test's own on a free loopback port (Debian's redis-server), stopped after it."""
    server = shutil.which("redis-server")
    if not server:
        print("redis-server is not installed (scripts/_setup.sh installs it): this Redis test is skipped")
        pytest.skip("redis-server is not installed (scripts/_setup.sh installs it)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_process_group(process)
