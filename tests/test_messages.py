"""Messages to participants: the scheduled reminder, certificate notice and evaluation links (each once, through the
outbox, to a real SMTP server), an officer's message to a filtered set with preview and count, the log on a person's
registration page, and opting out of non-essential messages."""
import re
from datetime import datetime, time, timedelta, timezone

import pytest

from tests.factories import (
    CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory,
    UserFactory, attended,
)
from tests.test_evaluation import make_test
from training_mgr.certificates import services as certificate_services
from training_mgr.certificates.models import Certificate
from training_mgr.evaluation import instruments
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.messages import services
from training_mgr.messages.models import MessageLogEntry, MessageOptOut
from training_mgr.messages.scheduled import send_due_messages


@pytest.fixture
def mail(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port,
                      MAIL_DEFAULT_SENDER="trainings@example.org")
    return smtp_server


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message, path_part) -> str:
    return re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", text_of(message)).group(0)


def at(day, hour=9):
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


# --- the reminder before the training ---------------------------------------------------------------------------

def test_the_reminder_goes_once_to_confirmed_participants_the_days_set_before_with_days_and_venue(app, mail):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer], venue="Al-Nahrain Centre")
    training.days[0].title = "Human rights at borders"
    english = RegistrationFactory(training=training, participant=ParticipantFactory(locale="en")).participant
    arabic = RegistrationFactory(training=training, participant=ParticipantFactory(locale="ar")).participant
    RegistrationFactory(training=training, status="waitlisted")
    RegistrationFactory(training=training, status="pending")
    services.set_reminder_days(training, 3, by_user=officer)

    assert send_due_messages(now=at(training.start_date - timedelta(days=4)))["training.reminder"] == 0
    assert send_due_messages(now=at(training.start_date - timedelta(days=3)))["training.reminder"] == 2
    assert send_due_messages(now=at(training.start_date - timedelta(days=2)))["training.reminder"] == 0  # once

    assert {m["To"] for m in mail.messages} == {english.email, arabic.email}
    to_english = next(m for m in mail.messages if m["To"] == english.email)
    body = text_of(to_english)
    assert "Al-Nahrain Centre" in body and "Human rights at borders" in body and "/messages/opt-out/" in body
    assert training.title in to_english["Subject"]
    to_arabic = next(m for m in mail.messages if m["To"] == arabic.email)
    assert to_arabic["Content-Language"] == "ar" and training.title_ar in to_arabic["Subject"]
    assert db.session.query(MessageLogEntry).filter_by(kind="training.reminder").count() == 2


def test_no_reminder_without_a_setting_or_after_the_training_started(app, mail):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    RegistrationFactory(training=training)
    assert send_due_messages(now=at(training.start_date - timedelta(days=1)))["training.reminder"] == 0
    services.set_reminder_days(training, 2, by_user=officer)
    assert send_due_messages(now=at(training.end_date))["training.reminder"] == 0
    assert mail.messages == []


def test_the_reminder_form_refuses_bad_days_beside_the_field(app, people, login):
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/messages/reminder"
    page = officer.post(url, data={"enabled": "y", "reminder_days": "90"})
    assert page.status_code == 422 and 'id="reminder_days-error"' in page.text
    page = officer.post(url, data={"enabled": "y", "reminder_days": ""})
    assert page.status_code == 422 and "Give the number of days." in page.text
    assert services.reminder_days_of(people.training) is None
    page = officer.post(url, data={"enabled": "y", "reminder_days": "5"}, follow_redirects=True)
    assert "Reminder scheduled 5 days before the training." in page.text
    assert services.reminder_days_of(people.training) == 5
    officer.post(url, data={"reminder_days": "5"})
    assert services.reminder_days_of(people.training) is None


# --- certificate ready, evaluation links --------------------------------------------------------------------------

def test_certificate_ready_is_sent_once_when_a_certificate_is_issued(app, mail):
    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(officers=[officer])
    earned = attended(training, ["present"] * 3)
    attended(training, ["absent"] * 3)  # no certificate
    assert send_due_messages()["certificate.ready"] == 0

    certificate_services.issue_certificates(training, by_user=officer)
    assert send_due_messages()["certificate.ready"] == 1
    assert send_due_messages()["certificate.ready"] == 0
    [message] = mail.messages
    assert message["To"] == earned.participant.email
    certificate = db.session.query(Certificate).one()
    assert certificate.serial in text_of(message) and f"/verify/{certificate.code}" in text_of(message)


def test_certificate_ready_goes_out_as_soon_as_a_bulk_issue_finishes(app, mail, login):
    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(officers=[officer])
    earned = [attended(training, ["present"] * 3) for _ in range(2)]
    issue = login(officer).post(f"/officer/trainings/{training.id}/certificates/issue", data={"scope": "all"})
    assert issue.status_code == 302 and issue.location.startswith("/jobs/")
    # no recurring run happened: the issue job's end queued the due messages
    ready = [m["To"] for m in mail.messages if str(m["Subject"]).startswith("Your certificate is ready")]
    assert sorted(ready) == sorted(r.participant.email for r in earned)
    assert send_due_messages()["certificate.ready"] == 0  # each once


def test_evaluation_links_go_to_confirmed_participants_who_have_not_answered_when_a_questionnaire_opens(app, mail):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    questions = make_test(training.course, officer, n=2)
    people = [RegistrationFactory(training=training).participant for _ in range(3)]
    RegistrationFactory(training=training, status="withdrawn")
    instruments.set_up_instrument(training, "pre", by_user=officer)
    assert send_due_messages()["evaluation.open"] == 0  # not open

    pre = instruments.open_now(training, "pre", by_user=officer)
    instruments.submit_answers(pre, training, people[0].id,
                               {q.id: instruments.GivenAnswer(choices=(0,)) for q in questions})
    assert send_due_messages()["evaluation.open"] == 2
    assert send_due_messages()["evaluation.open"] == 0
    assert {m["To"] for m in mail.messages} == {people[1].email, people[2].email}
    assert f"/sessions/{training.id}/evaluation/" in link_in(mail.messages[0], "/evaluation/")


# --- an officer's message -----------------------------------------------------------------------------------------

@pytest.fixture
def ministries(app, people):
    interior, justice = OrganisationFactory(name="Ministry of Interior"), OrganisationFactory(name="Ministry of Justice")
    regs = {
        "interior_f": RegistrationFactory(training=people.training, participant=ParticipantFactory(
            organisation=interior, sex="female", locale="ar")),
        "interior_m": RegistrationFactory(training=people.training, participant=ParticipantFactory(
            organisation=interior, sex="male")),
        "interior_waiting": RegistrationFactory(training=people.training, status="waitlisted",
                                                participant=ParticipantFactory(organisation=interior)),
        "justice": RegistrationFactory(training=people.training, participant=ParticipantFactory(
            organisation=justice, sex="male")),
    }
    return interior, justice, regs


def form(organisation_id=0, sex="", statuses=("confirmed",), **extra):
    return {"statuses": list(statuses), "organisation_id": str(organisation_id), "sex": sex,
            "subject": "Visa appointments", "body": "Please bring your passport.\n\nThank you.",
            "subject_ar": "مواعيد التأشيرة", "body_ar": "يرجى إحضار جواز السفر.", **extra}


def test_an_officer_previews_the_count_then_sends_to_one_ministry_each_in_their_language(people, login, mail, ministries):
    interior, _justice, regs = ministries
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/messages"
    preview = officer.post(url, data=form(interior.id, preview="Preview"))
    assert preview.status_code == 200
    assert "2 people will receive this message." in preview.text
    assert "Please bring your passport." in preview.text and "يرجى إحضار جواز السفر." in preview.text
    assert mail.messages == [] and db.session.query(OutboundEmail).count() == 0  # a preview sends nothing

    assert "1 person will receive" in officer.post(url, data=form(interior.id, sex="female", preview="Preview")).text

    sent = officer.post(url, data=form(interior.id, send="Send"), follow_redirects=True)
    assert "Message sent to 2 people." in sent.text
    by_address = {m["To"]: m for m in mail.messages}
    assert set(by_address) == {regs["interior_f"].participant.email, regs["interior_m"].participant.email}
    assert by_address[regs["interior_f"].participant.email]["Subject"] == "مواعيد التأشيرة"
    assert "Please bring your passport." in text_of(by_address[regs["interior_m"].participant.email])

    page = officer.get(f"/officer/trainings/{people.training.id}/registrations/{regs['interior_m'].id}")
    assert "Messages sent" in page.text and "Visa appointments" in page.text and people.officer.email in page.text
    untouched = officer.get(f"/officer/trainings/{people.training.id}/registrations/{regs['justice'].id}")
    assert "Visa appointments" not in untouched.text


def test_a_message_with_no_recipients_is_not_sent(people, login, mail, ministries):
    _interior, justice, _regs = ministries
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/messages"
    answer = officer.post(url, data=form(justice.id, sex="female", send="Send"))
    assert answer.status_code == 422 and "No one matches these filters: the message was not sent." in answer.text
    assert db.session.query(OutboundEmail).count() == 0 and db.session.query(MessageLogEntry).count() == 0


def test_missing_texts_are_refused_beside_the_fields_with_the_form_refilled(people, login, ministries):
    officer = login(people.officer)
    data = form(subject_ar="", preview="Preview")
    answer = officer.post(f"/officer/trainings/{people.training.id}/messages", data=data)
    assert answer.status_code == 422 and 'id="subject_ar-error"' in answer.text and "Visa appointments" in answer.text


def test_only_the_trainings_officers_may_write_to_its_participants(people, login, ministries):
    url = f"/officer/trainings/{people.training.id}/messages"
    assert login(people.other_officer).post(url, data=form(send="Send")).status_code == 403
    assert login(people.participant).get(url).status_code == 403
    assert login(people.manager).post(url, data=form(send="Send")).status_code == 403
    assert db.session.query(OutboundEmail).count() == 0


# --- opting out ---------------------------------------------------------------------------------------------------

def test_the_link_in_a_message_opts_out_and_later_messages_skip_the_person_unless_essential(
        people, login, mail, ministries, client):
    _interior, justice, regs = ministries
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/messages"
    officer.post(url, data=form(justice.id, send="Send"))
    link = link_in(mail.messages[0], "/messages/opt-out/")
    path = link[link.index("/messages/"):]

    assert "Stop these messages" in client.get(path).text
    assert db.session.query(MessageOptOut).count() == 0  # opening the link changes nothing
    page = client.post(path, data={})
    assert page.status_code == 200 and "Done" in page.text
    assert db.session.get(MessageOptOut, regs["justice"].participant_id) is not None

    preview = officer.post(url, data=form(justice.id, preview="Preview"))
    assert "0 people will receive" in preview.text and "1 more opted out" in preview.text
    assert officer.post(url, data=form(justice.id, send="Send")).status_code == 422
    essential = officer.post(url, data=form(justice.id, essential="y", send="Send"), follow_redirects=True)
    assert "Message sent to 1 person." in essential.text
    assert len(mail.messages) == 2 and "/messages/opt-out/" not in text_of(mail.messages[1])

    assert client.get("/messages/opt-out/forged-token").status_code == 404


def test_a_participant_opts_out_and_back_in_on_their_account_page(people, login, mail):
    participant = login(people.participant)
    assert "/account/messages" in participant.get("/account").text
    participant.post("/account/messages", data={"opted_out": "y"})
    assert services.has_opted_out(people.participant.participant.id)

    officer = UserFactory(role="officer")
    RegistrationFactory(training=people.training, participant=people.participant.participant)
    services.set_reminder_days(people.training, 3, by_user=officer)
    assert send_due_messages(now=at(people.training.start_date - timedelta(days=1)))["training.reminder"] == 0

    participant.post("/account/messages", data={"submit": "Save"})  # the box unticked
    assert not services.has_opted_out(people.participant.participant.id)
    assert send_due_messages(now=at(people.training.start_date - timedelta(days=1)))["training.reminder"] == 1
    assert [m["To"] for m in mail.messages] == [people.participant.email]


def test_staff_without_a_participant_record_have_no_message_preferences(people, login):
    assert login(people.officer).get("/account/messages").status_code == 404
