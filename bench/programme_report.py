"""Benchmark: the programme report on synthetic data, against the obvious per-training loop.

    .venv/bin/python bench/programme_report.py [--sessions 100] [--participants 100] [--database-url URL]

Loads ``seed-synthetic`` into a fresh database (a temporary SQLite file unless --database-url names an
empty one), then times, best of --repeat runs:

- the figures (``reports.figures.programme_figures``: aggregate SQL, a fixed number of statements),
- the obvious way to get the same figures: loop over the trainings and their registrations through
  the ORM's lazy relationships (one statement per training, registration, participant …),
- the whole PDF and XLSX files,

checks that both ways give the same numbers, and prints the times, statement counts and the ratio.
"""
import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training_mgr import create_app  # noqa: E402
from training_mgr.attendance.services import ATTENDED, certificate_rule_result  # noqa: E402
from training_mgr.seeds.synthetic import seed_synthetic  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.recommendations.models import Recommendation  # noqa: E402
from training_mgr.registrations.models import Registration  # noqa: E402
from training_mgr.reports import documents  # noqa: E402
from training_mgr.reports.figures import ProgrammeFilters, programme_figures  # noqa: E402
from training_mgr.trainings.models import TrainingSession  # noqa: E402


def obvious_programme_figures():
    """What one writes first: walk every training, registration and mark through lazy relationships."""
    persons, person_days, attended, completed, certified = {}, 0, 0, 0, 0
    recommendations = defaultdict(int)
    sessions = db.session.scalars(select(TrainingSession).where(TrainingSession.status == "completed")).all()
    for training in sessions:
        registrations = db.session.scalars(select(Registration).where(Registration.training_id == training.id))
        for registration in registrations:
            if registration.status != "confirmed":
                continue
            statuses = [mark.status for mark in registration.marks]
            days = sum(1 for s in statuses if s in ATTENDED)
            person_days += days
            if days:
                attended += 1
                participant = registration.participant
                persons[participant.id] = (participant.sex, participant.organisation.name if participant.organisation else None)
            completed += certificate_rule_result(training, statuses).met
            certified += any(c.status == "valid" for c in registration.certificates)
        for recommendation in db.session.scalars(select(Recommendation).where(Recommendation.training_id == training.id)):
            recommendations[recommendation.status] += 1
    by_sex = defaultdict(int)
    for sex, _ in persons.values():
        by_sex[sex] += 1
    return {
        "trainings": len(sessions), "persons": len(persons), "participations": attended, "person_days": person_days,
        "completed": completed, "certified": certified, "by_sex": dict(by_sex), "recommendations": dict(recommendations),
    }


def fast_programme_figures():
    figures = programme_figures(ProgrammeFilters())
    return {
        "trainings": figures.trainings_held, "persons": figures.persons_trained,
        "participations": figures.totals.attended, "person_days": figures.totals.person_days,
        "completed": figures.totals.completed, "certified": figures.totals.certified,
        "by_sex": {k: v for k, v in figures.by_sex.items() if v},
        "recommendations": {k: v for k, v in figures.recommendations_by_status.items() if v},
    }


def measure(function, repeat):
    """(best seconds, statements of the last run, result), each run on a cold identity map."""
    best, statements, result = float("inf"), 0, None
    for _ in range(repeat):
        db.session.remove()
        seen = []

        def count(*args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        best, statements = min(best, elapsed), len(seen)
    return best, statements, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--participants", type=int, default=100, help="registrations per training")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="an empty database; default: a temporary SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.test_request_context("/?lang=en"):
            db.create_all()
            started = time.perf_counter()
            counts = seed_synthetic(args.sessions, args.participants)
            print(f"seeded in {time.perf_counter() - started:.1f} s: {counts}")
            print(f"database: {db.engine.dialect.name}")

            fast = measure(fast_programme_figures, args.repeat)
            slow = measure(obvious_programme_figures, args.repeat)
            assert fast[2] == slow[2], (fast[2], slow[2])
            pdf = measure(lambda: documents.programme_report_pdf(ProgrammeFilters()), args.repeat)
            xlsx = measure(lambda: documents.programme_report_xlsx(ProgrammeFilters()), args.repeat)
            db.session.remove()
            db.drop_all()

    print(f"figures: {fast[2]}")
    print(f"{'what':<38} {'seconds':>8} {'statements':>11}")
    print(f"{'programme figures (aggregate SQL)':<38} {fast[0]:8.3f} {fast[1]:11d}")
    print(f"{'same figures, per-training ORM loop':<38} {slow[0]:8.3f} {slow[1]:11d}")
    print(f"{'programme report PDF (figures+render)':<38} {pdf[0]:8.3f} {pdf[1]:11d}")
    print(f"{'programme report XLSX (figures+write)':<38} {xlsx[0]:8.3f} {xlsx[1]:11d}")
    print(f"ratio obvious / aggregate: {slow[0] / fast[0]:.0f}x")


if __name__ == "__main__":
    main()
