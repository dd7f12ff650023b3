"""The certificate PDF: bilingual text read back, QR target, valid self-contained split files, safety."""
import logging
import subprocess
import zipfile
from io import BytesIO

import pytest
import segno
from flask import render_template
from PIL import Image, ImageChops
from pypdf import PdfReader

from tests.factories import CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, attended
from training_mgr import pdf
from training_mgr.certificates import services
from training_mgr.extensions import db
from training_mgr.trainings.models import SessionOrganiser, Signatory

# a 1x1 transparent PNG, standing in for a scanned signature
SIGNATURE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def certificate(people):
    training = CompletedTrainingFactory(
        title="Human Rights at International Borders", title_ar="حقوق الإنسان على الحدود الدولية",
        officers=[people.officer],
    )
    host = OrganisationFactory(name="Al-Nahrain Centre", name_ar="مركز النهرين", kind="institute")
    iom = OrganisationFactory(name="International Organization for Migration", name_ar="المنظمة الدولية للهجرة", kind="un_agency")
    db.session.add_all([
        SessionOrganiser(training=training, role="host", organisation=host),
        SessionOrganiser(training=training, role="co_organiser", position=1, organisation=iom),
        Signatory(training=training, name="Chief of Mission", name_ar="رئيس البعثة", title="IOM Iraq",
                  signature_image=SIGNATURE_PNG, signature_mimetype="image/png"),
    ])
    training.course.certificate_wording = "has successfully completed the"
    training.course.certificate_wording_ar = "قد أتمّ بنجاح"
    db.session.commit()
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Zainab Hussein Al-Jubouri", name_ar="زينب حسين الجبوري"))
    [issued], _ = services.issue_certificates(training, by_user=people.officer)
    return issued


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_pdf_reads_back_in_english_and_arabic_with_serial_code_and_completion_date(certificate):
    text = pdftotext(certificate.pdf)
    for expected in [
        "Certificate of Completion", "Zainab Hussein Al-Jubouri", "Human Rights at International Borders",
        "has successfully completed the", "Al-Nahrain Centre", "International Organization for Migration",
        "Chief of Mission", "IOM Iraq", certificate.serial, certificate.code,
        "February 17, 2022",  # the training's last day, not the day it was issued
        # Arabic comes out in logical (reading) order, shaped text mapped back to its letters
        "شهادة إتمام", "زينب حسين الجبوري", "حقوق الإنسان على الحدود الدولية", "رئيس البعثة", "مركز النهرين",
    ]:
        assert expected in text, expected
    reader = PdfReader(BytesIO(certificate.pdf))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_arabic_half_is_right_to_left_with_the_amiri_font_embedded(certificate):
    fonts = subprocess.run(["pdffonts", "-"], input=certificate.pdf, capture_output=True).stdout.decode()
    if not fonts:  # older pdffonts cannot read stdin
        reader = PdfReader(BytesIO(certificate.pdf))
        fonts = " ".join(str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values())
    assert "Amiri" in fonts
    context = services.print_context(certificate.registration.training)
    printed = services._printed(certificate, certificate.registration.participant)
    markup = render_template("pdf/certificate.html", **pdf.template_helpers(), anchor_prefix="c",
                             certificates=[printed], **context)
    assert '<div class="half" lang="ar" dir="rtl">' in markup
    assert "data:image/png;base64," in markup  # the signature, embedded from the database


def _qr_image_from_pdf(data: bytes):
    """The QR image read back out of the PDF (the largest image; the other is the signature), in grey."""
    images = [img.image for img in PdfReader(BytesIO(data)).pages[0].images]
    return max(images, key=lambda image: image.width).convert("L")


def test_qr_code_points_to_the_absolute_verification_url(certificate):
    url = "http://localhost/verify/" + certificate.code
    expected = segno.make(url, error="m")
    grey = _qr_image_from_pdf(certificate.pdf)
    size = len(expected.matrix)
    scale = grey.width // size
    assert grey.width == size * scale
    read = [[grey.getpixel((x * scale + scale // 2, y * scale + scale // 2)) < 128 for x in range(size)] for y in range(size)]
    assert read == [[bool(v) for v in row] for row in expected.matrix]
    assert certificate.code in pdftotext(certificate.pdf).replace("\n", " ")


def test_batch_is_split_into_valid_self_contained_files(people, tmp_path):
    training = CompletedTrainingFactory(officers=[people.officer])
    for _ in range(3):
        attended(training, ["present"] * 3)
    issued, _ = services.issue_certificates(training, by_user=people.officer)
    assert len(issued) == 3
    for certificate in issued:
        path = tmp_path / f"{certificate.serial}.pdf"
        path.write_bytes(certificate.pdf)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        reader = PdfReader(path)
        assert len(reader.pages) == 1
        fonts = list(_fonts(reader.pages[0]["/Resources"]))
        assert fonts
        for font in fonts:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded, not referenced
        assert certificate.registration.participant.name in pdftotext(certificate.pdf)


def _fonts(resources):
    """The fonts a page uses, with those of the forms it draws (the shared layer of a batch)."""
    for font in resources.get("/Font", {}).values():
        yield font.get_object()
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject["/Subtype"] == "/Form":
            yield from _fonts(xobject["/Resources"])


def test_batch_certificates_look_exactly_like_ones_drawn_whole(people, tmp_path):
    """The batch lays out the shared parts once per layout; a name on two lines gets its own."""
    training = CompletedTrainingFactory(officers=[people.officer], title_ar="حقوق الإنسان على الحدود الدولية")
    names = [("Zainab Hussein", "زينب حسين"),
             ("Mohammed Abdul-Kareem Hussein Ali Al-Jubouri Al-Tamimi", "محمد عبد الكريم حسين"),
             ("Ali Hassan", "علي عبد الكريم حسين علي الجبوري التميمي الساعدي العبيدي الربيعي"),
             ("Noor Sabah", None)]
    for name, name_ar in names:
        attended(training, ["present"] * 3, participant=ParticipantFactory(name=name, name_ar=name_ar))
    issued, _ = services.issue_certificates(training, by_user=people.officer)
    context = services.print_context(training)
    assert len(issued) == len(names)
    for certificate in issued:
        whole = pdf.render_pdf("pdf/certificate.html", anchor_prefix="c", **context,
                               certificates=[services._printed(certificate, certificate.registration.participant)])
        images = []
        for name, data in (("batch", certificate.pdf), ("whole", whole)):
            (tmp_path / f"{name}.pdf").write_bytes(data)
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                           check=True)
            images.append(Image.open(tmp_path / f"{name}.png").convert("RGB"))
        assert ImageChops.difference(*images).getbbox() is None, certificate.registration.participant.name


def test_markup_in_a_name_prints_as_text_and_nothing_is_fetched(people, caplog, monkeypatch):
    fetched = []
    original = pdf.app_only_url_fetcher
    monkeypatch.setattr(pdf, "app_only_url_fetcher", lambda url, *a, **k: fetched.append(url) or original(url))
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(name='<img src="file:///etc/passwd">'))
    with caplog.at_level(logging.WARNING):
        [certificate], _ = services.issue_certificates(training, by_user=people.officer)
    assert '<img src="file:///etc/passwd">' in pdftotext(certificate.pdf)
    assert not [url for url in fetched if url.startswith("file:")]
    assert "refused to fetch" not in caplog.text
    with pytest.raises(pdf.FetchRefused):
        original("file:///etc/passwd")


# --- a file handed to one person holds that person only ---------------------------------------

def _every_image(data: bytes):
    """Every image stream in a PDF file, reachable from its pages or not, as PIL images
    (a transparency mask is part of its image, not one of its own)."""
    import pikepdf

    with pikepdf.open(BytesIO(data)) as document:
        images = [obj for obj in document.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        masks = {image.SMask.objgen for image in images if "/SMask" in image}
        return [pikepdf.PdfImage(image).as_pil_image() for image in images if image.objgen not in masks]


def _decoded_links(images) -> list[str]:
    import zxingcpp

    return [found.text for image in images for found in zxingcpp.read_barcodes(image.convert("RGB"))]


def test_each_persons_file_holds_that_person_only(login, people):
    """Bulk issue renders many people in one batch; the split files must not carry the others' QR codes,
    names or codes, unseen: a reader of one file (or of the zip's, or the data export) finds one person."""
    training = CompletedTrainingFactory(officers=[people.officer])
    db.session.add(Signatory(training=training, name="Chief of Mission",
                             signature_image=SIGNATURE_PNG, signature_mimetype="image/png"))
    me = people.participant.participant
    me.name, me.name_ar = "Layla Hassan", "ليلى حسن"
    attended(training, ["present"] * 3, participant=me)
    for name, name_ar in [("Omar Saadi", "عمر الساعدي"), ("Noor Tamimi", "نور التميمي"), ("Haider Ani", "حيدر العاني")]:
        attended(training, ["present"] * 3, participant=ParticipantFactory(name=name, name_ar=name_ar))
    issued, _ = services.issue_certificates(training, by_user=people.officer)
    assert len(issued) == 4
    holders = {c.code: c.registration.participant for c in issued}
    serials = {c.code: c.serial for c in issued}

    def assert_only(code, data):
        images = _every_image(data)
        assert _decoded_links(images) == [f"http://localhost/verify/{code}"]  # one QR code, this person's
        assert len(images) == 2  # that QR code and the signature, nothing else
        text = pdftotext(data)
        person = holders[code]
        assert person.name in text and person.name_ar in text and code in text and serials[code] in text
        for other_code, other in holders.items():
            if other_code != code:
                assert other.name not in text and other.name_ar not in text, other.name
                assert other_code not in text and serials[other_code] not in text

    for certificate in issued:
        assert_only(certificate.code, certificate.pdf)

    mine = next(c for c in issued if c.registration.participant_id == me.id)
    downloaded = login(people.participant).get(f"/certificates/{mine.id}.pdf")
    assert downloaded.status_code == 200
    assert_only(mine.code, downloaded.data)

    officer = login(people.officer)
    archive = zipfile.ZipFile(BytesIO(officer.get(f"/officer/trainings/{training.id}/certificates.zip").data))
    assert len(archive.namelist()) == 4
    for certificate in issued:
        assert_only(certificate.code, archive.read(services.export_filename(certificate)))

    # the merged file is the officer's print run: every person, each once, on their own page
    merged = officer.get(f"/officer/trainings/{training.id}/certificates.pdf").data
    assert sorted(_decoded_links(_every_image(merged))) == sorted(f"http://localhost/verify/{c}" for c in holders)
    pages = [page.extract_text() for page in PdfReader(BytesIO(merged)).pages]
    assert [sum(p.name in page for p in holders.values()) for page in pages] == [1, 1, 1, 1]

    exported = login(people.participant).get("/account/my-data.json").get_data(as_text=True)
    assert mine.code in exported and mine.serial in exported
    assert all(code not in exported for code in holders if code != mine.code)
    assert all(p.name not in exported for p in holders.values() if p.id != me.id)
