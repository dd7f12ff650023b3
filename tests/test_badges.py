"""Name badges: names in both scripts, organisation, training title and a personal QR code holding a signed link."""
import io

import pytest
from pypdf import PdfReader

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory
from tests.test_certificate_pdf import _decoded_links, _every_image
from training_mgr.checkin import tokens
from training_mgr.checkin.services import registration_of_badge


@pytest.fixture
def nine(people):
    """Nine confirmed participants of the officer's training (one of them in Arabic and English), one withdrawn."""
    training = people.training
    training.title_ar = "التدريب الوطني حول حقوق الإنسان على الحدود"
    ministry = OrganisationFactory(name="Border Points Commission", name_ar="هيئة المنافذ الحدودية")
    first = RegistrationFactory(training=training, participant=ParticipantFactory(
        name="Ahmed Kadhim Al-Rubaie", name_ar="أحمد كاظم الربيعي", organisation=ministry))
    others = [RegistrationFactory(training=training, participant=ParticipantFactory(name=f"Person {i}")) for i in range(8)]
    RegistrationFactory(training=training, status="withdrawn", participant=ParticipantFactory(name="Gone Away"))
    return [first, *others]


def test_the_badges_command_writes_a4_sheets_of_eight_with_names_in_both_scripts(app, people, nine, tmp_path):
    output = tmp_path / "badges.pdf"
    result = app.test_cli_runner().invoke(args=["badges", str(people.training.id), "--output", str(output)])

    assert result.exit_code == 0, result.output
    reader = PdfReader(output)
    assert len(reader.pages) == 2  # nine badges: a sheet of eight and one more
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Ahmed Kadhim Al-Rubaie" in text and "أحمد كاظم الربيعي" in text
    assert "Border Points Commission" in text and "هيئة المنافذ الحدودية" in text
    assert people.training.title in text and "التدريب الوطني حول حقوق الإنسان على الحدود" in text
    assert "Gone Away" not in text
    assert all(f"Person {i}" in text for i in range(8))


def test_one_badge_a_page_for_a_badge_printer(app, people, nine, tmp_path):
    output = tmp_path / "single.pdf"
    result = app.test_cli_runner().invoke(
        args=["badges", str(people.training.id), "--output", str(output), "--layout", "single"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(output)
    assert len(reader.pages) == 9
    assert "Ahmed Kadhim Al-Rubaie" in reader.pages[0].extract_text()
    bad = app.test_cli_runner().invoke(args=["badges", "999", "--output", str(output)])
    assert bad.exit_code != 0 and "No training with id 999" in bad.output
    nowhere = tmp_path / "no such folder" / "badges.pdf"
    bad = app.test_cli_runner().invoke(args=["badges", str(people.training.id), "--output", str(nowhere)])
    assert bad.exit_code == 1 and f"Cannot write {nowhere}: No such file or directory." in bad.output


def test_each_qr_code_holds_a_signed_link_that_names_only_the_registration(app, people, nine, login):
    response = login(people.officer).get(f"/officer/trainings/{people.training.id}/badges.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"

    links = sorted(_decoded_links(_every_image(response.data)))
    assert len(links) == 9
    for link in links:
        assert link.startswith("http://localhost/b/")
        assert "@" not in link and "Person" not in link and "Ahmed" not in link  # no personal data in it
        assert registration_of_badge(link) in nine
    assert {registration_of_badge(link).id for link in links} == {r.id for r in nine}

    # a changed code, or one signed with another key, stands for nobody
    token = tokens.badge_token(nine[0].id)
    forged = tokens.badge_token(nine[1].id).split(".")[0] + "." + token.split(".")[1]
    assert registration_of_badge(forged) is None
    assert login(people.officer).get(f"/b/{forged}").status_code == 404
    page = login(people.officer).get(f"/b/{token}")
    assert page.status_code == 200 and people.training.title in page.text and "Ahmed" not in page.text


def test_the_officer_downloads_badges_from_the_attendance_page(people, nine, login):
    grid = login(people.officer).get(f"/officer/trainings/{people.training.id}/attendance").text
    assert f'/officer/trainings/{people.training.id}/badges.pdf' in grid
    assert login(people.officer).get(f"/officer/trainings/{people.training.id}/badges.pdf?layout=odd").status_code == 404


def test_the_sign_in_sheet_has_each_persons_badge_code_on_their_row(people, nine, login):
    day = people.training.days[0]
    url = f"/officer/trainings/{people.training.id}/attendance/days/{day.id}/sign-in-sheet.pdf"
    response = login(people.officer).get(url)
    assert response.status_code == 200 and "Badge" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    links = _decoded_links(_every_image(response.data))
    assert sorted(registration_of_badge(link).id for link in links) == sorted(r.id for r in nine)
    # a read-only manager gets the sheet to sign, without the codes that check people in
    read_only = login(people.manager).get(url)
    assert read_only.status_code == 200 and "Person 0" in PdfReader(io.BytesIO(read_only.data)).pages[0].extract_text()
    assert not _decoded_links(_every_image(read_only.data))


def test_a_read_only_manager_can_neither_print_nor_see_a_badge(people, nine, login):
    """A badge's QR code checks its holder in: a manager (who may read the training) gets no badge PDF."""
    manager = login(people.manager)
    training_id, registration_id = people.training.id, nine[0].id
    assert manager.get(f"/officer/trainings/{training_id}/registrations/{registration_id}/badge.pdf").status_code == 403
    assert manager.get(f"/officer/trainings/{training_id}/badges.pdf").status_code == 403
    assert manager.get(f"/officer/trainings/{training_id}/badges.pdf?layout=single").status_code == 403
    assert "badges.pdf" not in manager.get(f"/officer/trainings/{training_id}/attendance").text
    detail = manager.get(f"/officer/trainings/{training_id}/registrations/{registration_id}")
    assert detail.status_code == 200 and "badge.pdf" not in detail.text
    officer = login(people.officer)
    assert officer.get(f"/officer/trainings/{training_id}/registrations/{registration_id}/badge.pdf").status_code == 200
