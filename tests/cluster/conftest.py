"""The cluster of scripts/cluster.sh (PostgreSQL, Redis, two gunicorn app servers, a worker, the scheduler) for
tests that need several real servers, with a real SMTP server on loopback.

It starts once per test run, in the PostgreSQL pass of scripts/test.sh (``TRAINING_MGR_TEST_DATABASE_URL`` set):
the cluster brings its own PostgreSQL, so running it again in the SQLite pass would prove nothing new. Elsewhere
the tests are skipped with the reason printed. ``scripts/cluster.sh stop`` runs after the last test, pass or fail.
"""
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import PG_URL, start_smtp_server

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"


def _why_not() -> str | None:
    if not PG_URL:
        return "the cluster tests run once, in the PostgreSQL pass of scripts/test.sh (TRAINING_MGR_TEST_DATABASE_URL)"
    if not shutil.which("redis-server"):
        return "redis-server is not installed (scripts/_setup.sh installs it)"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "the PostgreSQL server is not installed (scripts/_setup.sh installs it)"
    return None


def read_settings(path: Path) -> dict:
    """The cluster's settings file (``export NAME='value'`` lines) as a dict."""
    settings = {}
    for line in path.read_text().splitlines():
        match = re.match(r"export (\w+)='?(.*?)'?$", line)
        if match:
            settings[match.group(1)] = match.group(2)
    return settings


def cluster_command(directory: Path, action: str, env=None, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), action], env={**os.environ, **(env or {}), "CLUSTER_DIR": str(directory)},
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """The running cluster: ``.urls`` (the two app servers), ``.settings`` (its TRAINING_MGR_* values), ``.smtp``
    (the SMTP server's handler, ``.messages``), ``.dir``, ``.start()`` (start what is not running) and ``.pid(name)``."""
    reason = _why_not()
    if reason:
        print(f"cluster tests skipped: {reason}")
        pytest.skip(reason)
    smtp, stop_smtp = start_smtp_server()
    directory = tmp_path_factory.mktemp("cluster")
    env = {
        # the translations as a fresh clone has them, with no compiled catalogue (the .mo files are not in git)
        "TRAINING_MGR_BABEL_TRANSLATION_DIRECTORIES": str(uncompiled_translations(tmp_path_factory.mktemp("clone"))),
        "TRAINING_MGR_MAIL_SERVER": smtp.host, "TRAINING_MGR_MAIL_PORT": str(smtp.port),
        "TRAINING_MGR_MAIL_DEFAULT_SENDER": "trainings@agency.example",
        "TRAINING_MGR_FORM_MIN_FILL_SECONDS": "0",
        # a rush from one test machine stands for many people: the per-address registration limit would stop it
        "TRAINING_MGR_REGISTRATION_LIMIT_PER_ADDRESS": "1000 per minute",
        "TRAINING_MGR_MAIL_SEND_PENDING_EVERY_SECONDS": "5",
        # bulk jobs in small parts, and a job whose worker was killed taken up again within seconds, not minutes
        "TRAINING_MGR_CERTIFICATE_PART_SIZE": "10",
        "TRAINING_MGR_JOB_VISIBILITY_TIMEOUT_SECONDS": "15",
        "TRAINING_MGR_JOB_STALLED_AFTER_SECONDS": "8",
        "TRAINING_MGR_JOB_RESUME_EVERY_SECONDS": "2",
    }
    try:
        started = cluster_command(directory, "start", env)
        assert started.returncode == 0, started.stdout + started.stderr + _logs(directory)
        settings = read_settings(directory / "env")

        def start():
            result = cluster_command(directory, "start")
            assert result.returncode == 0, result.stdout + result.stderr + _logs(directory)

        yield SimpleNamespace(
            dir=directory, settings=settings, smtp=smtp, urls=settings["CLUSTER_APP_URLS"].split(), start=start,
            pid=lambda name: int((directory / f"{name}.pid").read_text()),
        )
    finally:
        stopped = cluster_command(directory, "stop")
        stop_smtp()
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def uncompiled_translations(folder: Path) -> Path:
    """A copy of the app's translations with the .po files alone, as in a fresh clone; returns its folder."""
    source = ROOT / "training_mgr" / "translations"
    for po in source.glob("*/LC_MESSAGES/messages.po"):
        target = folder / "translations" / po.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(po, target)
    return folder / "translations"


def _logs(directory: Path) -> str:
    return "".join(f"\n--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted((directory / "logs").glob("*.log")))


@pytest.fixture(scope="session")
def _cluster_app(cluster):
    from training_mgr import create_app
    from training_mgr.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": cluster.settings["TRAINING_MGR_SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": cluster.settings["TRAINING_MGR_REDIS_URL"],
        "SECRET_KEY": cluster.settings["TRAINING_MGR_SECRET_KEY"],
    })
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def cluster_app(_cluster_app):
    """An app on the cluster's database and Redis, for the test to make data and read what the servers did; its
    context lasts one test (held longer, it would become every later test's app in this worker process)."""
    from training_mgr.extensions import db

    with _cluster_app.app_context():
        yield _cluster_app
        db.session.remove()


class Browser:
    """A cookie-keeping HTTP client for one app server; follows no redirect. Forms are posted with the hidden fields
    of the page that draws them (CSRF token, the bot trap's stamp)."""

    def __init__(self, base, cookies=None):
        self.base = base
        #: cookies are the browser's, whichever server it talks to (``Browser(other_url, cookies=b.cookies)``)
        self.cookies = cookies if cookies is not None else CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())
        self.location = self.headers = None

    def request(self, path, data=None, timeout=30):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=timeout) as response:
                self.location, self.headers = response.headers.get("Location"), response.headers
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.location, self.headers = error.headers.get("Location"), error.headers
            return error.code, error.read().decode()

    def submit(self, path, data, form_path=None):
        """Draw the form at ``form_path`` (default ``path``), then post ``data`` with its hidden fields."""
        status, page = self.request(form_path or path)
        assert status == 200, (status, page[:500])
        hidden = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', page))
        hidden.update(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
        return self.request(path, {**hidden, **data})

    def json(self, path):
        import json

        status, body = self.request(path)
        return status, (json.loads(body) if status == 200 else body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(condition, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
