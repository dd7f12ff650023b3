"""Official letters: a bilingual invitation and visa-support letter per confirmed participant on the organisers'
letterhead (logo and address, checked on upload), with reference, date and signatory; all of them as one ZIP made by
a bulk job. PDFs are read back with pdftotext and pdfplumber."""
import io
import zipfile

import pdfplumber
import pytest
from PIL import Image

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory
from tests.pdf_reading import pdftotext_lines
from training_mgr.audit.models import AuditEntry
from training_mgr.bulk.models import BulkJob
from training_mgr.extensions import db
from training_mgr.questions import services as questions
from training_mgr.trainings.models import SessionOrganiser, Signatory


def png(width=120, height=60, color=(29, 43, 68)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    return "\n".join(pdftotext_lines(data))


@pytest.fixture
def letters(app, people, login):
    """The people's training organised by IOM (logo and address set through its letterhead page), signed by its
    chief of mission, with two confirmed participants and one pending."""
    training = people.training
    iom = OrganisationFactory(name="International Organization for Migration", name_ar="المنظمة الدولية للهجرة")
    iom.steward = people.officer
    training.organisers.append(SessionOrganiser(organisation=iom, role="co_organiser", position=0))
    training.signatories.append(Signatory(name="Giorgi Gigauri", name_ar="جورجي جيغاوري", title="Chief of Mission",
                                          signature_image=png(200, 60), signature_mimetype="image/png"))
    db.session.commit()
    officer = login(people.officer)
    answer = officer.post(f"/organisations/{iom.id}/letterhead", content_type="multipart/form-data", data={
        "logo": (io.BytesIO(png()), "iom.png"), "address": "UN Compound, International Zone\nBaghdad, Iraq",
        "address_ar": "مجمع الأمم المتحدة، بغداد"})
    assert answer.status_code == 302
    officer.post(f"/officer/trainings/{training.id}/letters", data={
        "reference_prefix": "IOM/IQ/2027", "letter_date": "2027-01-10", "signatory_id": training.signatories[0].id})
    first = RegistrationFactory(training=training, participant=ParticipantFactory(
        name="Ahmed Al-Rubaie", name_ar="أحمد الربيعي", organisation=OrganisationFactory(name="Ministry of Interior")))
    second = RegistrationFactory(training=training, participant=ParticipantFactory(name="Sara Kareem"))
    pending = RegistrationFactory(training=training, status="pending")
    return training, officer, first, second, pending


def test_the_invitation_letter_prints_the_person_on_the_letterhead_with_reference_date_and_signatory(letters):
    training, officer, first, *_ = letters
    response = officer.get(f"/officer/trainings/{training.id}/registrations/{first.id}/letters/invitation.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    assert "Ahmed Al-Rubaie" in text and "أحمد الربيعي" in text and "Ministry of Interior" in text
    assert f"IOM/IQ/2027/INV/{first.id}" in text and "January 10, 2027" in text
    assert "International Organization for Migration" in text and "UN Compound, International Zone" in text
    assert "مجمع الأمم المتحدة" in text and "بغداد" in text and training.title in text
    assert "Giorgi Gigauri" in text and "Chief of Mission" in text
    with pdfplumber.open(io.BytesIO(response.data)) as document:
        assert len(document.pages[0].images) == 2  # the organiser's logo and the signature


def test_the_visa_letter_prints_the_passport_details_given_and_the_printing_is_audited(letters, people):
    training, officer, first, second, _pending = letters
    added = {q.builtin: q for q in questions.add_builtin_questions(
        training, ["nationality", "passport_number"], by_user=people.officer)}
    questions.save_answers(first, {added["nationality"].id: "Iraqi", added["passport_number"].id: "A1234567"})
    db.session.commit()
    response = officer.get(f"/officer/trainings/{training.id}/registrations/{first.id}/letters/visa.pdf")
    text = text_of(response.data)
    assert "A1234567" in text and "Iraqi" in text and f"IOM/IQ/2027/VISA/{first.id}" in text
    assert "A1234567" not in text_of(officer.get(
        f"/officer/trainings/{training.id}/registrations/{second.id}/letters/visa.pdf").data)
    audit = db.session.query(AuditEntry).filter_by(action="letters.passports_printed").all()
    assert any("Passport details printed" in entry.summary for entry in audit)


def test_all_letters_come_as_one_zip_from_a_bulk_job(letters):
    training, officer, first, second, pending = letters
    answer = officer.post(f"/officer/trainings/{training.id}/letters/prepare")
    record = db.session.query(BulkJob).filter_by(kind="letters.export").one()
    assert answer.location.endswith(f"/jobs/{record.id}")
    status = officer.get(f"/jobs/{record.id}.json").json
    assert (status["status"], status["done"], status["total"]) == ("done", 4, 4)
    archive = zipfile.ZipFile(io.BytesIO(officer.get(f"/jobs/{record.id}/download").data))
    names = sorted(archive.namelist())
    assert names == sorted(f"{kind}/{kind}-letter-{training.id}-{r.id}.pdf"
                           for kind in ("invitation", "visa") for r in (first, second))
    assert "Sara Kareem" in text_of(archive.read(f"visa/visa-letter-{training.id}-{second.id}.pdf"))
    assert "Ahmed Al-Rubaie" not in text_of(archive.read(f"visa/visa-letter-{training.id}-{second.id}.pdf"))


def test_a_pending_participant_gets_no_letter(letters):
    training, officer, _first, _second, pending = letters
    answer = officer.get(f"/officer/trainings/{training.id}/registrations/{pending.id}/letters/invitation.pdf",
                         follow_redirects=True)
    assert "Letters are made for confirmed participants only." in answer.text


def test_a_logo_that_is_not_an_image_or_too_large_is_refused_with_a_message(letters, people, app):
    training, officer, *_ = letters
    iom = training.organisers[0].organisation
    url = f"/organisations/{iom.id}/letterhead"
    kept = iom.logo

    answer = officer.post(url, content_type="multipart/form-data",
                          data={"logo": (io.BytesIO(b"<svg onload='alert(1)'/>"), "logo.png"), "address": "Changed"})
    assert answer.status_code == 422 and "The logo must be a PNG or JPEG image." in answer.text
    assert 'id="logo-error"' in answer.text and "Changed" in answer.text  # beside the field, the form refilled
    answer = officer.post(url, content_type="multipart/form-data",
                          data={"logo": (io.BytesIO(png(3000, 3000, (10, 200, 30)) + b"\0" * 600_000), "big.png")})
    assert answer.status_code == 422 and "The logo is larger than 512 KB." in answer.text
    answer = officer.post(url, content_type="multipart/form-data", data={"logo": (io.BytesIO(png(5000, 10)), "wide.png")})
    assert answer.status_code == 422 and "pixels on a side" in answer.text
    db.session.refresh(iom)
    assert iom.logo == kept and iom.address == "UN Compound, International Zone\nBaghdad, Iraq"


def test_only_the_trainings_officers_make_its_letters(letters, people, login):
    training, _officer, first, *_ = letters
    other = login(people.other_officer)
    assert other.get(f"/officer/trainings/{training.id}/registrations/{first.id}/letters/invitation.pdf").status_code == 403
    assert other.post(f"/officer/trainings/{training.id}/letters/prepare").status_code == 403
    assert login(people.participant).get(f"/officer/trainings/{training.id}/letters").status_code == 403
