"""Certificate files of a sensible size: one person's file under 60 KB; the merged print run stores each font and
the drawing the certificates share once (under 30 KB a page after the first) and still looks page for page like
the people's own files."""
import io
import subprocess

from PIL import Image, ImageChops
from pypdf import PdfReader

from tests.factories import CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines
from training_mgr.certificates import services
from training_mgr.extensions import db
from training_mgr.trainings.models import SessionOrganiser, Signatory
from tests.test_certificate_fit import signature_png

PEOPLE = 30
FIRST = ["Ahmed", "Zainab", "Mustafa", "Noor", "Haider", "Sarah", "Omar", "Hiba", "Laith", "Rana"]
FIRST_AR = ["أحمد", "زينب", "مصطفى", "نور", "حيدر", "سارة", "عمر", "هبة", "ليث", "رنا"]
LAST, LAST_AR = ["Al-Maliki", "Al-Jubouri", "Al-Karkhi"], ["المالكي", "الجبوري", "الكرخي"]


def render_page(data: bytes, page: int, path) -> Image.Image:
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(path.with_suffix(""))], check=True)
    return Image.open(path.with_suffix(".png")).convert("RGB")


def test_one_file_is_small_and_the_merged_run_stores_what_pages_share_once(people, tmp_path):
    training = CompletedTrainingFactory(officers=[people.officer], title_ar="حقوق الإنسان على الحدود الدولية")
    db.session.add_all([
        SessionOrganiser(training=training, role="host", organisation=OrganisationFactory(name="Al-Nahrain Centre",
                                                                                          name_ar="مركز النهرين")),
        Signatory(training=training, name="Chief of Mission", name_ar="رئيس البعثة", title="IOM Iraq",
                  signature_image=signature_png(), signature_mimetype="image/png"),
    ])
    db.session.commit()
    for i in range(PEOPLE):
        attended(training, ["present"] * 3, participant=ParticipantFactory(
            name=f"{FIRST[i % 10]} {LAST[i // 10]}", name_ar=f"{FIRST_AR[i % 10]} {LAST_AR[i // 10]}"))
    issued, _ = services.issue_certificates(training, by_user=people.officer)
    certificates = services.valid_certificates(training)
    assert len(certificates) == PEOPLE
    sizes = [len(c.pdf) for c in certificates]
    assert max(sizes) <= 60 * 1024, sizes

    merged = services.merged_pdf(certificates)
    assert (len(merged) - sizes[0]) / (PEOPLE - 1) <= 30 * 1024, len(merged)
    assert len(merged) < sum(sizes) / 5
    assert len(PdfReader(io.BytesIO(merged)).pages) == PEOPLE
    lines = pdftotext_lines(merged)
    for certificate in certificates:
        assert certificate.printed_name in lines and certificate.printed_name_ar in lines and certificate.code in " ".join(lines)
    for page in (1, PEOPLE):
        own = render_page(certificates[page - 1].pdf, 1, tmp_path / "own.pdf")
        in_run = render_page(merged, page, tmp_path / "run.pdf")
        assert ImageChops.difference(own, in_run).getbbox() is None, page
