"""Benchmark: a training's official letters for N participants (an invitation and a visa-support letter each, as the
ZIP the letters job makes) beside N certificates of the same training, in the same run.

    .venv/bin/python bench/letters_bulk.py [--count 200]

Loads the demo data into a temporary SQLite file; the reference training's organisers (with a logo and an address
each) make the letterhead and its first signatory signs. People with Latin and Arabic names, not stored. Times:

- the letters (``letters.services.render_letters`` for each kind → ``pdf.render_batch``: the page the letters of a
  kind share laid out once, each person's box once per person, the two stacked into one page) and the ZIP they go
  into;
- the certificates of as many people (``certificates.services.render_certificates`` → ``pdf.render_batch``).

Target (issue "Before the training"): the letters at most twice the time of the certificates. Prints wall-clock and
CPU seconds. Nothing is written to the database but the letterhead.
"""
import argparse
import io
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from bench.certificates_bulk import demo_training, people  # noqa: E402
from training_mgr.certificates import services as certificates  # noqa: E402
from training_mgr.extensions import db  # noqa: E402
from training_mgr.letters import services as letters  # noqa: E402
from training_mgr.registrations.models import Registration  # noqa: E402


def logo(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 90), color).save(buffer, "PNG")
    return buffer.getvalue()


def registrations(training, pairs):
    """One confirmed registration (not stored) per person, numbered like stored ones."""
    return [Registration(id=100000 + i, training_id=training.id, status="confirmed", participant=participant)
            for i, (_certificate, participant) in enumerate(pairs)]


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def letters_zip(training, regs) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in letters.KINDS:
            for registration, data in zip(regs, letters.render_letters(training, kind, regs, by_user=None)):
                archive.writestr(f"{kind}/{letters.letter_filename(registration, kind)}", data)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()

    with demo_training() as training:
        for index, organiser in enumerate(training.organisers):
            organiser.organisation.logo = logo((30 * index, 60, 120))
            organiser.organisation.logo_mimetype = "image/png"
            organiser.organisation.address = f"Street {index + 1}, Baghdad, Iraq"
            organiser.organisation.address_ar = "شارع الرشيد، بغداد، العراق"
        db.session.commit()
        pairs = people(args.count)
        regs = registrations(training, pairs)
        certificates.render_certificates(training, people(1))  # load WeasyPrint and the fonts once
        letters.render_letters(training, "invitation", regs[:1], by_user=None)

        files, cert_wall, cert_cpu = timed(lambda: certificates.render_certificates(training, pairs))
        assert len(files) == args.count
        archive, letter_wall, letter_cpu = timed(lambda: letters_zip(training, regs))
        assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == 2 * args.count
        print(f"{'people':>6} {'certificates s':>15} {'(cpu)':>7} {'letters s':>10} {'(cpu)':>7} {'ratio':>6} "
              f"{'per letter ms':>14} {'zip MB':>7}")
        print(f"{args.count:>6} {cert_wall:>15.2f} {cert_cpu:>7.2f} {letter_wall:>10.2f} {letter_cpu:>7.2f} "
              f"{letter_wall / cert_wall:>5.2f}x {letter_wall / (2 * args.count) * 1000:>14.1f} "
              f"{len(archive) / 1e6:>7.1f}")
        db.session.rollback()


if __name__ == "__main__":
    main()
