"""After the holder is renamed, officers' screens and files show each certificate with the names it printed: the
Certificates list (with the holder's name now beside it), the session report's table and the ZIP's file names."""
import io
import zipfile

from tests.pdf_reading import pdftotext_lines
from tests.test_certificate_frozen import issue_one
from training_mgr.certificates import services
from training_mgr.extensions import db
from training_mgr.reports import documents


def _renamed(officer):
    certificate = issue_one(officer)
    person = certificate.registration.participant
    person.name, person.name_ar = "Zainab Renamed", "زينب المعدلة"
    db.session.commit()
    return certificate


def test_the_certificates_list_shows_the_printed_name_and_the_name_now(people, login):
    certificate = _renamed(people.officer)
    page = login(people.officer).get(
        f"/officer/trainings/{certificate.registration.training_id}/certificates?lang=en").text
    row = page.split(certificate.serial, 1)[1].split("</div>", 1)[0]
    assert "<bdi>Zainab Hussein</bdi>" in row and "now:" in row and "<bdi>Zainab Renamed</bdi>" in row


def test_a_holder_not_renamed_gets_no_hint(people, login):
    certificate = issue_one(people.officer)
    page = login(people.officer).get(f"/officer/trainings/{certificate.registration.training_id}/certificates").text
    assert "now:" not in page.split(certificate.serial, 1)[1].split("</div>", 1)[0]


def test_the_session_report_lists_the_printed_names(people, app):
    certificate = _renamed(people.officer)
    with app.test_request_context():
        lines = " ".join(pdftotext_lines(documents.session_report_pdf(certificate.registration.training)))
    assert f"{certificate.serial} Zainab Hussein" in lines and "Zainab Renamed" not in lines.split(certificate.serial)[1]


def test_the_zip_names_each_file_by_the_printed_name_in_either_script(people):
    certificate = _renamed(people.officer)
    assert services.export_filename(certificate) == f"{certificate.serial}-Zainab-Hussein.pdf"
    names = zipfile.ZipFile(io.BytesIO(services.zip_of_pdfs([certificate]))).namelist()
    assert names == [f"{certificate.serial}-Zainab-Hussein.pdf"]
    # a holder with an Arabic name only (it stands in the name too), typed with a mark
    certificate.printed_name = certificate.printed_name_ar = "زَينب  الكرخي"
    db.session.commit()
    names = zipfile.ZipFile(io.BytesIO(services.zip_of_pdfs([certificate]))).namelist()
    assert names == [f"{certificate.serial}-زينب-الكرخي.pdf"]
