"""Importing a nomination list: the upload checks, the preview, all-or-nothing, and the pages."""
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations import importing
from training_mgr.registrations.importing import NominationImportError
from training_mgr.registrations.models import Registration

MAX = 5 * 1024 * 1024
HEADER = "name,name_ar,sex,organisation,position,email,phone,nominated_by"


@pytest.fixture
def ministries(app):
    return {
        "moi": OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية", acronym="MoI"),
        "customs": OrganisationFactory(name="General Commission of Customs", acronym="GCC"),
    }


def _csv(*lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def _xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


GOOD_CSV = _csv(
    "Ahmed Kadhim,أحمد كاظم,male,Ministry of Interior,Colonel,ahmed@moi.gov.iq,+964 770 111,DG Residency",
    "Hiba Jassim,هبة جاسم,F,GCC,Officer,hiba@customs.gov.iq,,",
)


# --- the upload, before parsing ---------------------------------------------------------------------

def test_a_10_mb_file_is_refused_before_it_is_read(people):
    big = _csv() + b"x" * (10 * 1024 * 1024)
    with pytest.raises(NominationImportError, match="too large: at most 5 MB"):
        importing.preview_upload(people.training, "list.csv", big, MAX)


@pytest.mark.parametrize("filename, data, message", [
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "CSV or XLSX"),
    ("list.xlsx", b"%PDF-1.7 not a spreadsheet", "not an XLSX spreadsheet"),
    ("list.csv", b"MZ\x90\x00\x03\x00\x00\x00", "not a CSV text file"),
    ("list.csv", "name,sex\nكريم,male\n".encode("cp1256"), "UTF-8"),
    ("list.xlsx", b"PK\x03\x04 a broken zip", "could not be read as an XLSX"),
    ("list.csv", b"   \n", "empty"),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_clear_message(people, filename, data, message):
    with pytest.raises(NominationImportError, match=message):
        importing.preview_upload(people.training, filename, data, MAX)


# --- the preview -----------------------------------------------------------------------------------

def test_a_good_csv_previews_every_row_and_stores_nothing(people, ministries):
    known = ParticipantFactory(email="hiba@customs.gov.iq", name="Hiba J.")

    preview = importing.preview_upload(people.training, "list.csv", GOOD_CSV, MAX)

    assert preview.ok
    assert [(row.line, row.action) for row in preview.rows] == [(2, "new"), (3, "existing")]
    assert preview.rows[0].organisation == ministries["moi"]
    assert preview.rows[1].participant == known
    assert preview.rows[1].values["sex"] == "female"
    assert _count(Registration) == 0


def test_bad_rows_are_reported_with_their_line_numbers_and_reasons(people, ministries):
    RegistrationFactory(training=people.training, participant=ParticipantFactory(email="already@moi.gov.iq"))
    data = _csv(
        "Good Person,,male,MoI,,good@moi.gov.iq,,",             # line 2
        ",,male,MoI,,noname@moi.gov.iq,,",                       # line 3: no name
        "Bad Sex,,x,MoI,,badsex@moi.gov.iq,,",                   # line 4
        "Lost,,female,Ministry of Magic,,lost@moi.gov.iq,,",     # line 5
        "Wrong Mail,,male,MoI,,not-an-email,,",                  # line 6
        "Twice,,male,MoI,,GOOD@moi.gov.iq,,",                    # line 7: same e-mail as line 2
        "Known,,male,MoI,,already@moi.gov.iq,,",                 # line 8: already registered
        ",,,,,,,",                                               # line 9: blank, skipped
        "No Email,,male,MoI,,,,",                                # line 10
    )
    preview = importing.preview_upload(people.training, "list.csv", data, MAX)

    assert not preview.ok
    problems = {row.line: " ".join(str(e) for e in row.errors) for row in preview.bad_rows}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 10]
    assert "name is missing" in problems[3]
    assert "Sex must be female or male" in problems[4]
    assert "Unknown organisation “Ministry of Magic”" in problems[5]
    assert "not a valid e-mail address" in problems[6]
    assert "already on line 2" in problems[7]
    assert "already registered" in problems[8]
    assert "email is missing" in problems[10]


@pytest.mark.parametrize("header, message", [
    ("name,sex,organisation", "Missing columns: email"),
    ("name,sex,organisation,email,ministry", "Unknown columns: ministry"),
    ("name,sex,organisation,email,email", "Columns given twice: email"),
    ("full name;gender;entity;mail", "Unknown columns"),
])
def test_wrong_or_missing_columns_are_refused(people, ministries, header, message):
    preview = importing.preview_upload(people.training, "list.csv", _csv("a,b,c,d", header=header), MAX)
    assert not preview.ok and preview.rows == []
    assert any(message in str(text) and line == 1 for line, text in preview.file_errors)


def test_headers_are_matched_loosely_and_semicolons_work(people, ministries):
    data = "\ufeffName;Name AR;Sex;Organisation;E-mail\nAhmed;أحمد;male;MoI;a@x.iq\n".encode("utf-8")
    preview = importing.preview_upload(people.training, "list.csv", data, MAX)
    assert preview.ok and preview.rows[0].values["name_ar"] == "أحمد"


def test_a_quoted_cell_with_quotes_inside_is_read_as_spreadsheet_programs_write_it(people, ministries):
    # Excel and LibreOffice write a quote inside a quoted cell as two quotes: "Head of ""Ports"", Basra"
    data = _csv('Ahmed Kadhim,,male,MoI,"Head of ""Ports"", Basra",ahmed@moi.gov.iq,,')
    preview = importing.preview_upload(people.training, "list.csv", data, MAX)
    assert preview.ok, [row.errors for row in preview.rows]
    assert preview.rows[0].values["position"] == 'Head of "Ports", Basra'
    assert preview.rows[0].values["email"] == "ahmed@moi.gov.iq"


def test_a_good_xlsx_is_read_like_a_csv(people, ministries):
    data = _xlsx([
        ["name", "name_ar", "sex", "organisation", "email", "phone"],
        ["Ahmed Kadhim", "أحمد كاظم", "male", "وزارة الداخلية", "ahmed@moi.gov.iq", 9647701112233],
        [None, None, None, None, None, None],
        ["Hiba Jassim", None, "female", "General Commission of Customs", "hiba@customs.gov.iq", None],
    ])
    preview = importing.preview_upload(people.training, "Nominations.XLSX", data, MAX)
    assert preview.ok
    assert [row.line for row in preview.rows] == [2, 4]
    assert preview.rows[0].values["phone"] == "9647701112233"
    assert preview.rows[0].organisation == ministries["moi"]


# --- the import --------------------------------------------------------------------------------------

def _rows(preview):
    return [{"line": row.line, **row.values} for row in preview.rows]


def test_importing_registers_everyone_and_matches_known_people_by_email(people, ministries):
    known = ParticipantFactory(email="hiba@customs.gov.iq")
    preview = importing.preview_upload(people.training, "list.csv", GOOD_CSV, MAX)

    registrations = importing.import_nominations(people.training, "list.csv", _rows(preview), by_user=people.officer)

    assert [r.status for r in registrations] == ["confirmed", "confirmed"]
    assert {r.source for r in registrations} == {"import"}
    ahmed = db.session.scalar(select(Participant).where(Participant.email == "ahmed@moi.gov.iq"))
    assert (ahmed.name_ar, ahmed.organisation, ahmed.position) == ("أحمد كاظم", ministries["moi"], "Colonel")
    assert registrations[0].nominated_by == "DG Residency"
    assert registrations[1].participant == known
    assert _count(Participant) == 2 + 2  # the fixture's two, Ahmed, and the known Hiba


def test_a_bad_row_means_nothing_is_stored(people, ministries):
    rows = _rows(importing.preview_upload(people.training, "list.csv", GOOD_CSV, MAX))
    rows.append({"line": 4, "name": "Bad", "sex": "x", "organisation": "MoI", "email": "bad@moi.gov.iq"})

    with pytest.raises(NominationImportError) as refused:
        importing.import_nominations(people.training, "list.csv", rows, by_user=people.officer)

    assert [row.line for row in refused.value.preview.bad_rows] == [4]
    assert (_count(Registration), _count(Participant)) == (0, 2)


def test_a_registration_made_between_preview_and_confirmation_cancels_the_whole_import(people, ministries):
    rows = _rows(importing.preview_upload(people.training, "list.csv", GOOD_CSV, MAX))
    # someone registers Hiba online meanwhile: the import re-checks and stores nothing
    RegistrationFactory(training=people.training, participant=ParticipantFactory(email="hiba@customs.gov.iq"))

    with pytest.raises(NominationImportError, match="Nothing was imported"):
        importing.import_nominations(people.training, "list.csv", rows, by_user=people.officer)
    assert _count(Registration) == 1
    assert db.session.scalar(select(Participant).where(Participant.email == "ahmed@moi.gov.iq")) is None


def test_import_fills_seats_then_the_waiting_list(people, ministries):
    people.training.capacity = 1
    db.session.commit()
    rows = _rows(importing.preview_upload(people.training, "list.csv", GOOD_CSV, MAX))
    registrations = importing.import_nominations(people.training, "list.csv", rows, by_user=people.officer)
    assert [r.status for r in registrations] == ["confirmed", "waitlisted"]


def test_the_signed_preview_cannot_be_forged_or_reused_for_another_training(people, ministries):
    preview = importing.preview_upload(people.training, "list.csv", GOOD_CSV, MAX)
    token = importing.sign_rows(people.training, "list.csv", preview)
    assert importing.unsign_rows(people.training, token)[1][0]["email"] == "ahmed@moi.gov.iq"
    with pytest.raises(NominationImportError, match="expired or is invalid"):
        importing.unsign_rows(people.training, token[:-3] + "abc")
    from tests.factories import TrainingSessionFactory

    with pytest.raises(NominationImportError, match="another training"):
        importing.unsign_rows(TrainingSessionFactory(), token)


def test_the_templates_have_the_expected_columns(app):
    assert importing.template_csv().decode("utf-8-sig").strip() == HEADER
    workbook = load_workbook(io.BytesIO(importing.template_xlsx()))
    assert [c.value for c in workbook["Nominations"][1]] == list(importing.IMPORT_COLUMNS)


# --- the pages ------------------------------------------------------------------------------------------

def test_officer_uploads_previews_and_confirms(people, ministries, login):
    officer = login(people.officer)
    base = f"/officer/trainings/{people.training.id}/registrations/import"
    response = officer.post(base, data={"file": (io.BytesIO(GOOD_CSV), "list.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "New participant" in response.text and "Ahmed Kadhim" in response.text
    assert _count(Registration) == 0
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', response.text).group(1)

    response = officer.post(f"{base}/confirm", data={"payload": payload}, follow_redirects=True)
    assert "2 nominations imported." in response.text
    assert _count(Registration) == 2


def test_a_file_with_bad_rows_shows_them_and_offers_no_import(people, ministries, login):
    data = _csv("Bad Sex,,x,MoI,,badsex@moi.gov.iq,,")
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/registrations/import",
        data={"file": (io.BytesIO(data), "list.csv")}, content_type="multipart/form-data",
    )
    assert "Line 2" in response.text and "Sex must be female or male" in response.text
    assert 'name="payload"' not in response.text


@pytest.mark.parametrize("filename, data, message", [
    ("big.csv", b"a" * (10 * 1024 * 1024), "The file is too large"),
    ("report.pdf", b"%PDF-1.7", "Please upload a CSV or XLSX spreadsheet."),
])
def test_the_upload_page_refuses_big_or_foreign_files(people, login, filename, data, message):
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/registrations/import",
        data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.text
    assert _count(Registration) == 0


def test_a_forged_confirmation_is_refused(people, login):
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/registrations/import/confirm", data={"payload": "forged"},
        follow_redirects=True,
    )
    assert "expired or is invalid" in response.text
    assert _count(Registration) == 0
