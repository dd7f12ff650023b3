"""Check-in speed: how long an officer's phone waits for a scan to be acknowledged, on the loopback.

    .venv/bin/python bench/checkin.py [--people 2000] [--scans 200]

Loads the demo into a temporary SQLite database, makes its upcoming training run today with ``--people``
confirmed participants, starts gunicorn with the production settings on 127.0.0.1 (CSRF on), logs the
officer in and then, one request at a time as a phone sends them, compares for the same number of people:

- **scan**: the check-in page's JSON request for one badge (``POST /officer/trainings/<id>/check-in``), the
  answer the phone shows (name, mark);
- **day form**: the obvious way without the scanner, saving that one person's mark on the day's attendance
  page and waiting for the page to be drawn again (a page of 100 people).

Prints the median, 95th percentile and slowest time of each, and the ratio, then the size and drawing time
of the attendance grid and the day's page (searched by name, so not served from the page cache). Target: a scan acknowledged in
≤ 300 ms (95th percentile).
"""
import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from load import free_port, log_in  # noqa: E402

from training_mgr import create_app  # noqa: E402

TARGET_MS = 300


def prepare(database_url, secret, people):
    """The upcoming demo training runs today with ``people`` confirmed participants; returns (training id, today's
    day id, [badge links], [registration ids])."""
    from sqlalchemy import select

    from training_mgr.auth.models import User
    from training_mgr.checkin.tokens import badge_url
    from training_mgr.extensions import db
    from training_mgr.participants.models import Participant
    from training_mgr.registrations.models import Registration
    from training_mgr.seeds.demo import FOLLOW_UP_TITLE
    from training_mgr.trainings.models import TrainingSession
    from training_mgr.trainings.services import local_today
    from load import PASSWORD

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret,
                      "PUBLIC_BASE_URL": "http://127.0.0.1"})
    with app.app_context():
        training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == FOLLOW_UP_TITLE))
        today = local_today(training)
        for offset, day in enumerate(training.days):
            day.date = today + timedelta(days=offset)
        training.start_date, training.end_date = training.days[0].date, training.days[-1].date
        persons = [Participant(name=f"Bench Person {n:05d}", name_ar=f"مشارك {n}", sex="female" if n % 2 else "male",
                               email=f"bench{n}@example.org") for n in range(people)]
        db.session.add_all(persons)
        db.session.flush()
        registrations = [Registration(training_id=training.id, participant_id=p.id, status="confirmed", source="officer")
                         for p in persons]
        db.session.add_all(registrations)
        officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
        officer.set_password(PASSWORD)
        db.session.commit()
        return training.id, training.days[0].id, [badge_url(r.id) for r in registrations], [r.id for r in registrations]


def start_gunicorn(database_url, secret, port):
    env = {**os.environ, "TRAINING_MGR_SQLALCHEMY_DATABASE_URI": database_url, "TRAINING_MGR_SECRET_KEY": secret,
           "TRAINING_MGR_WEB_CONCURRENCY": "2", "TRAINING_MGR_WEB_THREADS": "2"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:training_mgr.gunicorn_conf", "--bind",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "training_mgr:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not start: {server.stderr.read()[-2000:]}")


def timed(opener, request) -> tuple[float, bytes]:
    started = time.perf_counter()
    with opener.open(request) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def summary(times) -> tuple[str, float]:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return f"median {statistics.median(times):6.1f} ms   95% {p95:6.1f} ms   slowest {times[-1]:6.1f} ms", p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--scans", type=int, default=200)
    args = parser.parse_args()
    secret = secrets.token_hex(32)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/demo.db"
        env = {**os.environ, "TRAINING_MGR_SQLALCHEMY_DATABASE_URI": database_url, "TRAINING_MGR_SECRET_KEY": secret}
        flask = [str(Path(sys.executable).with_name("flask")), "--app", "training_mgr"]
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
        training_id, day_id, badges, registration_ids = prepare(database_url, secret, args.people)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(database_url, secret, port)
        try:
            opener, _cookie = log_in(base, "officer@example.org")
            page = opener.open(f"{base}/officer/trainings/{training_id}/check-in").read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            scans = []
            for link in badges[: args.scans]:
                request = urllib.request.Request(
                    f"{base}/officer/trainings/{training_id}/check-in", data=json.dumps({"code": link}).encode(),
                    headers={"Content-Type": "application/json", "X-CSRFToken": token}, method="POST")
                ms, body = timed(opener, request)
                assert json.loads(body)["ok"], body
                scans.append(ms)
            forms = []
            day = f"{base}/officer/trainings/{training_id}/attendance/days/{day_id}"
            for registration_id in registration_ids[args.scans: args.scans + min(args.scans, 100)]:
                form = urllib.parse.urlencode({"csrf_token": token, f"mark-{registration_id}": "present"}).encode()
                ms, _body = timed(opener, urllib.request.Request(day, data=form, method="POST"))
                forms.append(ms)
            pages = {}
            for name, path in (("grid", f"/officer/trainings/{training_id}/attendance"),
                               ("day page", f"/officer/trainings/{training_id}/attendance/days/{day_id}")):
                opener.open(f"{base}{path}").read()  # the first drawing fills the page cache
                ms, body = timed(opener, urllib.request.Request(f"{base}{path}?q=Person"))
                pages[name] = (ms, len(body))
        finally:
            server.terminate()
            server.wait(timeout=30)
    scan_text, scan_p95 = summary(scans)
    form_text, form_p95 = summary(forms)
    print(f"{args.people} confirmed participants, gunicorn 2 workers × 2 threads, SQLite, one request at a time")
    print(f"scan      ({len(scans):4d}): {scan_text}")
    print(f"day form  ({len(forms):4d}): {form_text}")
    print(f"ratio (95%): the scan is acknowledged {form_p95 / scan_p95:.1f}× sooner")
    for name, (ms, size) in pages.items():
        print(f"{name:9s}: {size / 1024:6.0f} KiB, drawn in {ms:6.1f} ms (a page of 100 people, totals of all)")
    print(f"target: scan ≤ {TARGET_MS} ms at the 95th percentile: {'met' if scan_p95 <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
