"""Public verification of a certificate: by code, by QR link, by uploading the file; rate limited."""
from io import BytesIO

import pytest
from pypdf import PdfReader, PdfWriter

from tests.factories import CompletedTrainingFactory, ParticipantFactory, attended
from training_mgr.certificates import codes, services


@pytest.fixture
def certificate(people):
    training = CompletedTrainingFactory(title="Border Management", title_ar="إدارة الحدود", officers=[people.officer])
    participant = ParticipantFactory(name="Omar Raad", name_ar="عمر رعد", email="omar@example.org", phone="+964 770 123 4567")
    attended(training, ["present"] * 3, participant=participant)
    [issued], _ = services.issue_certificates(training, by_user=people.officer)
    return issued


def test_valid_certificate_shows_what_it_prints_and_no_contact_details(client, certificate):
    response = client.get(f"/verify/{certificate.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for expected in ["Valid certificate.", "Omar Raad", "عمر رعد", "Border Management", "إدارة الحدود",
                     certificate.serial, certificate.pdf_sha256, "February 17, 2022"]:
        assert expected in page, expected
    assert "omar@example.org" not in page and "770 123 4567" not in page


def test_codes_are_found_however_they_are_typed(client, certificate):
    sloppy = certificate.code.lower().replace("-", "").replace("0", "o").replace("1", "l")
    assert client.get(f"/verify/{sloppy}").status_code == 200
    response = client.get("/verify", query_string={"code": f" {sloppy} "})
    assert response.status_code == 302 and response.location.endswith(f"/verify/{certificate.code}")
    form = client.get("/verify", query_string={"code": "not-a-code"})
    assert form.status_code == 200 and "This is not a verification code." in form.get_data(as_text=True)
    assert client.get("/verify").status_code == 200


def test_unknown_or_malformed_code_is_404(client, certificate):
    assert client.get("/verify/0000-0000-0000-0000").status_code == 404
    assert client.get("/verify/hello").status_code == 404


def test_revoked_certificate_shows_the_date_but_not_the_reason(client, certificate, people):
    services.revoke_certificate(certificate, "Disciplinary finding against the holder", by_user=people.officer)
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Revoked certificate." in page and "no longer valid" in page
    assert "Disciplinary" not in page


def test_reissued_certificate_says_a_newer_one_exists(client, certificate, people):
    new = services.reissue_certificate(certificate, "Name corrected", by_user=people.officer)
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "A newer certificate was issued in its place." in page and new.code not in page
    assert "Valid certificate." in client.get(f"/verify/{new.code}").get_data(as_text=True)


def upload(client, certificate, data, filename="certificate.pdf"):
    return client.post(f"/verify/{certificate.code}", data={"file": (BytesIO(data), filename)},
                       content_type="multipart/form-data").get_data(as_text=True)


def test_uploaded_original_is_recognised_and_an_altered_copy_is_not(client, certificate):
    assert "is the unaltered original" in upload(client, certificate, certificate.pdf)
    # the same pages saved again by another tool, with one metadata field changed
    writer = PdfWriter(clone_from=PdfReader(BytesIO(certificate.pdf)))
    writer.add_metadata({"/Title": "Edited"})
    out = BytesIO()
    writer.write(out)
    altered = out.getvalue()
    assert "is NOT the original" in upload(client, certificate, altered)


@pytest.mark.config(MAX_UPLOAD_BYTES=1000)
def test_upload_must_be_a_small_pdf(client, certificate):
    assert "This is not a PDF file." in upload(client, certificate, b"GIF89a....", "certificate.pdf")
    assert "This is not a PDF file." in upload(client, certificate, certificate.pdf[:500], "certificate.txt")
    assert "The file is too large" in upload(client, certificate, certificate.pdf)


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_guessing_codes_is_rate_limited(client, certificate):
    statuses = [client.get(f"/verify/{codes.new_verification_code()}").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    assert client.get(f"/verify/{certificate.code}").status_code == 429  # the budget is shared by the address


# --- the issuer is the training's organisers; codes are forgiven; an unknown one gets help ------------


def test_the_page_names_the_organisers_and_signatories_never_the_product(client, certificate, app):
    from training_mgr.extensions import db
    from training_mgr.trainings.models import SessionOrganiser, Signatory
    from tests.factories import OrganisationFactory

    training = certificate.registration.training
    db.session.add_all([
        SessionOrganiser(training=training, role="host", organisation=OrganisationFactory(name="Al-Nahrain Centre")),
        SessionOrganiser(training=training, role="co_organiser", position=1,
                         organisation=OrganisationFactory(name="International Organization for Migration")),
        Signatory(training=training, name="Giorgi Gigauri", title="Chief of Mission, IOM Iraq"),
    ])
    db.session.commit()
    app.config["PRODUCT_NAME"] = "Academy Portal"
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "issued by the training’s organisers" in page
    for expected in ["Al-Nahrain Centre", "International Organization for Migration", "Giorgi Gigauri",
                     "Chief of Mission, IOM Iraq", "Academy Portal"]:
        assert expected in page, expected
    assert "training_mgr" not in page


@pytest.mark.parametrize("typed", [
    lambda code: code.lower(),
    lambda code: code.replace("-", " "),
    lambda code: code.replace("-", "").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    lambda code: code.lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")).replace("-", " – "),
])
def test_codes_typed_with_arabic_or_persian_digits_spaces_or_dashes_are_found(client, certificate, typed):
    response = client.get("/verify", query_string={"code": typed(certificate.code)})
    assert response.status_code == 302 and response.location.endswith(f"/verify/{certificate.code}")
    assert client.get(f"/verify/{typed(certificate.code)}").status_code == 200


def test_an_unknown_code_shows_the_form_again_with_what_a_code_looks_like(client, certificate):
    unknown = "7K3M-Q9PX-2HDT-W4NB"
    response = client.get(f"/verify/{unknown}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No certificate has this code." in page and "e.g. 7K3M-Q9PX-2HDT-W4NB" in page
    assert f'value="{unknown}"' in page and 'name="code"' in page


def test_every_page_links_to_the_verification_form(client):
    assert 'href="/verify"' in client.get("/").get_data(as_text=True)


def test_the_organisers_logos_show_on_the_certificate_and_the_verification_page(client, people):
    import io as _io

    import pdfplumber
    from PIL import Image

    from tests.factories import OrganisationFactory
    from training_mgr.extensions import db
    from training_mgr.trainings.models import SessionOrganiser

    buffer = _io.BytesIO()
    Image.new("RGB", (240, 80), "#b22222").save(buffer, "PNG")
    training = CompletedTrainingFactory(officers=[people.officer])
    iom = OrganisationFactory(name="International Organization for Migration", logo=buffer.getvalue(),
                              logo_mimetype="image/png")
    db.session.add(SessionOrganiser(training=training, role="co_organiser", position=1, organisation=iom))
    db.session.commit()
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Omar Raad"))
    [issued], _ = services.issue_certificates(training, by_user=people.officer)

    with pdfplumber.open(_io.BytesIO(issued.pdf)) as document:
        page = document.pages[0]
        logos = [image for image in page.images if image["srcsize"] == (240, 80)]
        assert len(logos) == 1 and logos[0]["top"] < 40  # in the frame's top margin
    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page and "International Organization for Migration" in page
