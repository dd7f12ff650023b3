"""Scale-out benchmark on scripts/cluster.sh: each figure beside the old way, in the same run, as a ratio.

    .venv/bin/python bench/cluster.py [--only registration,cancel,logins,recycling] [--duration 10]

Starts the cluster (PostgreSQL, Redis, two gunicorn app servers, a worker, the scheduler) in a temporary
directory, with a real SMTP server on loopback whose delay per message is set per section, and for the old
way a third gunicorn server on the same database without Redis (jobs run inside the request, pages cached per
process) or with the page cache off. Rate limits are off (many users stand behind one address here).

- registration: p50/p99 of an online registration while the mail server takes 2 s per message
  (target p99 <= 100 ms); old way: the request sends its mail itself.
- cancel: cancelling a training with 200 registrants (target <= 1 s; the 200 messages go out from the worker),
  the mail server taking 20 ms per message; old way: the request sends them.
- logins: throughput of the public catalogue and a training's page as a share of /healthz's while 10 log-ins
  a second happen beside them (target >= 50%); old way: the page cache off, which is what the old cache,
  emptied by every write, amounted to under a stream of log-ins.
- recycling: 30 public training pages with gunicorn recycling its workers every 50 requests: how many
  requests had to draw their page again, cache in Redis against cache in each worker's memory.

Everything is stopped at the end, also on failure or Ctrl-C. Traffic goes to 127.0.0.1 only.
"""
import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cluster.conftest import Browser, read_settings  # noqa: E402
from tests.conftest import free_port, start_smtp_server  # noqa: E402

VENV = ROOT / ".venv"
SCRIPT = ROOT / "scripts" / "cluster.sh"
PASSWORD = "bench-officer-passphrase"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Mail:
    """The SMTP server on loopback, taking ``delay`` seconds to accept each message."""

    def __init__(self):
        self.handler, self.stop = start_smtp_server()
        self.delay = 0.0
        accept = self.handler.handle_DATA

        async def handle_DATA(server, session, envelope):
            await asyncio.sleep(self.delay)
            return await accept(server, session, envelope)

        self.handler.handle_DATA = handle_DATA


class Bench:
    def __init__(self, directory, mail):
        self.dir, self.mail, self.servers = Path(directory), mail, []
        env = {**os.environ, "CLUSTER_DIR": str(self.dir / "cluster"),
               "TRAINING_MGR_MAIL_SERVER": mail.handler.host, "TRAINING_MGR_MAIL_PORT": str(mail.handler.port),
               "TRAINING_MGR_MAIL_DEFAULT_SENDER": "trainings@agency.example",
               "TRAINING_MGR_RATELIMIT_ENABLED": "false", "TRAINING_MGR_FORM_MIN_FILL_SECONDS": "0"}
        self.env = env
        started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True)
        if started.returncode:
            raise SystemExit(started.stdout + started.stderr)
        self.settings = read_settings(self.dir / "cluster" / "env")
        self.urls = self.settings["CLUSTER_APP_URLS"].split()
        from training_mgr import create_app

        self.app = create_app({"SQLALCHEMY_DATABASE_URI": self.settings["TRAINING_MGR_SQLALCHEMY_DATABASE_URI"],
                               "SECRET_KEY": self.settings["TRAINING_MGR_SECRET_KEY"]})
        self.context = self.app.app_context()
        self.context.push()

    def server(self, *gunicorn_args, **settings):
        """Another gunicorn on the cluster's database with these settings (None: unset); returns its URL."""
        env = {**self.env, **{k: v for k, v in self.settings.items() if k.startswith("TRAINING_MGR_")}}
        for key, value in settings.items():
            if value is None:
                env.pop(f"TRAINING_MGR_{key}", None)
            else:
                env[f"TRAINING_MGR_{key}"] = str(value)
        url = f"http://127.0.0.1:{free_port()}"
        log = open(self.dir / f"server-{len(self.servers)}.log", "w")
        process = subprocess.Popen([str(VENV / "bin" / "gunicorn"), "-c", "python:training_mgr.gunicorn_conf",
                                    "--bind", url[7:], *gunicorn_args, "training_mgr:create_app()"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.servers.append(process)
        deadline = time.monotonic() + 60
        while not self._up(url):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"the server at {url} did not start: {(self.dir / log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        return url

    @staticmethod
    def _up(url):
        try:
            return Browser(url).request("/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    def close(self):
        import signal

        self.context.pop()
        for process in self.servers:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        subprocess.run(["bash", str(SCRIPT), "stop"], env=self.env, capture_output=True, text=True)
        self.mail.stop()


# --- data -----------------------------------------------------------------------------------------------------

def open_training(capacity=1000, registrants=0, title="Bench training"):
    from tests.factories import OrganisationFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
    from training_mgr.extensions import db

    officer = UserFactory(role="officer", email=f"officer{time.monotonic_ns()}@agency.example")
    from werkzeug.security import generate_password_hash

    officer.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    training = TrainingSessionFactory(title=title, capacity=capacity, officers=[officer])
    for _ in range(registrants):
        RegistrationFactory(training=training, status="confirmed")
    organisation = OrganisationFactory()
    db.session.commit()
    return officer.email, training.id, organisation.id


def register(base, training_id, organisation_id, n):
    browser = Browser(base)
    status, page = browser.request(f"/sessions/{training_id}/register")
    hidden = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', page))
    data = {**hidden, "name": "Bench Person", "name_ar": "", "sex": "female", "organisation": str(organisation_id),
            "organisation_other": "", "position": "Officer", "email": f"bench{n}.{time.monotonic_ns()}@ministry.example",
            "phone": "", "consent": "y", "website": ""}
    started = time.perf_counter()
    status, _ = browser.request(f"/sessions/{training_id}/register", data)
    assert status == 302, status
    return time.perf_counter() - started


def log_in(base, email):
    browser = Browser(base)
    assert browser.submit("/login", {"email": email, "password": PASSWORD})[0] == 302
    return browser


# --- sections ---------------------------------------------------------------------------------------------------

def app_servers_cpu_seconds(bench):
    """CPU seconds used so far by the cluster's app servers (every process of their groups): steadier than
    wall time when other work shares the machine."""
    groups = {int((bench.dir / "cluster" / f"{name}.pid").read_text()) for name in ("app1", "app2")}
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


WARM_UP_REGISTRATIONS = 20
MEASURED_REGISTRATIONS = 200


def section_registration(bench, old_url):
    bench.mail.delay = 2.0
    _, training_id, organisation_id = open_training()
    # Warm-up: each gunicorn worker's first requests load templates and open connections, which a server in
    # service has long done; they are not counted.
    for n in range(WARM_UP_REGISTRATIONS):
        register(bench.urls[n % 2], training_id, organisation_id, 10_000 + n)
    cpu_before = app_servers_cpu_seconds(bench)
    new = [register(bench.urls[n % 2], training_id, organisation_id, n) for n in range(MEASURED_REGISTRATIONS)]
    cpu = (app_servers_cpu_seconds(bench) - cpu_before) / MEASURED_REGISTRATIONS * 1000
    print(f"registration: the app servers' CPU per registration (drawing the form and posting it) {cpu:.0f} ms")
    old = [register(old_url, training_id, organisation_id, 1000 + n) for n in range(3)]
    p99_new, p99_old = percentile(new, 0.99) * 1000, percentile(old, 0.99) * 1000
    served = server_side_ms(bench, f"POST /sessions/{training_id}/register ")
    print(f"registration as the app servers timed it (access log): p50 {percentile(served, .5):.0f} ms, "
          f"p99 {percentile(served, .99):.0f} ms")
    print(f"registration, mail server 2 s/message: with the worker p50 {percentile(new, .5) * 1000:.0f} ms, "
          f"p99 {p99_new:.0f} ms ({len(new)} registrations); in the request p50 {percentile(old, .5) * 1000:.0f} ms, "
          f"p99 {p99_old:.0f} ms ({len(old)}); ratio {p99_old / p99_new:.0f}x; target p99 <= 100 ms: "
          f"{'met' if p99_new <= 100 else 'NOT met'}")


def server_side_ms(bench, request_line):
    """Milliseconds the cluster's app servers logged for requests whose line contains ``request_line``."""
    times = []
    for log in (bench.dir / "cluster" / "logs").glob("app*.log"):
        for line in log.read_text().splitlines():
            if request_line in line:
                match = re.search(r" (\d+)ms id=", line)
                if match:
                    times.append(int(match.group(1)))
    return times or [0]


def section_cancel(bench, old_url):
    bench.mail.delay = 0.02
    times = {}
    for name, url in (("worker", bench.urls[0]), ("request", old_url)):
        email, training_id, _ = open_training(registrants=200, title=f"Cancel {name}")
        browser = log_in(url, email)
        status, page = browser.request(f"/officer/trainings/{training_id}/cancel")
        hidden = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', page))
        started = time.perf_counter()
        status, _ = browser.request(f"/officer/trainings/{training_id}/cancel",
                                    {**hidden, "reason": "The venue is closed."}, timeout=120)
        times[name] = time.perf_counter() - started
        assert status == 302, status
    print(f"cancelling a training with 200 registrants (mail server 20 ms/message): with the worker "
          f"{times['worker'] * 1000:.0f} ms, in the request {times['request'] * 1000:.0f} ms; ratio "
          f"{times['request'] / times['worker']:.0f}x; target <= 1 s: {'met' if times['worker'] <= 1 else 'NOT met'}")


def throughput(url, path, duration, connections=6, cookie_browser=None, outcomes=None):
    """Requests per second of GET ``path`` over ``duration`` seconds from ``connections`` threads; latencies.
    ``outcomes``: a list that gets each answer's X-Page-Cache (hit, miss)."""
    stop_at = time.monotonic() + duration
    latencies = []

    paths = [path] if isinstance(path, str) else list(path)

    def client():
        browser = Browser(url, cookies=cookie_browser.cookies) if cookie_browser else Browser(url)
        n = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            n += 1
            status, _ = browser.request(paths[(n + threading.get_ident()) % len(paths)])
            assert status == 200, (path, status)
            latencies.append(time.perf_counter() - started)
            if outcomes is not None:
                outcomes.append(browser.headers.get("X-Page-Cache"))

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / duration, latencies


def logins_beside(url, email, per_second, stop):
    def run():
        while not stop.is_set():
            started = time.monotonic()
            log_in(url, email)
            stop.wait(max(0.0, 1 / per_second - (time.monotonic() - started)))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def section_logins(bench, cache_off_url, duration):
    email, training_id, _ = open_training(registrants=20)
    for name, url in (("cache in Redis", bench.urls[0]), ("cache off (old way)", cache_off_url)):
        stop = threading.Event()
        logins_beside(url, email, 10, stop)
        try:
            health, _ = throughput(url, "/healthz", duration)
            shares = {}
            for path in ("/", f"/sessions/{training_id}"):
                rate, _ = throughput(url, path, duration)
                shares[path] = rate / health
        finally:
            stop.set()
        print(f"public pages with 10 log-ins/s beside them, {name}: /healthz {health:.0f}/s; "
              + ", ".join(f"{path} {share:.0%}" for path, share in shares.items())
              + f"; target >= 50%: {'met' if min(shares.values()) >= 0.5 else 'NOT met'}")


def section_recycling(bench, redis_url, memory_url, duration):
    pages = [f"/sessions/{open_training(title=f'Recycled {n}')[1]}" for n in range(30)]
    results = {}
    for name, url in (("Redis", redis_url), ("each worker's memory", memory_url)):
        for page in pages:  # drawn once before measuring
            Browser(url).request(page)
        outcomes = []
        rate, latencies = throughput(url, pages, duration, connections=4, outcomes=outcomes)
        misses = outcomes.count("miss")
        results[name] = (rate, misses)
        print(f"30 public training pages, workers recycled every 50 requests, cache in {name}: "
              f"{rate:.0f}/s, p50 {percentile(latencies, .5) * 1000:.0f} ms, p99 {percentile(latencies, .99) * 1000:.0f} ms, "
              f"{len(outcomes)} requests, {misses} drawn again ({misses / len(outcomes):.0%})")
    warnings = sum(log.read_text().count("page cache unavailable") for log in bench.dir.glob("server-*.log"))
    if warnings:
        print(f"  (the page cache could not reach Redis {warnings} times)")
    (rate_r, miss_r), (rate_m, miss_m) = results.values()
    print(f"recycling: throughput {rate_r / rate_m:.2f}x with the cache in Redis; pages drawn again: "
          f"{miss_r} in Redis, {miss_m} in memory")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="registration,cancel,logins,recycling")
    parser.add_argument("--duration", type=float, default=10)
    args = parser.parse_args()
    sections = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as directory:
        bench = Bench(directory, Mail())
        try:
            print(f"cluster: {' '.join(bench.urls)}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
            if sections & {"registration", "cancel"}:
                in_request = bench.server(REDIS_URL=None)  # jobs (mail) run inside the request
                if "registration" in sections:
                    section_registration(bench, in_request)
                if "cancel" in sections:
                    section_cancel(bench, in_request)
            if "logins" in sections:
                section_logins(bench, bench.server(PAGE_CACHE_ENTRIES=0), args.duration)
            if "recycling" in sections:
                recycle = ("--max-requests", "50", "--max-requests-jitter", "0")
                section_recycling(bench, bench.server(*recycle), bench.server(*recycle, REDIS_URL=None),
                                  args.duration)
        finally:
            bench.close()


if __name__ == "__main__":
    main()
