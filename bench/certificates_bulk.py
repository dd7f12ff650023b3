"""Benchmark: a training's certificates rendered in one pass and split, against one document each.

    .venv/bin/python bench/certificates_bulk.py [--sizes 100 500] [--skip-one-each-above N]

Loads the demo data into a temporary SQLite file and makes N certificates for the reference
training (its organisers, signatories and both languages; people with Latin and Arabic names).
For each N it times, in the same run:

- the batch (``certificates.services.render_certificates`` → ``pdf.render_batch``): what every
  certificate shares laid out once (once per distinct layout, e.g. a name on two lines), what is
  personal laid out per person, each person's file the two layers stacked into one page;
- the obvious way: ``pdf.render_pdf`` once per person.

It prints wall-clock and CPU seconds and the ratio. Nothing is written to the database.
"""
import argparse
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training_mgr import create_app, pdf  # noqa: E402
from training_mgr.certificates import services  # noqa: E402
from training_mgr.certificates.models import Certificate  # noqa: E402
from training_mgr.seeds.demo import seed_demo  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.participants.models import Participant  # noqa: E402
from training_mgr.trainings.models import TrainingSession  # noqa: E402

FIRST = ["Ahmed", "Zainab", "Mustafa", "Noor", "Haider", "Sarah", "Omar", "Hiba", "Laith", "Rana"]
FIRST_AR = ["أحمد", "زينب", "مصطفى", "نور", "حيدر", "سارة", "عمر", "هبة", "ليث", "رنا"]
LAST = ["Al-Maliki", "Al-Jubouri", "Al-Saadi", "Al-Obaidi", "Al-Tamimi", "Al-Ani", "Al-Dulaimi"]
LAST_AR = ["المالكي", "الجبوري", "الساعدي", "العبيدي", "التميمي", "العاني", "الدليمي"]


def people(count):
    """``count`` (certificate, participant) pairs, not stored."""
    pairs = []
    for i in range(count):
        participant = Participant(
            name=f"{FIRST[i % 10]} {LAST[i % 7]} {i}", name_ar=f"{FIRST_AR[i % 10]} {LAST_AR[i % 7]} {i}", sex="male",
        )
        certificate = Certificate(
            serial=services.format_serial(2022, i + 1), code=services.new_verification_code(), year=2022, sequence=i + 1,
            printed_name=participant.name, printed_name_ar=participant.name_ar,
        )
        pairs.append((certificate, participant))
    return pairs


@contextmanager
def demo_training():
    """The demo's reference training, in an app on a temporary SQLite file loaded with the demo data."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            seed_demo()
            yield db.session.get(TrainingSession, 1)


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def one_each(training, pairs):
    context = services.print_context(training)
    return [
        pdf.render_pdf("pdf/certificate.html", anchor_prefix=services.PDF_ANCHOR_PREFIX,
                       certificates=[services._printed(c, p)], **context)
        for c, p in pairs
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--skip-one-each-above", type=int, default=None,
                        help="time only batch-and-split above this size (one each is slow)")
    args = parser.parse_args()

    with demo_training() as training:
        services.render_certificates(training, people(1))  # load WeasyPrint and the fonts once

        print(f"{'certificates':>12} {'batch s':>14} {'(cpu)':>7} {'one each s':>11} {'(cpu)':>7} {'ratio':>6} {'per cert ms':>12}")
        for size in args.sizes:
            pairs = people(size)
            files, batch_wall, batch_cpu = timed(lambda: services.render_certificates(training, pairs))
            assert len(files) == size
            if args.skip_one_each_above and size > args.skip_one_each_above:
                print(f"{size:>12} {batch_wall:>14.2f} {batch_cpu:>7.2f} {'-':>11} {'-':>7} {'-':>6} {batch_wall / size * 1000:>12.1f}")
                continue
            single, each_wall, each_cpu = timed(lambda: one_each(training, pairs))
            assert len(single) == size
            print(f"{size:>12} {batch_wall:>14.2f} {batch_cpu:>7.2f} {each_wall:>11.2f} {each_cpu:>7.2f} "
                  f"{each_wall / batch_wall:>5.1f}x {batch_wall / size * 1000:>12.1f}")


if __name__ == "__main__":
    main()
