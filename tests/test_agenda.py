"""A training's agenda: slots with facilitators and rooms on the public page, in a printable PDF (read back) and in
the calendar file; materials attached per slot, checked on upload, released to confirmed participants on the
officer's word."""
import io
import re
from datetime import datetime, time, timedelta, timezone

import pytest

from tests.factories import OrganisationFactory, RegistrationFactory, UserFactory
from tests.pdf_reading import pdftotext_lines
from training_mgr.agenda import services
from training_mgr.agenda.models import AgendaSlot, Facilitator, Material
from training_mgr.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def agenda(app, people):
    """Two slots on the first day of the people's training (Baghdad time), one with a facilitator and a room."""
    training = people.training
    nahrain = OrganisationFactory(name="Al-Nahrain Centre", name_ar="مركز النهرين")
    facilitator = services.add_facilitator(services.FacilitatorDetails(
        name="Dr. Layla Hassan", name_ar="د. ليلى حسن", organisation_id=nahrain.id,
        bio="Border law researcher."), by_user=people.officer)
    day = sorted(training.days, key=lambda d: d.date)[0]
    first = services.add_slot(training, services.SlotDetails(
        day_id=day.id, starts_at=time(9), ends_at=time(10, 30), title="Human rights at borders",
        title_ar="حقوق الإنسان على الحدود", facilitator_id=facilitator.id, room="Hall 3"), by_user=people.officer)
    second = services.add_slot(training, services.SlotDetails(
        day_id=day.id, starts_at=time(11), ends_at=time(12), title="Refugee law"), by_user=people.officer)
    return training, first, second, facilitator


def test_an_officer_builds_the_agenda_and_the_public_page_shows_it(people, login, client):
    officer = login(people.officer)
    training = people.training
    url = f"/officer/trainings/{training.id}/agenda"
    officer.post(f"{url}/facilitators", data={"name": "Omar Aziz", "organisation_id": "0", "bio": "Customs trainer."})
    facilitator = db.session.query(Facilitator).one()
    day = sorted(training.days, key=lambda d: d.date)[1]
    page = officer.post(f"{url}/slots", data={"day_id": day.id, "starts_at": "13:00", "ends_at": "14:15",
                                              "title": "Gender-responsive procedures", "title_ar": "",
                                              "facilitator_id": facilitator.id, "room": "Room B"},
                        follow_redirects=True)
    assert "Slot added to the agenda." in page.text

    public = client.get(f"/sessions/{training.id}").text
    assert "Agenda" in public and "Gender-responsive procedures" in public and "1:00\u2009–\u20092:15\u202fPM" in public
    assert "Times are in Iraq Time." in public  # a visitor may read it in another zone
    assert "Omar Aziz" in public and "Room B" in public and "Customs trainer." in public


def test_a_slot_that_ends_before_it_starts_or_on_another_trainings_day_is_refused_beside_the_field(people, login):
    from tests.factories import TrainingSessionFactory

    officer = login(people.officer)
    training = people.training
    url = f"/officer/trainings/{training.id}/agenda/slots"
    day = training.days[0]
    page = officer.post(url, data={"day_id": day.id, "starts_at": "10:00", "ends_at": "09:00", "title": "Backwards",
                                   "facilitator_id": "0"})
    assert page.status_code == 422 and 'id="ends_at-error"' in page.text and "The end must be after the start." in page.text
    assert 'value="Backwards"' in page.text  # refilled
    other_day = TrainingSessionFactory().days[0]
    page = officer.post(url, data={"day_id": other_day.id, "starts_at": "09:00", "ends_at": "10:00", "title": "Elsewhere",
                                   "facilitator_id": "0"})
    assert page.status_code == 422 and db.session.query(AgendaSlot).count() == 0


def test_the_printable_agenda_reads_back_with_times_titles_in_both_languages_and_facilitators(agenda, client):
    training, *_ = agenda
    response = client.get(f"/sessions/{training.id}/agenda.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(pdftotext_lines(response.data))
    assert "Times are in Iraq Time." in text and "09:00" not in text
    assert re.search(r"9:00\s*–\s*10:30\sAM", text) and re.search(r"11:00\sAM\s*–\s*12:00\sPM", text), text
    assert "Human rights at borders" in text and "حقوق الإنسان على الحدود" in text
    assert "Dr. Layla Hassan" in text and "Al-Nahrain Centre" in text and "Hall 3" in text
    assert text.index("Human rights at borders") < text.index("Refugee law")


def test_the_calendar_file_carries_each_slot_as_a_timed_event(agenda, client):
    training, first, *_ = agenda
    text = client.get(f"/sessions/{training.id}.ics").data.decode().replace("\r\n ", "")
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 3
    assert f"UID:agenda-slot-{first.id}@localhost" in lines
    day = first.day.date
    assert f"DTSTART:{day:%Y%m%d}T060000Z" in lines and f"DTEND:{day:%Y%m%d}T073000Z" in lines  # Baghdad is UTC+3
    assert "SUMMARY:Human rights at borders" in lines
    assert any(line.startswith("LOCATION:") and "Hall 3" in line for line in lines)
    assert any(line.startswith("DESCRIPTION:") and "Agenda:" in line and "Refugee law" in line for line in lines)


def test_the_reminder_carries_the_agenda(agenda, app):
    from datetime import datetime, timezone

    from training_mgr.mail.models import OutboundEmail
    from training_mgr.messages.services import set_reminder_days
    from training_mgr.messages.scheduled import send_due_messages

    training, *_ = agenda
    RegistrationFactory(training=training)
    set_reminder_days(training, 2, by_user=UserFactory(role="officer"))
    send_due_messages(now=datetime.combine(training.start_date - timedelta(days=1), datetime.min.time(), timezone.utc))
    body = db.session.query(OutboundEmail).one().body_text
    assert "Times are in Iraq Time." in body
    assert "9:00\u2009–\u200910:30\u202fAM Human rights at borders (Dr. Layla Hassan), Room Hall 3" in body



def test_agenda_times_are_written_as_the_reader_writes_them_with_the_zone_named(agenda, client):
    from tests.factories import ParticipantFactory
    from training_mgr.mail.models import OutboundEmail
    from training_mgr.messages.scheduled import send_due_messages
    from training_mgr.messages.services import set_reminder_days

    training, *_ = agenda
    arabic = client.get(f"/sessions/{training.id}?lang=ar").text
    assert "9:00–10:30 ص" in arabic and "11:00 ص\u2009–\u200912:00 م" in arabic and "توقيت العراق" in arabic
    assert "09:00" not in arabic and "10:30</" not in arabic
    calendar = client.get(f"/sessions/{training.id}.ics?lang=en").data.decode().replace("\r\n ", "")
    assert "9:00\u2009–\u200910:30\u202fAM (Iraq Time) Human rights at borders" in calendar  # read anywhere
    RegistrationFactory(training=training, participant=ParticipantFactory(locale="ar"))
    set_reminder_days(training, 2, by_user=UserFactory(role="officer"))
    send_due_messages(now=datetime.combine(training.start_date - timedelta(days=1), time(), timezone.utc))
    body = db.session.query(OutboundEmail).one().body_text
    assert "9:00–10:30 ص" in body and "توقيت العراق" in body and "09:00" not in body

# --- materials ------------------------------------------------------------------------------------------------------

def attach(officer, training, slot, **data):
    return officer.post(f"/officer/trainings/{training.id}/agenda/slots/{slot.id}/materials",
                        data=data, content_type="multipart/form-data")


def test_materials_reach_confirmed_participants_only_once_released(agenda, people, login, client):
    training, first, *_ = agenda
    officer = login(people.officer)
    answer = attach(officer, training, first, title="Slides", file=(io.BytesIO(PDF), "slides.pdf"))
    assert answer.status_code == 302
    material = db.session.query(Material).one()
    RegistrationFactory(training=training, participant=people.participant.participant)  # confirmed
    RegistrationFactory(training=training, participant=people.other_participant.participant, status="pending")
    path = f"/sessions/{training.id}/materials/{material.id}"

    participant = login(people.participant)
    assert participant.get(path).status_code == 404  # not released yet
    assert "Slides" not in participant.get(f"/sessions/{training.id}").text
    assert officer.get(path).data == PDF

    officer.post(f"/officer/trainings/{training.id}/agenda/materials/{material.id}/release", data={"released": "1"})
    download = participant.get(path)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert f'href="{path}"' in participant.get(f"/sessions/{training.id}").text
    assert login(people.other_participant).get(path).status_code == 404  # pending, not confirmed
    assert client.get(path).status_code == 302  # anonymous: log in first
    assert login(people.other_officer).get(path).status_code == 404

    link = attach(officer, training, first, title="Reading", url="https://www.ohchr.org/borders")
    assert link.status_code == 302
    reading = db.session.query(Material).filter_by(kind="link").one()
    assert services.release_all(training, by_user=people.officer) == 1
    assert participant.get(f"/sessions/{training.id}/materials/{reading.id}").location == "https://www.ohchr.org/borders"


def test_a_material_of_a_wrong_type_too_large_or_a_bad_link_is_refused_with_a_message(agenda, people, login, app):
    training, first, *_ = agenda
    officer = login(people.officer)
    answer = attach(officer, training, first, title="Script", file=(io.BytesIO(b"<script>alert(1)</script>"), "slides.pdf"))
    assert answer.status_code == 422 and "Upload a PDF, Word, Excel, PowerPoint, PNG or JPEG file." in answer.text
    answer = attach(officer, training, first, title="Program", file=(io.BytesIO(b"MZ\x90\x00"), "tool.exe"))
    assert answer.status_code == 422
    app.config["AGENDA_MATERIAL_MAX_BYTES"] = 1024 * 1024
    answer = attach(officer, training, first, title="Huge", file=(io.BytesIO(PDF + b"0" * (1024 * 1024)), "big.pdf"))
    assert answer.status_code == 422 and "The file is larger than 1 MB." in answer.text
    answer = attach(officer, training, first, title="Trap", url="javascript:alert(1)")
    assert answer.status_code == 422 and "Give a link starting with https:// or http://." in answer.text
    assert 'value="Trap"' in answer.text  # the form refilled
    assert attach(officer, training, first, title="Nothing").status_code == 422
    assert db.session.query(Material).count() == 0


def test_another_officer_cannot_change_the_agenda(agenda, people, login):
    training, first, *_ = agenda
    other = login(people.other_officer)
    assert other.post(f"/officer/trainings/{training.id}/agenda/slots/{first.id}/remove").status_code == 403
    assert attach(other, training, first, title="x", url="https://example.org").status_code == 403
    assert db.session.get(AgendaSlot, first.id) is not None
