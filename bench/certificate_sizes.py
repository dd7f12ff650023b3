"""Benchmark: how large the certificate files are, one person's and the merged print run.

    .venv/bin/python bench/certificate_sizes.py [--sizes 19 100 500]

Loads the demo data into a temporary SQLite file and renders N certificates of the reference training
(its organisers, signatories and both languages; people with Latin and Arabic names) as a batch, the way
issuing does (``certificates.services.render_certificates``). For each N it prints the size of one person's
file (smallest and largest), of the merged PDF as ``certificates.services.merged_pdf`` builds it
(``pdf.merge_pdfs``: each shared font, image and drawing stored once), of the same files merely appended
(pypdf, as before), and of the ZIP of the per-person files. Nothing is written to the database.
"""
import argparse
import io
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.certificates_bulk import demo_training, people  # noqa: E402
from training_mgr import pdf  # noqa: E402
from training_mgr.certificates import services  # noqa: E402


def appended(files) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in files:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zipped(files) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, data in enumerate(files):
            archive.writestr(f"{i}.pdf", data)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[19, 100, 500])
    args = parser.parse_args()
    kb = 1024
    with demo_training() as training:
        print(f"{'certificates':>12} {'one file KB':>14} {'merged MB':>10} {'KB/page':>8} {'merge s':>8} "
              f"{'appended MB':>12} {'zip MB':>7}")
        for size in args.sizes:
            files = services.render_certificates(training, people(size))
            started = time.perf_counter()
            merged = pdf.merge_pdfs(files)
            seconds = time.perf_counter() - started
            one = sorted(len(data) for data in files)
            per_page = (len(merged) - one[0]) / max(size - 1, 1) / kb
            print(f"{size:>12} {one[0] / kb:>6.0f}–{one[-1] / kb:<7.0f} {len(merged) / kb / kb:>10.2f} "
                  f"{per_page:>8.1f} {seconds:>8.2f} {len(appended(files)) / kb / kb:>12.2f} "
                  f"{len(zipped(files)) / kb / kb:>7.2f}")


if __name__ == "__main__":
    main()
