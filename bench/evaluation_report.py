"""Benchmark: what the evaluation adds to the programme report, on synthetic data.

    .venv/bin/python bench/evaluation_report.py [--sessions 100] [--participants 1000] [--database-url URL]

Loads ``seed-synthetic`` (which gives completed trainings pre-test, post-test and reaction answers) into a fresh
database (a temporary SQLite file unless --database-url names an empty one), then times, best of --repeat runs:

- the programme figures without evaluation (``reports.figures.programme_figures``),
- the evaluation figures of the same trainings (``evaluation.results.evaluation_figures``: summed in SQL),
- the obvious way to get the knowledge figures: every test response as a row, paired up in Python,
- the programme PDF and XLSX with their Evaluation section, and without it,

checks that both ways give the same knowledge figures, and prints times, statement counts and ratios. The rule
(issue "Evaluation"): statements constant in data size; the report with evaluation at most 2× the time without.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training_mgr import create_app  # noqa: E402
from training_mgr.evaluation import results  # noqa: E402
from training_mgr.evaluation.models import Instrument, Response  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.reports import documents  # noqa: E402
from training_mgr.reports.figures import ProgrammeFilters, programme_figures  # noqa: E402
from training_mgr.seeds.synthetic import seed_synthetic  # noqa: E402


def obvious_knowledge(training_ids):
    """Every pre- and post-test response as a row, paired in Python."""
    rows = db.session.execute(select(Instrument.training_id, Instrument.kind, Response.participant_id, Response.score)
                              .join(Response, Response.instrument_id == Instrument.id)
                              .where(Instrument.training_id.in_(training_ids), Instrument.kind.in_(("pre", "post")))).all()
    scores = {}
    for training_id, kind, participant_id, score in rows:
        scores.setdefault((training_id, kind), {})[participant_id] = score
    pairs = [(pre[p], post[p]) for t in training_ids for pre in [scores.get((t, "pre"), {})]
             for post in [scores.get((t, "post"), {})] for p in pre if p in post]
    return results.knowledge([(1, p, q, 1 if q > p else 0) for p, q in pairs])


def timed(function, repeat):
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    best = None
    try:
        for _ in range(repeat):
            statements.clear()
            db.session.expire_all()
            start = time.perf_counter()
            value = function()
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return value, best, len(statements)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-files", action="store_true", help="time the figures only, not the PDF and XLSX")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        with app.test_request_context():
            db.create_all()
            start = time.perf_counter()
            made = seed_synthetic(args.sessions, args.participants, seed=1)
            print(f"seeded {made} in {time.perf_counter() - start:.1f} s")
            filters = ProgrammeFilters()
            figures, t_programme, n_programme = timed(lambda: programme_figures(filters), args.repeat)
            ids = [t.id for t, _ in figures.trainings]
            evaluation, t_evaluation, n_evaluation = timed(lambda: results.evaluation_figures(ids, comments=False), args.repeat)
            obvious, t_obvious, n_obvious = timed(lambda: obvious_knowledge(ids), args.repeat)
            fast = evaluation["overall"]["knowledge"]
            assert fast["paired"] == obvious["paired"], (fast["paired"], obvious["paired"])
            assert abs(fast["mean_gain"] - obvious["mean_gain"]) < 1e-9
            print(f"trainings held: {len(ids)}, paired participants: {fast['paired']}")
            print(f"programme figures (no evaluation): {t_programme:.3f} s, {n_programme} statements")
            print(f"evaluation figures (summed in SQL): {t_evaluation:.3f} s, {n_evaluation} statements")
            print(f"knowledge from every response row:  {t_obvious:.3f} s, {n_obvious} statements "
                  f"(summed in SQL is {t_obvious / t_evaluation:.1f}× faster)")
            print(f"figures with evaluation / without: {(t_programme + t_evaluation) / t_programme:.2f}×")
            if not args.no_files:
                for name, render in (("PDF", lambda: documents.programme_report_pdf(filters)),
                                     ("XLSX", lambda: documents.programme_report_xlsx(filters))):
                    render()  # warm up: fonts, templates, caches
                    _, with_evaluation, _ = timed(render, 1)
                    with mock.patch.object(documents, "programme_section", return_value=None), \
                            mock.patch.object(documents, "add_evaluation_sheets"):
                        _, without, _ = timed(render, 1)
                    print(f"programme {name}: {with_evaluation:.2f} s with evaluation, {without:.2f} s without "
                          f"({with_evaluation / without:.2f}×)")


if __name__ == "__main__":
    main()
