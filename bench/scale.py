"""Benchmark: what pages, API answers and the programme report cost on small data and on big data, side by side,
and the old way beside the new one where both still exist.

    .venv/bin/python bench/scale.py --small-url postgresql+psycopg://…/SMALL --big-url postgresql+psycopg://…/BIG
        [--small 100x100] [--big 100x10000] [--repeat 5] [--skip-report] [--skip-seed-comparison]

Each database is migrated and seeded (``seed-synthetic --sessions S --participants P``) when it has no
trainings yet; the seeding time is printed. Then, in-process through the Flask test client as an admin, with
the page cache off (what every page costs after a write), best of --repeat:

- the catalogue, a training's public page, the read API's list of trainings, a page of a training's
  registrations (page 1, and the middle page by ``?page=`` — OFFSET — and by the ``next`` link's ``after=`` —
  keyset),
  the officer's registrations list of the largest completed training (its first and last page, filtered by its rarest
  organisation, by sex, searched by one person's e-mail, sorted by organisation) and its counts by organisation;
- seats taken of the catalogue's trainings: the kept tallies (``seats.seats_taken_by_session``) against
  counting every registration (``occupies_seat`` GROUP BY), the old way;
- unless --skip-report, the programme report's figures (beside the same figures counted over every registration,
  the old way, alternated), the evaluation figures, PDF, XLSX and participants CSV: wall
  time, this process's CPU, the database server's CPU (its backend process, read from /proc: run PostgreSQL on this
  machine; a parallel query's workers are not counted) and the statements;
- unless --skip-seed-comparison, seeding 20 × 300 into a temporary SQLite file with the new batched inserts
  against the ORM bulk INSERT used before.

It prints one table: small | big | big ÷ small in wall time (best run) and in CPU (this process's in the median run
and the database backend's mean per run, together), the big data's database CPU alone, the statements, and the old ÷ new ratios.
Run it on a quiet machine: the CPU columns are steadier than the wall times when other work shares the machine.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training_mgr import create_app  # noqa: E402
from training_mgr.auth.models import User  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.registrations import seats  # noqa: E402
from training_mgr.registrations.models import Registration, occupies_seat  # noqa: E402
from training_mgr.evaluation.results import evaluation_figures  # noqa: E402
from training_mgr.reports import documents, figures  # noqa: E402
from training_mgr.reports.figures import ProgrammeFilters, programme_figures  # noqa: E402
from training_mgr.seeds import synthetic  # noqa: E402
from training_mgr.trainings.models import TrainingSession  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def make_app(url):
    from flask_login import FlaskLoginClient

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PAGE_CACHE_ENTRIES": 0,
                      "RATELIMIT_ENABLED": False})
    app.test_client_class = FlaskLoginClient
    return app


def prepare(url, size):
    """Migrate and seed the database if it has no trainings; return (app, seeding seconds or None)."""
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count(TrainingSession.id))):
            return app, None
        sessions, participants = (int(n) for n in size.split("x"))
        started = time.perf_counter()
        synthetic.seed_synthetic(sessions, participants)
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        return app, seconds


def backend_cpu():
    """CPU seconds of this session's PostgreSQL backend process so far (0 on SQLite or a remote server)."""
    if db.engine.dialect.name != "postgresql":
        return 0.0
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def measure(function, repeat):
    """{seconds, cpu, server_cpu, statements} of the best of ``repeat`` runs (by wall time), with ``median_cpu``, this
    process's CPU seconds in the median run (a garbage collection now and then makes the mean jump), and
    ``mean_server_cpu``, the database backend's per run over all of them (read in 10 ms ticks: one run's is too coarse
    for a page)."""
    best, cpus, server_total = None, [], 0.0
    for _ in range(repeat):
        db.session.expire_all()
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        server = backend_cpu()
        event.listen(db.engine, "before_cursor_execute", listener)
        started, cpu = time.perf_counter(), time.process_time()
        function()
        result = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}
        event.remove(db.engine, "before_cursor_execute", listener)
        result.update(server_cpu=backend_cpu() - server, statements=len(seen))
        cpus.append(result["cpu"])
        server_total += result["server_cpu"]
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    return {**best, "median_cpu": sorted(cpus)[len(cpus) // 2], "mean_server_cpu": server_total / repeat}


def keep_best(results, name, result):
    """Keep the quicker of ``result`` and what ``results[name]`` holds."""
    if name not in results or result["seconds"] < results[name]["seconds"]:
        results[name] = result


def old_programme_figures():
    """The programme figures counted over every registration (key figures and distinct persons trained), as before
    the database kept them (the way a report for a period still counts them)."""
    kept, figures.kept_course = figures.kept_course, lambda filters: None
    try:
        return programme_figures(ProgrammeFilters())
    finally:
        figures.kept_course = kept


def old_seats_taken(ids):
    """The old way: count every registration of the trainings with the seat rule."""
    return dict(db.session.execute(
        select(Registration.training_id, func.count(Registration.id))
        .where(Registration.training_id.in_(ids), occupies_seat(func.now()))
        .group_by(Registration.training_id)
    ).all())


def list_filters(training_id):
    """The officer list's filters measured: the organisation with the fewest registrations in the training, and the
    e-mail address of one of its participants (a search that matches one person)."""
    from training_mgr.participants.models import Participant

    rarest = db.session.execute(
        select(Participant.organisation_id).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training_id, Participant.organisation_id.is_not(None))
        .group_by(Participant.organisation_id).order_by(func.count(), Participant.organisation_id).limit(1)
    ).scalar()
    email = db.session.scalar(
        select(Participant.email).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training_id).order_by(Registration.id.desc()).limit(1)
    )
    return rarest, email


def run(app, repeat, report):
    results = {}
    with app.test_request_context("/?lang=en"):
        admin = db.session.scalar(select(User).where(User.role == "admin").limit(1))
        if admin is None:
            admin = User(email="bench.admin@example.org", role="admin", name="Bench")
            db.session.add(admin)
            db.session.commit()
        largest = db.session.scalar(
            select(Registration.training_id).group_by(Registration.training_id)
            .order_by(func.count().desc(), Registration.training_id.desc()).limit(1)
        )
        listed = db.session.scalars(select(TrainingSession.id).where(TrainingSession.status == "open")).all()[:20]
        ids = db.session.scalars(
            select(Registration.id).where(Registration.training_id == largest).order_by(Registration.id)
        ).all()
        middle = len(ids) // 100  # the page in the middle of the training's registrations, 50 a page
        after = ids[middle * 50 - 1] if middle else 0
        rarest, email = list_filters(largest)
        officer_list = f"/officer/trainings/{largest}/registrations"
        client = app.test_client(user=admin)
        pages = {
            "catalogue /": "/",
            "training page /sessions/<id>": f"/sessions/{largest}",
            "API /api/v1/sessions": "/api/v1/sessions",
            "API registrations, page 1": f"/api/v1/sessions/{largest}/registrations",
            "API registrations, middle page (?page=, OFFSET)": f"/api/v1/sessions/{largest}/registrations?page={middle + 1}",
            "API registrations, middle page (next link, after=)":
                f"/api/v1/sessions/{largest}/registrations?page={middle + 1}&after={after}",
            "officer registrations list": officer_list,
            "officer registrations list, last page": f"{officer_list}?page={(len(ids) + 49) // 50}",
            "officer registrations list, rarest organisation": f"{officer_list}?organisation={rarest}",
            "officer registrations list, sorted by organisation": f"{officer_list}?sort=organisation",
            "officer registrations list, searched by e-mail": f"{officer_list}?q={email}",
            "officer registrations list, women": f"{officer_list}?sex=female",
            "registrations by organisation": f"{officer_list}/by-organisation",
        }
        for name, url in pages.items():
            status = client.get(url).status_code  # warm up
            assert status == 200, f"{url} answered {status}"
            results[name] = measure(lambda: client.get(url), repeat)
        results["seats of 20 listed trainings (kept tallies)"] = measure(lambda: seats.seats_taken_by_session(listed), repeat)
        results["seats of 20 listed trainings (count all, old)"] = measure(lambda: old_seats_taken(listed), repeat)
        if report:
            filters = ProgrammeFilters()
            held = [training.id for training, _ in programme_figures(filters).trainings]
            for _ in range(2):  # alternated, the kept counts against counting over every registration
                keep_best(results, "programme figures", measure(lambda: programme_figures(filters), 1))
                keep_best(results, "programme figures, counted over the registrations (old)",
                          measure(old_programme_figures, 1))
            results["evaluation figures"] = measure(lambda: evaluation_figures(held, comments=False), repeat)
            results["programme report PDF"] = measure(lambda: documents.programme_report_pdf(filters), 1)
            results["programme report XLSX"] = measure(lambda: documents.programme_report_xlsx(filters), 1)
            results["participants CSV"] = measure(lambda: documents.participants_csv(filters=filters), 1)
    return results


def seed_comparison():
    """Seeding 20 × 300 into SQLite: batched inserts against the ORM bulk INSERT used before."""
    from sqlalchemy import insert

    def orm_bulk(model, rows, returning=False):
        if not rows:
            return []
        keys = {c.name: model.__mapper__.get_property_by_column(c).key for c in model.__table__.c}
        rows = [{keys[k]: v for k, v in row.items()} for row in rows]
        if returning:
            return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))
        db.session.execute(insert(model), rows)
        return []

    times = {}
    for name, inserter in (("new", synthetic.insert_rows), ("old", orm_bulk)):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/seed.sqlite", "SECRET_KEY": "bench"})
            with app.app_context():
                db.create_all()
                original, synthetic.insert_rows = synthetic.insert_rows, inserter
                try:
                    started = time.perf_counter()
                    synthetic.seed_synthetic(20, 300)
                    times[name] = time.perf_counter() - started
                finally:
                    synthetic.insert_rows = original
                db.session.remove()
                db.engine.dispose()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-url", required=True)
    parser.add_argument("--big-url", required=True)
    parser.add_argument("--small", default="100x100", help="sessions x participants of the small data")
    parser.add_argument("--big", default="100x10000", help="sessions x participants of the big data")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-seed-comparison", action="store_true")
    args = parser.parse_args()

    small_app, small_seed = prepare(args.small_url, args.small)
    big_app, big_seed = prepare(args.big_url, args.big)
    for label, seconds in (("small", small_seed), ("big", big_seed)):
        if seconds is not None:
            print(f"seeded the {label} data in {seconds:.1f} s")
    small = run(small_app, args.repeat, not args.skip_report)
    big = run(big_app, args.repeat, not args.skip_report)

    # CPU: this process's (median run) and the database backend's (mean per run) together
    print(f"\n{'':<50} {'small ms':>9} {'big ms':>9} {'big/small':>9} {'small CPU':>9} {'big CPU':>8} {'big/small':>9}"
          f" {'big DB CPU':>10} {'SQL':>7}")
    for name in small:
        s, b = small[name], big[name]
        s_cpu, b_cpu = (r["median_cpu"] + r["mean_server_cpu"] for r in (s, b))
        print(f"{name:<50} {s['seconds'] * 1000:9.1f} {b['seconds'] * 1000:9.1f} {b['seconds'] / s['seconds']:8.2f}x"
              f" {s_cpu * 1000:9.1f} {b_cpu * 1000:8.1f} {b_cpu / s_cpu if s_cpu else 0:8.2f}x"
              f" {b['mean_server_cpu'] * 1000:10.1f} {s['statements']:>3}/{b['statements']:<3}")
    print("\nold ÷ new on the big data:")
    for old, new in (("API registrations, middle page (?page=, OFFSET)", "API registrations, middle page (next link, after=)"),
                     ("seats of 20 listed trainings (count all, old)", "seats of 20 listed trainings (kept tallies)"),
                     ("programme figures, counted over the registrations (old)", "programme figures")):
        if old not in big:
            continue
        print(f"  {old} ÷ {new}: {big[old]['seconds'] / big[new]['seconds']:.1f}x"
              f" (database CPU {big[old]['server_cpu']:.2f} s ÷ {big[new]['server_cpu']:.2f} s)")
    if not args.skip_seed_comparison:
        times = seed_comparison()
        print(f"  seeding 20 x 300 (SQLite): ORM bulk INSERT {times['old']:.1f} s ÷ batched {times['new']:.1f} s: "
              f"{times['old'] / times['new']:.1f}x")


if __name__ == "__main__":
    main()
