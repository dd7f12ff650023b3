"""Benchmark: a bulk issue of 500 certificates run by a real worker with two processes, against one.

    .venv/bin/python bench/bulk_certificates.py [--count 500] [--concurrency 1 2] [--part-size 50]

Needs Debian's ``redis-server``. Loads the demo data into a temporary SQLite file (or the PostgreSQL database
``--database-url`` names, which it empties), adds confirmed, fully present people to the reference training until
``--count`` are eligible, and starts Redis on a free loopback port. For each concurrency it copies the fresh
database, starts `flask --app training_mgr worker --concurrency N --no-beat`, warms its processes up (each renders
a certificate once: a long-lived worker has its fonts loaded), then starts the bulk job as the officer's page does
(``bulk.start``) and times it until the record says done, reading the progress as another app server would. It
checks that every eligible person got exactly one certificate with a serial of their own, and prints the times and
the ratio.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from training_mgr import create_app  # noqa: E402
from training_mgr.attendance.models import AttendanceMark  # noqa: E402
from training_mgr.bulk import services as bulk  # noqa: E402
from training_mgr.bulk.models import BulkJob  # noqa: E402
from training_mgr.certificates import services as certificates  # noqa: E402
from training_mgr.certificates.models import Certificate  # noqa: E402
from training_mgr.certificates.tasks import PART_JOB  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.participants.models import Participant  # noqa: E402
from training_mgr.registrations.models import Registration  # noqa: E402
from training_mgr.seeds.demo import seed_demo  # noqa: E402
from training_mgr.trainings.models import TrainingSession  # noqa: E402

FLASK = str(Path(sys.executable).with_name("flask"))
FIRST = ["Ahmed", "Zainab", "Mustafa", "Noor", "Haider", "Sarah", "Omar", "Hiba", "Laith", "Rana"]
FIRST_AR = ["أحمد", "زينب", "مصطفى", "نور", "حيدر", "سارة", "عمر", "هبة", "ليث", "رنا"]
LAST = ["Al-Maliki", "Al-Jubouri", "Al-Saadi", "Al-Obaidi", "Al-Tamimi", "Al-Ani", "Al-Dulaimi"]
LAST_AR = ["المالكي", "الجبوري", "الساعدي", "العبيدي", "التميمي", "العاني", "الدليمي"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_eligible_people(training, count):
    """Confirmed registrations, present every day, until ``count`` people of ``training`` are eligible."""
    missing = count - sum(1 for row in certificates.eligibility(training) if row.eligible)
    for i in range(missing):
        participant = Participant(name=f"{FIRST[i % 10]} {LAST[i % 7]} {i}", name_ar=f"{FIRST_AR[i % 10]} {LAST_AR[i % 7]} {i}",
                                  sex="female" if i % 3 else "male", email=f"bench{i}@example.org")
        db.session.add(participant)
        db.session.flush()
        registration = Registration(training_id=training.id, participant_id=participant.id, status="confirmed",
                                    source="import")
        db.session.add(registration)
        db.session.flush()
        db.session.add_all([AttendanceMark(registration_id=registration.id, session_day_id=day.id, status="present")
                            for day in training.days])
    db.session.commit()


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def start_worker(database_url, redis_url, concurrency, part_size, log):
    env = {**os.environ, "TRAINING_MGR_SQLALCHEMY_DATABASE_URI": database_url, "TRAINING_MGR_REDIS_URL": redis_url,
           "TRAINING_MGR_SECRET_KEY": "bench", "TRAINING_MGR_CERTIFICATE_PART_SIZE": str(part_size),
           "TRAINING_MGR_PUBLIC_BASE_URL": "https://training.example.org"}
    with open(log, "w") as output:
        return subprocess.Popen([FLASK, "--app", "training_mgr", "worker", "--no-beat", "--concurrency", str(concurrency)],
                                env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def warm_up(training, officer, concurrency):
    """Parts of one certificate, two per worker process: every process has loaded WeasyPrint and the fonts before
    the timed job, as a long-running worker has."""
    ids = [row.registration.id for row in certificates.eligibility(training) if row.eligible][:2 * concurrency]
    record = BulkJob(kind="certificates.issue", training_id=training.id, started_by_id=officer, status="running",
                    params={"lang": "en"})
    db.session.add(record)
    db.session.commit()
    bulk.plan_parts(record, total=len(ids), parts_total=len(ids), planned=ids, part_size=1)
    bulk.queue_parts(record, PART_JOB)
    wait_until(lambda: _status(record.id)[0] == "done", 300, "the warm-up job")


def _status(job_id):
    db.session.rollback()
    record = db.session.get(BulkJob, job_id)
    return record.status, record.done, record.total, record.error


def run(args, database_url, redis_url, concurrency, tmp):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "REDIS_URL": redis_url,
                      "PUBLIC_BASE_URL": "https://training.example.org"})
    worker = start_worker(database_url, redis_url, concurrency, args.part_size,
                          Path(args.log_dir or tmp) / f"worker-{concurrency}.log")
    try:
        with app.app_context():
            training = db.session.get(TrainingSession, 1)
            from training_mgr.auth.models import User

            officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
            warm_up(training, officer.id, concurrency)
            before = db.session.scalar(select(func.count()).select_from(Certificate))
            chosen = [row.registration.id for row in certificates.eligibility(training) if row.eligible][:args.count]
            wanted = len(chosen)
            started = time.perf_counter()
            with app.test_request_context():
                record = bulk.start("certificates.issue", by_user=officer, training=training,
                                    params={"registration_ids": chosen})
            seen = []
            while True:
                status = _status(record.id)
                seen.append(status[1])
                if status[0] in ("done", "failed"):
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            if status[0] != "done":
                raise SystemExit(f"the job failed: {status[3]}")
            serials = db.session.scalars(select(Certificate.serial)).all()
            per_person = db.session.execute(select(Certificate.registration_id, func.count()).group_by(
                Certificate.registration_id).having(func.count() > 1)).all()
            assert len(serials) - before == wanted and len(set(serials)) == len(serials) and not per_person
            return elapsed, wanted, len(set(seen))
    finally:
        stop(worker)
        with app.app_context():
            db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--part-size", type=int, default=50)
    parser.add_argument("--log-dir", help="keep the workers' logs there")
    args = parser.parse_args()
    server = shutil.which("redis-server")
    if not server:
        raise SystemExit("redis-server is not installed")

    with tempfile.TemporaryDirectory() as tmp:
        seeded = f"{tmp}/seeded.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{seeded}", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            seed_demo()
            add_eligible_people(db.session.get(TrainingSession, 1), args.count + 2 * max(args.concurrency))
            db.engine.dispose()
        port = free_port()
        redis = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                  "--dir", tmp], stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep(0.5)
            results = {}
            for concurrency in args.concurrency:
                copy = f"{tmp}/run-{concurrency}.sqlite"
                shutil.copy(seeded, copy)
                elapsed, count, steps = run(args, f"sqlite:///{copy}", f"redis://127.0.0.1:{port}/{concurrency}",
                                            concurrency, tmp)
                results[concurrency] = elapsed
                print(f"{count} certificates, {concurrency} worker process(es), parts of {args.part_size}: "
                      f"{elapsed:.2f} s ({elapsed / count * 1000:.0f} ms each; progress seen at {steps} values)")
            if 1 in results and len(results) > 1:
                for concurrency, elapsed in results.items():
                    if concurrency != 1:
                        print(f"{concurrency} processes / 1 process: {elapsed / results[1]:.2f}x")
            print(f"load average: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
        finally:
            stop(redis)


if __name__ == "__main__":
    main()
