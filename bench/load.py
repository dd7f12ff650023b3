"""Load benchmark: real pages against /healthz on the same gunicorn server, in the same run.

    .venv/bin/python bench/load.py [--database-url URL] [--duration 10] [--connections 8] [--page-cache-entries 0]

Loads ``seed-synthetic --sessions 100 --participants 100`` into a fresh database (a temporary SQLite
file unless --database-url names an empty one), starts gunicorn with the production settings
(``training_mgr.gunicorn_conf``: TRAINING_MGR_WEB_CONCURRENCY workers × TRAINING_MGR_WEB_THREADS threads)
on 127.0.0.1, logs in as the officer of a 100-person training, and drives each page with wrk
(Debian package ``wrk``) for --duration seconds at --connections open connections:

- ``/healthz`` — the floor: routing, one ``SELECT 1``; measured first and last, averaged,
- ``/`` — the public catalogue,
- ``/sessions/<id>`` — a training's public page,
- ``/officer/trainings/<id>/registrations`` — the officer's list of 100 registrations,
- ``/officer/trainings/<id>/attendance`` — the attendance grid (100 people × the training's days).

It prints throughput, p50/p95/p99 latency, each page's throughput as a fraction of /healthz's, the
SQL statements one request of each page runs (drawn, and seen again), the workers' CPU time per request
(steadier than wall time when other processes share the machine), and whether the targets hold (≥ 1/4
of /healthz, p99 under 100 ms). The registrations list and the attendance grid have a page cache
(``core/pagecache.py``): wrk asks for the same page again and again with nothing written in between, so
they are served from it; ``--page-cache-entries 0`` measures drawing every request instead, and
``--writes-per-second N`` changes a person of the benchmarked training N times a second meanwhile (each
write makes kept pages stale). Traffic goes to 127.0.0.1 only; every run is bounded by --duration.
"""
import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import event, func, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training_mgr import create_app  # noqa: E402
from training_mgr.auth.models import User  # noqa: E402
from training_mgr.seeds.synthetic import seed_synthetic  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.participants.models import Participant  # noqa: E402
from training_mgr.registrations.models import Registration  # noqa: E402
from training_mgr.trainings.models import TrainingSession, session_officers  # noqa: E402

PASSWORD = "bench-officer-passphrase"
TARGET_RATIO = 0.25
TARGET_P99_MS = 100

WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "non_2xx_3xx": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def prepare_database(database_url, sessions, participants, page_cache_entries=None):
    """Migrate, seed, give one synthetic officer a password; return (officer e-mail, page paths)."""
    from flask_migrate import upgrade

    config = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"}
    if page_cache_entries is not None:
        config["PAGE_CACHE_ENTRIES"] = page_cache_entries
    app = create_app(config)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        counts = seed_synthetic(sessions, participants, seed=1)
        print(f"seed-synthetic --sessions {sessions} --participants {participants}: "
              f"{', '.join(f'{k} {v}' for k, v in counts.items())} ({time.perf_counter() - started:.0f} s)")
        registrations = (select(Registration.training_id, func.count().label("n"))
                         .group_by(Registration.training_id).subquery())
        # the officer's busiest completed training (a full attendance grid) and an open one for the public page
        completed = db.session.execute(
            select(TrainingSession, session_officers.c.user_id)
            .join(session_officers, session_officers.c.training_session_id == TrainingSession.id)
            .join(registrations, registrations.c.training_session_id == TrainingSession.id)
            .where(TrainingSession.status == "completed")
            .order_by(registrations.c.n.desc(), TrainingSession.id).limit(1)
        ).one()
        training, officer_id = completed
        open_training = db.session.scalar(
            select(TrainingSession).where(TrainingSession.status == "open").order_by(TrainingSession.id).limit(1))
        officer = db.session.get(User, officer_id)
        officer.set_password(PASSWORD)
        db.session.commit()
        pages = {
            "/healthz": "/healthz",
            "catalogue": "/",
            "training page": f"/sessions/{(open_training or training).id}",
            "registrations list": f"/officer/trainings/{training.id}/registrations",
            "attendance grid": f"/officer/trainings/{training.id}/attendance",
        }
        email, user_id = officer.email, officer.get_id()
    statement_counts = count_statements(app, user_id, pages)  # outside the context: each request its own session
    with app.app_context():
        db.engine.dispose()
    return email, pages, statement_counts, training.id


def count_statements(app, user_id, pages):
    """SQL statements one request of each page runs (in-process, same code and data)."""
    counts = {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
    for name, path in pages.items():
        counts[name] = []
        for _ in range(2):  # drawn, then seen again (served from the page cache where the page has one)
            statements = []

            def record(conn, cursor, statement, *args):
                statements.append(statement)

            event.listen(engine, "before_cursor_execute", record)
            response = client.get(path)
            event.remove(engine, "before_cursor_execute", record)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code} in-process; cannot benchmark it.")
            counts[name].append(len(statements))
    return counts


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url, port, workers, threads, page_cache_entries=None):
    env = {
        **os.environ,
        "TRAINING_MGR_SQLALCHEMY_DATABASE_URI": database_url,
        "TRAINING_MGR_SECRET_KEY": secrets.token_hex(32),
        "TRAINING_MGR_WEB_CONCURRENCY": str(workers),
        "TRAINING_MGR_WEB_THREADS": str(threads),
    }
    if page_cache_entries is not None:
        env["TRAINING_MGR_PAGE_CACHE_ENTRIES"] = str(page_cache_entries)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # --max-requests 0: a recycled worker would take its CPU time with it
    server = subprocess.Popen(
        [str(gunicorn), "-c", "python:training_mgr.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--max-requests", "0", "training_mgr:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not start: {server.stderr.read()[-2000:]}")


def log_in(base, email):
    """Log in through the real form (with its CSRF token); returns the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
    opener.open(f"{base}/login", data=form).read()
    cookies = {c.name: c.value for c in jar}
    if "session" not in cookies:
        raise SystemExit("Logging in failed.")
    return opener, f"session={cookies['session']}"


def check_pages(opener, base, pages):
    for path in pages.values():
        with opener.open(f"{base}{path}") as response:
            if response.status != 200 or response.url != f"{base}{path}":
                raise SystemExit(f"{path} answered {response.status} at {response.url}; not benchmarking a redirect.")


def workers_cpu_seconds(server) -> float:
    """User + system CPU time of gunicorn's worker processes so far (Linux /proc)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class SteadyWriter(threading.Thread):
    """Changes one registered person of the benchmarked training ``per_second`` times a second, each in its own
    commit (what officers and online registrations do to a busy training), so that kept pages go stale."""

    def __init__(self, database_url, training_id, per_second):
        super().__init__(daemon=True)
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
        self.training_id, self.per_second, self.stop, self.writes = training_id, per_second, threading.Event(), 0

    def run(self):
        with self.app.app_context():
            person = db.session.scalar(select(Registration.participant_id)
                                       .where(Registration.training_id == self.training_id).limit(1))
            while not self.stop.wait(1 / self.per_second):
                self.writes += 1
                db.session.execute(update(Participant).where(Participant.id == person)
                                   .values(position=f"Border officer {self.writes}"))
                db.session.commit()
            db.session.remove()
            db.engine.dispose()


def run_wrk(url, cookie, duration, connections, script):
    result = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{duration}s",
         "--timeout", "5s", "--script", script, "--header", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=duration + 30,
    )
    line = result.stdout.strip().splitlines()[-1]
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an EMPTY database to load (default: a temporary SQLite file)")
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="open connections (default 8)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (default: one per CPU)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync workers, as in production)")
    parser.add_argument("--writes-per-second", type=float, default=0,
                        help="meanwhile, change a person of the benchmarked training this often (default 0: reads only)")
    parser.add_argument("--page-cache-entries", type=int,
                        help="TRAINING_MGR_PAGE_CACHE_ENTRIES for the server (default: the app's; 0 draws every page afresh)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        email, pages, statements, training_id = prepare_database(
            database_url, args.sessions, args.participants, args.page_cache_entries)
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_REPORT)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(database_url, port, args.workers, args.threads, args.page_cache_entries)
        try:
            opener, cookie = log_in(base, email)
            check_pages(opener, base, pages)
            results = {}
            order = list(pages) + ["/healthz"]  # /healthz first and last: the machine may be busy with others
            for name in order:
                url = f"{base}{pages[name]}"
                run_wrk(url, cookie, 2, args.connections, script)  # warm-up, not counted
                writer = SteadyWriter(database_url, training_id, args.writes_per_second) if args.writes_per_second else None
                if writer:
                    writer.start()
                cpu_before = workers_cpu_seconds(server)
                figures = run_wrk(url, cookie, args.duration, args.connections, script)
                figures["cpu_ms"] = (workers_cpu_seconds(server) - cpu_before) * 1000 / max(figures["requests"], 1)
                if writer:
                    writer.stop.set()
                    writer.join()
                results.setdefault(name, []).append(figures)
        finally:
            server.terminate()
            server.wait(timeout=30)

    backend = database_url.split(":", 1)[0].split("+")[0]
    cache = "page cache off" if args.page_cache_entries == 0 else "page cache on"
    writes = f", {args.writes_per_second:g} writes/s meanwhile" if args.writes_per_second else ""
    print(f"\n{backend}, gunicorn {args.workers} workers × {args.threads} threads, {cache}{writes}, wrk "
          f"{args.connections} connections, {args.duration} s per page, {os.cpu_count()} CPUs\n")
    healthz_rps = sum(f["rps"] for f in results["/healthz"]) / len(results["/healthz"])
    healthz_cpu = sum(f["cpu_ms"] for f in results["/healthz"]) / len(results["/healthz"])
    header = (f"{'page':<20} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'SQL':>5} "
              f"{'× healthz':>9} {'CPU ms/req':>10} {'CPU × healthz':>13}  target")
    print(header)
    print("-" * len(header))
    failures = 0
    for name in pages:
        runs = results[name]
        rps = sum(f["rps"] for f in runs) / len(runs)
        worst = max(runs, key=lambda f: f["p99_us"])
        ratio = rps / healthz_rps
        errors = sum(f["non_2xx_3xx"] + f["socket_errors"] for f in runs)
        cpu_ms = sum(f["cpu_ms"] for f in runs) / len(runs)
        ok = name == "/healthz" or (ratio >= TARGET_RATIO and worst["p99_us"] / 1000 < TARGET_P99_MS and not errors)
        failures += not ok
        print(f"{name:<20} {rps:>8.0f} {worst['p50_us'] / 1000:>7.1f} {worst['p95_us'] / 1000:>7.1f} "
              f"{worst['p99_us'] / 1000:>7.1f} {errors:>6} {'/'.join(map(str, statements[name])):>5} {ratio:>9.2f} "
              f"{cpu_ms:>10.1f} {cpu_ms / healthz_cpu:>13.1f}  "
              f"{'—' if name == '/healthz' else ('ok' if ok else 'MISSED')}")
    print("\nSQL: statements of one request drawn in-process / of the same request again (page cache).")
    print(f"Targets: at least {TARGET_RATIO:.2f} × /healthz throughput, p99 under {TARGET_P99_MS} ms, no errors.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
