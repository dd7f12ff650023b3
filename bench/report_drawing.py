"""Benchmark: drawing the session and programme reports (HTML → PDF), beside the code of an earlier commit.

    .venv/bin/python bench/report_drawing.py [--old REF] [--repeat 3] [--rounds 2] [--langs en,ar]

Data, made afresh on a temporary SQLite database by each side:
- the session report of a completed training of 5 days with 200 confirmed participants, a realistic mix of marks
  (mostly present, some late, excused and absent), 12 organisations and 8 recommendations (the tests' factories);
- the programme report of ``seed-synthetic --sessions 100 --participants 100`` (84 trainings held, dated around
  2026-01-01 so both sides get the same rows).

What is timed is the drawing, not the gathering: ``reports.documents`` is run once with ``render_pdf`` held back
to get the template and its figures, then ``pdf.render_pdf(template, **figures)`` (the template, the text's
directions, WeasyPrint's layout and the PDF written) is timed in CPU seconds of the process, best of --repeat
after a warm-up run.

The old side is the code of REF (default: the commit before the report drawing was changed), taken with
``git archive`` into a temporary folder and run in its own process, like the new side (this working tree); the
two are run alternately --rounds times and each keeps its best. Prints both, their ratio, the pages and the load
average.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the commit before the reports' drawing was made cheaper (docs/performance.md, report drawing)
OLD_REF = "9765c5a"
MARKS = ("present", "late", "excused", "absent")


def seed_session_training():
    """A completed 5-day training with 200 confirmed participants and their marks; returns it."""
    import random
    from datetime import date

    from tests.factories import (
        CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory, attended,
    )

    rng = random.Random(7)
    training = CompletedTrainingFactory(end_date=date(2022, 2, 19), capacity=250, title_ar="إدارة الحدود وحقوق الإنسان")
    organisations = [OrganisationFactory() for _ in range(12)]
    for n in range(200):
        marks = rng.choices(MARKS, weights=(80, 8, 5, 7), k=5)
        attended(training, marks, participant=ParticipantFactory(organisation=organisations[n % 12]))
    for organisation in organisations[:8]:
        RecommendationFactory(training=training, responsible_organisation=organisation, due_date=date(2023, 12, 31),
                              text="Adopt standard operating procedures to identify and refer vulnerable persons at "
                                   "border crossing points.")
    return training


def held_back(build):
    """(template, context) that ``build()`` hands to ``render_pdf``, without drawing it."""
    from training_mgr.reports import documents

    drawn = {}

    def keep(template, **context):
        drawn.update(template=template, context=context)
        return b""

    original, documents.render_pdf = documents.render_pdf, keep
    try:
        build()
    finally:
        documents.render_pdf = original
    return drawn["template"], drawn["context"]


def best_cpu(function, repeat):
    """(best CPU seconds of ``repeat`` runs after a warm-up, the last result)."""
    result, best = function(), None
    for _ in range(repeat):
        start = time.process_time()
        result = function()
        elapsed = time.process_time() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def measure(langs, repeat) -> dict:
    """{"<report> <lang>": {"cpu": s, "pages": n, "kb": size}} for the code on sys.path."""
    from datetime import date

    from flask_babel import force_locale
    from pypdf import PdfReader

    from training_mgr import create_app, pdf
    from training_mgr.extensions import db
    from training_mgr.reports import documents
    from training_mgr.reports.figures import ProgrammeFilters
    from training_mgr.seeds.synthetic import seed_synthetic

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                          "RATELIMIT_ENABLED": False})
        with app.test_request_context():
            db.create_all()
            training = seed_session_training()
            seed_synthetic(100, 100, seed=1, today=date(2026, 1, 1))
            builds = {"session": lambda: documents.session_report_pdf(training),
                      "programme": lambda: documents.programme_report_pdf(ProgrammeFilters())}
            for name, build in builds.items():
                for lang in langs:
                    with force_locale(lang):
                        template, context = held_back(build)
                        cpu, data = best_cpu(lambda: pdf.render_pdf(template, **context), repeat)
                    results[f"{name} {lang}"] = {"cpu": cpu, "pages": len(PdfReader(io.BytesIO(data)).pages),
                                                 "kb": len(data) / 1024}
    return results


def unpacked(ref: str, folder: Path) -> Path:
    """The files of commit ``ref`` in ``folder`` (``git archive``: nothing in the repository changes)."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_side(code: Path, langs, repeat) -> dict:
    out = subprocess.run([sys.executable, __file__, "--side", str(code), "--langs", ",".join(langs),
                          "--repeat", str(repeat)], capture_output=True, text=True, cwd=code)
    if out.returncode:
        sys.exit(f"measuring {code} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", default=OLD_REF, help="the commit to compare with (default %(default)s)")
    parser.add_argument("--new", help="a commit to measure instead of this working tree")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="old and new runs, alternately")
    parser.add_argument("--langs", default="en,ar")
    parser.add_argument("--side", help=argparse.SUPPRESS)  # measure the code in this folder, print JSON
    args = parser.parse_args()
    langs = args.langs.split(",")
    if args.side:
        sys.path.insert(0, args.side)
        print(json.dumps(measure(langs, args.repeat)))
        return

    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        old_code = unpacked(args.old, Path(folder) / "old")
        new_code = unpacked(args.new, Path(folder) / "new") if args.new else ROOT
        best = {"old": {}, "new": {}}
        for _ in range(args.rounds):
            for side, code in (("old", old_code), ("new", new_code)):
                for key, value in run_side(code, langs, args.repeat).items():
                    kept = best[side].get(key)
                    best[side][key] = value if kept is None or value["cpu"] < kept["cpu"] else kept
    print(f"drawing (HTML → PDF), CPU seconds, best of {args.repeat} after a warm-up, {args.rounds} rounds; "
          f"old = {args.old}, new = {args.new or 'this working tree'}")
    print(f"{'report':<14} {'old':>7} {'new':>7} {'old/new':>8} {'pages old → new':>16} {'KB old → new':>14}")
    for key, new in best["new"].items():
        old = best["old"][key]
        print(f"{key:<14} {old['cpu']:>6.2f}s {new['cpu']:>6.2f}s {old['cpu'] / new['cpu']:>7.2f}× "
              f"{old['pages']:>8} → {new['pages']:<5} {old['kb']:>6.0f} → {new['kb']:<5.0f}")
    print("load average at the start {:.1f} {:.1f} {:.1f}, at the end {:.1f} {:.1f} {:.1f}".format(
        *load, *os.getloadavg()))


if __name__ == "__main__":
    main()
