"""Rate limits counted in storage every worker and server shares: the database by default, Redis when configured.

The in-process tests check the database storage and the log-in throttle's rules; ``test_…_across_workers``
start real gunicorn servers with several worker processes and guess passwords against them.
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import free_port, make_test_config
from tests.factories import PASSWORD, UserFactory
from training_mgr import create_app
from training_mgr.core.models import RateLimitCounter
from training_mgr.core.ratelimit import DatabaseStorage, storage_settings
from training_mgr.extensions import db, limiter

ROOT = Path(__file__).resolve().parents[1]


def log_in(client, email, password=PASSWORD, address="198.51.100.7"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


# --- the database storage ------------------------------------------------------------------------


@pytest.fixture
def storage(app):
    store = DatabaseStorage("trainingdb://", database_uri=app.config["SQLALCHEMY_DATABASE_URI"])
    yield store
    store.engine.dispose()


def test_the_database_storage_counts_windows_and_forgets_them_when_they_end(storage):
    now = 1_000_000.0
    storage.clock = lambda: now
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get("other") == 0
    assert storage.get_expiry("k") == now + 60  # the window runs from the first hit, not the last

    now += 61
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1  # a new window
    assert storage.get_expiry("k") == now + 60

    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("a", 60)
    storage.incr("b", 60)
    assert storage.reset() == 2
    assert storage.check()


def test_the_table_keeps_no_email_or_address_and_expired_rows_are_purged(storage):
    now = 1_000_000.0
    storage.clock = lambda: now
    storage.incr("LIMITER/email:layla@example.org|address:203.0.113.9/login", 60)
    keys = db.session.scalars(select(RateLimitCounter.counter_key)).all()
    assert len(keys) == 1 and "layla" not in keys[0] and "203.0" not in keys[0]
    db.session.rollback()

    now += 3600  # the first hit after the purge interval deletes every ended window, not only its own
    storage.incr("another", 60)
    assert db.session.scalar(select(db.func.count()).select_from(RateLimitCounter)) == 1


def test_hits_at_the_same_moment_are_each_counted_once(storage):
    results = []

    def hit():
        for _ in range(10):
            results.append(storage.incr("busy", 60))

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # the upsert is atomic: no two hits saw the same count, none was lost
    assert sorted(results) == list(range(1, 41))
    assert storage.get("busy") == 40


def test_the_store_is_chosen_in_one_place():
    database = {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite"}
    assert storage_settings(database)[0] == "trainingdb://"
    assert storage_settings(database)[1]["database_uri"] == "sqlite:///x.sqlite"
    assert storage_settings({**database, "REDIS_URL": "redis://127.0.0.1:6390/0"}) == ("redis://127.0.0.1:6390/0", {})
    explicit = {**database, "REDIS_URL": "redis://127.0.0.1:6390/0", "RATELIMIT_STORAGE_URI": "memory://"}
    assert storage_settings(explicit) == ("memory://", {})


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_the_app_counts_in_the_database_by_default(app):
    assert isinstance(limiter.storage, DatabaseStorage)
    assert app.config["RATELIMIT_STORAGE_URI"] == "trainingdb://"


def test_an_environment_switch_turns_every_limit_off(database_url, monkeypatch, people):
    monkeypatch.setenv("TRAINING_MGR_RATELIMIT_ENABLED", "false")
    config = make_test_config(database_url, LOGIN_FAILURE_LIMIT_PER_EMAIL_AND_ADDRESS="2 per hour")
    del config["RATELIMIT_ENABLED"]  # as a deployment would: only the environment says it
    app = create_app(config)
    assert app.config["RATELIMIT_ENABLED"] is False
    client = app.test_client()
    assert {log_in(client, people.officer.email, "wrong").status_code for _ in range(5)} == {200}


@pytest.mark.config(RATELIMIT_ENABLED=True, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
def test_while_the_shared_store_is_unreachable_each_worker_counts_alone_rather_than_failing(client, people):
    statuses = [log_in(client, people.officer.email, f"guess-{n}").status_code for n in range(12)]
    assert statuses == [200] * 10 + [429] * 2


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_counted_attempts_leave_the_page_cache_alone(app, client, people):
    from training_mgr.core.pagecache import data_state

    before = data_state()
    for n in range(3):
        assert log_in(client, people.officer.email, f"guess-{n}").status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(RateLimitCounter)) > 0
    db.session.rollback()
    assert data_state() == before  # cached pages stay valid: counting is not a change of the data


# --- the log-in throttle's rules -----------------------------------------------------------------


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_a_guesser_elsewhere_does_not_lock_the_rightful_user_out(app, people):
    attacker, rightful = app.test_client(), app.test_client()
    statuses = [log_in(attacker, people.officer.email, f"guess-{n}", address="203.0.113.66").status_code
                for n in range(12)]
    assert statuses == [200] * 10 + [429] * 2
    # the same account from the rightful user's own address: their first mistake and then their password
    assert log_in(rightful, people.officer.email, "typo", address="198.51.100.20").status_code == 200
    assert log_in(rightful, people.officer.email, address="198.51.100.20").status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True, LOGIN_FAILURE_LIMIT_PER_EMAIL="15 per hour")
def test_many_addresses_guessing_one_account_meet_its_ceiling_but_its_usual_browser_does_not(app, people):
    rightful = app.test_client()
    assert log_in(rightful, people.officer.email, address="198.51.100.20").status_code == 302  # a known browser now
    rightful.post("/logout")

    botnet = app.test_client()
    statuses = [log_in(botnet, people.officer.email, f"guess-{n}", address=f"203.0.113.{n}").status_code
                for n in range(20)]
    assert statuses == [200] * 15 + [429] * 5  # every address below its own limit, the account's ceiling reached
    assert log_in(app.test_client(), people.officer.email, address="192.0.2.1").status_code == 429  # a new browser waits
    assert log_in(rightful, people.officer.email, address="198.51.100.20").status_code == 302  # the usual one does not


@pytest.mark.config(RATELIMIT_ENABLED=True, LOGIN_FAILURE_LIMIT_PER_EMAIL_AND_ADDRESS="3 per 15 minutes")
def test_the_429_page_says_what_happened_and_when_to_try_again(client, people):
    for n in range(3):
        log_in(client, people.officer.email, f"guess-{n}")
    response = log_in(client, people.officer.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.text and "Nothing was sent or saved" in response.text
    assert re.search(r"Please try again in 1[45] minutes\.", response.text)
    assert 14 * 60 <= int(response.headers["Retry-After"]) <= 15 * 60
    arabic = client.post("/login?lang=ar", data={"email": people.officer.email, "password": "x"},
                         environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert arabic.status_code == 429 and 'dir="rtl"' in arabic.text
    assert "دقيقة" in arabic.text  # the time to wait in Arabic words


# --- several worker processes --------------------------------------------------------------------

GUESSES = 30
LIMIT = 10


def migrated_database_with_an_officer(url):
    from flask_migrate import upgrade

    app = create_app(make_test_config(url))
    with app.app_context():
        upgrade()
        UserFactory(role="officer", email="officer@example.org")
        db.session.commit()
        db.engine.dispose()


def start_gunicorn(database_url, port, log_path, workers=3, **settings):
    """gunicorn serving the app with ``workers`` processes on 127.0.0.1:``port``; returns the process.

    Each worker serves one request and is replaced by a fresh process (``--max-requests 1``, forked from the
    preloaded app), so no two requests share a process's memory: only counts kept outside the processes hold.
    """
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRAINING_MGR_")},
        "TRAINING_MGR_SQLALCHEMY_DATABASE_URI": database_url,
        "TRAINING_MGR_SECRET_KEY": "multi-process-test-secret-key-0123456789",
        "TRAINING_MGR_RATELIMIT_ENABLED": "true",
        "TRAINING_MGR_PAGE_CACHE_ENTRIES": "0",
        **{f"TRAINING_MGR_{key}": value for key, value in settings.items()},
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "--workers", str(workers), "--max-requests", "1", "--preload", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log_path), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
         "training_mgr:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def wait_until_serving(base, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn stopped with {process.returncode}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Browser:
    """A cookie-keeping HTTP client that logs in through the real form, CSRF token and all."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    token = None

    def log_in(self, email, password):
        if self.token is None:  # the form's CSRF token, good for this browser's session
            status, page = self.request("/login")
            assert status == 200, status
            self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.request("/login", {"csrf_token": self.token, "email": email, "password": password})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def guess_against_workers(database_url, tmp_path, **settings):
    """30 wrong passwords in a row against gunicorn with 3 workers; (statuses, worker pids that answered them)."""
    port = free_port()
    log_path = tmp_path / f"access-{port}.log"
    process = start_gunicorn(database_url, port, log_path, **settings)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, process)
        browser = Browser(base)
        statuses = [browser.log_in("officer@example.org", f"guess-{n}") for n in range(GUESSES)]
        rightful = Browser(base).log_in("officer@example.org", PASSWORD)
    finally:
        stop(process)
    guesses = [line.split()[0] for line in log_path.read_text().splitlines() if " POST /login " in line][:GUESSES]
    return statuses, rightful, set(guesses)


@pytest.fixture
def shared_database(new_database_url):
    migrated_database_with_an_officer(new_database_url)
    return new_database_url


def assert_counted_across_workers(statuses, pids):
    print(f"POST /login answered by {len(pids)} worker processes: {statuses}")
    assert statuses == [200] * LIMIT + [429] * (GUESSES - LIMIT)
    # every guess reached a process of its own, with its own memory: only counts kept outside the processes hold
    assert len(pids) == GUESSES


def test_thirty_wrong_passwords_are_stopped_after_the_limit_across_workers(shared_database, tmp_path):
    statuses, rightful, pids = guess_against_workers(shared_database, tmp_path)
    assert_counted_across_workers(statuses, pids)
    assert rightful == 429  # same address, same account: the right password waits too, so a hit tells nothing


def test_thirty_wrong_passwords_are_stopped_after_the_limit_across_workers_with_redis(shared_database, tmp_path, redis_url):
    import redis

    statuses, rightful, pids = guess_against_workers(shared_database, tmp_path, REDIS_URL=redis_url)
    assert_counted_across_workers(statuses, pids)
    assert rightful == 429
    assert redis.Redis.from_url(redis_url).keys("*login*")  # the counts were kept in Redis …
    with create_app(make_test_config(shared_database)).app_context():
        assert db.session.scalar(text("SELECT count(*) FROM rate_limit_counters")) == 0  # … not in the database
        db.engine.dispose()
