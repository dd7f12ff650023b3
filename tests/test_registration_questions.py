"""Registration questions per training: officers add their own questions and the built-in travel fields, people
answer them on the public form and on the nomination form, sensitive answers are shown only to the training's
officers (every view audited), left out of exports unless asked for, and erased after the retention period."""
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db
from training_mgr.nominations import services as nominations
from training_mgr.nominations.inputs import InvitationDetails
from training_mgr.questions import services
from training_mgr.questions.models import RegistrationAnswer, RegistrationQuestion
from training_mgr.registrations.models import Registration


@pytest.fixture
def setup(app):
    officer = UserFactory(role="officer")
    organisation = OrganisationFactory(name="Ministry of Transport")
    training = TrainingSessionFactory(officers=[officer])
    return officer, organisation, training


def add_questions(training, officer):
    services.add_builtin_questions(training, ["passport_number", "date_of_birth", "dietary_needs"], by_user=officer)
    services.add_question(training, services.QuestionDetails(
        kind="single_choice", label="Which session will you attend?", label_ar="أي جلسة ستحضر؟",
        choices="Morning | صباحاً\nAfternoon | مساءً", required=True), by_user=officer)
    return {q.builtin or "session": q for q in services.questions_of(training)}


def register_form(organisation, questions, **answers):
    data = {"name": "Layla Hassan", "sex": "female", "organisation": str(organisation.id),
            "email": "layla@mot.gov.iq", "consent": "y"}
    data.update({f"question_{questions[key].id}": value for key, value in answers.items()})
    return data


def test_an_officer_adds_questions_and_travel_fields_to_the_form(login, setup):
    officer, _organisation, training = setup
    client = login(officer)
    response = client.post(f"/officer/trainings/{training.id}/questions", data={
        "kind": "multiple_choice", "label": "Topics of interest", "label_ar": "المواضيع", "choices": "Borders\nAsylum",
        "required": "y"}, follow_redirects=True)
    assert response.status_code == 200 and "Question added" in response.text
    client.post(f"/officer/trainings/{training.id}/questions/builtin", data={"keys": ["passport_number", "nationality"]})
    questions = services.questions_of(training)
    assert [(q.label, q.kind, q.required, q.sensitive) for q in questions] == [
        ("Topics of interest", "multiple_choice", True, False), ("Nationality", "short_text", False, False),
        ("Passport number", "short_text", False, True)]

    refused = client.post(f"/officer/trainings/{training.id}/questions", data={
        "kind": "single_choice", "label": "Pick one", "choices": "Only one"})
    assert refused.status_code == 422 and "Give between 2 and 30 choices" in refused.text
    assert len(services.questions_of(training)) == 3


def test_the_public_form_asks_the_questions_in_the_visitors_language_and_keeps_the_answers(client, setup):
    officer, organisation, training = setup
    questions = add_questions(training, officer)
    page = client.get(f"/sessions/{training.id}/register?lang=ar")
    assert "أي جلسة ستحضر؟" in page.text and "صباحاً" in page.text and "رقم جواز السفر" in page.text

    missing = client.post(f"/sessions/{training.id}/register", data=register_form(organisation, questions))
    with force_locale("ar"):  # the visitor chose Arabic: the choice holds for the post too
        refused = gettext("Please answer this question.")
    assert missing.status_code == 200 and refused in missing.text
    assert db.session.scalar(select(Registration)) is None

    done = client.post(f"/sessions/{training.id}/register", data=register_form(
        organisation, questions, session="1", passport_number="A1234567", date_of_birth="1985-04-02"))
    assert done.status_code == 302
    registration = db.session.scalar(select(Registration))
    answers = {a.question.label: a.value for a in db.session.scalars(select(RegistrationAnswer))}
    assert answers == {"Passport number": "A1234567", "Date of birth": "1985-04-02", "Which session will you attend?": "1"}
    shown = {a.question.label: a.text for a in services.answers_for(registration, with_sensitive=True, by_user=officer)}
    assert shown["Which session will you attend?"] == "Afternoon"


def test_a_visitor_typing_someone_elses_address_writes_no_answers_for_them(client, setup):
    officer, organisation, training = setup
    questions = add_questions(training, officer)
    ParticipantFactory(email="layla@mot.gov.iq")
    response = client.post(f"/sessions/{training.id}/register", data=register_form(
        organisation, questions, session="0", passport_number="FORGED"))
    assert response.status_code == 302
    assert db.session.scalar(select(RegistrationAnswer)) is None


def _answered_registration(training, questions, passport="A1234567"):
    registration = RegistrationFactory(training=training)
    services.record_answers(registration, {questions["passport_number"].id: passport,
                                           questions["dietary_needs"].id: "Vegetarian",
                                           questions["session"].id: "0"})
    return registration


def test_sensitive_answers_are_shown_only_to_the_trainings_officers_and_each_view_is_audited(app, login, setup):
    officer, _organisation, training = setup
    questions = add_questions(training, officer)
    registration = _answered_registration(training, questions)
    url = f"/officer/trainings/{training.id}/registrations/{registration.id}/answers"

    page = login(officer).get(url)
    assert page.status_code == 200 and "A1234567" in page.text and "Vegetarian" in page.text
    manager_page = login(UserFactory(role="manager")).get(url)
    assert manager_page.status_code == 200 and "Vegetarian" in manager_page.text and "A1234567" not in manager_page.text
    assert login(UserFactory(role="officer")).get(url).status_code == 403

    login(officer).get(url)
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "answers.view_sensitive")).all()
    assert len(views) == 2 and all(entry.user_id == officer.id for entry in views)
    assert "Passport number" in views[0].summary and "A1234567" not in views[0].summary


def test_exports_leave_out_sensitive_answers_unless_asked_for(app, login, setup):
    officer, _organisation, training = setup
    questions = add_questions(training, officer)
    _answered_registration(training, questions)
    url = f"/officer/trainings/{training.id}/answers.csv"

    plain = login(officer).get(url)
    assert plain.status_code == 200 and "Vegetarian" in plain.text
    assert "A1234567" not in plain.text and "Passport number" not in plain.text
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "answers.export_sensitive")).all()

    asked = login(officer).get(url + "?sensitive=1")
    assert "A1234567" in asked.text and "Passport number" in asked.text
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "answers.export_sensitive")).all()) == 1

    manager = login(UserFactory(role="manager")).get(url + "?sensitive=1")
    assert manager.status_code == 200 and "A1234567" not in manager.text


def test_passport_numbers_are_gone_90_days_after_the_training(app, runner, setup):
    officer, _organisation, training = setup
    training.start_date, training.end_date = date(2026, 2, 15), date(2026, 2, 17)
    db.session.commit()
    questions = add_questions(training, officer)
    registration = _answered_registration(training, questions)

    assert services.erase_expired_sensitive_answers(today=date(2026, 2, 17) + timedelta(days=90)) == 0
    assert "A1234567" in {a.value for a in db.session.scalars(select(RegistrationAnswer))}

    from training_mgr.questions.tasks import erase_expired_sensitive_answers

    erase_expired_sensitive_answers.delay()  # the recurring job, today: long after 17 May 2026
    left = {a.question.label: a.value for a in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id))}
    assert left == {"Dietary needs": "Vegetarian", "Which session will you attend?": "0"}  # the others stay
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "answers.erase_sensitive")).all()
    assert runner.invoke(args=["questions", "erase-expired"]).output.strip() == "Erased 0 sensitive answers."


def test_the_retention_period_is_set_per_training(app, login, setup):
    officer, _organisation, training = setup
    training.start_date, training.end_date = date(2026, 2, 15), date(2026, 2, 17)
    db.session.commit()
    questions = add_questions(training, officer)
    _answered_registration(training, questions)
    assert login(officer).post(f"/officer/trainings/{training.id}/questions/retention", data={"days": 10}).status_code == 302
    assert services.erase_expired_sensitive_answers(today=date(2026, 2, 27)) == 0
    assert services.erase_expired_sensitive_answers(today=date(2026, 2, 28)) == 1


def test_the_nomination_form_asks_the_questions_too(app, setup):
    officer, organisation, training = setup
    questions = add_questions(training, officer)
    _invitation, token = nominations.invite(training, InvitationDetails(
        organisation_id=organisation.id, focal_point_name="Focal", focal_point_email="focal@mot.gov.iq", seats=2,
        deadline=date.today() + timedelta(days=5)), by_user=None)
    client = app.test_client()
    page = client.get(f"/nominations/{token}")
    assert "Which session will you attend?" in page.text and "Passport number" in page.text
    response = client.post(f"/nominations/{token}", data={
        "name": "Ali Hussein", "sex": "male", "email": "ali@mot.gov.iq",
        f"question_{questions['session'].id}": "0", f"question_{questions['passport_number'].id}": "B7654321"})
    assert response.status_code == 302
    assert {a.value for a in db.session.scalars(select(RegistrationAnswer))} == {"0", "B7654321"}


def test_removing_a_question_removes_its_answers(app, login, setup):
    officer, _organisation, training = setup
    questions = add_questions(training, officer)
    _answered_registration(training, questions)
    response = login(officer).post(
        f"/officer/trainings/{training.id}/questions/{questions['passport_number'].id}/remove", follow_redirects=True)
    assert "Question removed, with its 1 answers." in response.text
    assert db.session.get(RegistrationQuestion, questions["passport_number"].id) is None
    assert "A1234567" not in {a.value for a in db.session.scalars(select(RegistrationAnswer))}


def test_a_nominee_from_the_spreadsheet_answers_the_questions_when_confirming_their_details(app, setup):
    officer, organisation, training = setup
    questions = add_questions(training, officer)
    invitation, _token = nominations.invite(training, InvitationDetails(
        organisation_id=organisation.id, focal_point_name="Focal", focal_point_email="focal@mot.gov.iq", seats=2,
        deadline=date.today() + timedelta(days=5)), by_user=None)
    from training_mgr.mail.models import OutboundEmail
    from training_mgr.nominations.inputs import NomineeDetails

    nominations.nominate_all(invitation, [NomineeDetails(name="Ali Hussein", sex="male", email="ali@mot.gov.iq")])
    message = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "nomination.nominee"))
    link = message.body_text.split("http://localhost", 1)[1].split()[0]
    client = app.test_client()
    page = client.get(link)
    assert "Passport number" in page.text and "Which session will you attend?" in page.text
    missing = client.post(link, data={"name": "Ali Hussein", "sex": "male", "email": "ali@mot.gov.iq"})
    assert missing.status_code == 422 and "Please answer this question." in missing.text
    done = client.post(link, data={"name": "Ali Hussein", "sex": "male", "email": "ali@mot.gov.iq",
                                   f"question_{questions['session'].id}": "1",
                                   f"question_{questions['date_of_birth'].id}": "1980-01-31"})
    assert done.status_code == 302
    assert {a.question.label: a.value for a in db.session.scalars(select(RegistrationAnswer))} == {
        "Which session will you attend?": "1", "Date of birth": "1980-01-31"}
    again = client.get(link)  # drawn again with the answers given
    assert 'value="1980-01-31"' in again.text


def test_erasing_a_person_erases_their_answers(app, setup):
    from training_mgr.erasure.services import erase_participant

    officer, _organisation, training = setup
    questions = add_questions(training, officer)
    registration = _answered_registration(training, questions)
    erase_participant(registration.participant, by_user=UserFactory(role="admin"))
    assert db.session.scalar(select(RegistrationAnswer)) is None


def test_a_participants_data_export_holds_their_own_answers(app, login, setup):
    officer, _organisation, training = setup
    questions = add_questions(training, officer)
    registration = _answered_registration(training, questions)
    person = registration.participant
    account = UserFactory(role="participant", email=person.email, participant=person)
    export = login(account).get("/account/my-data.json").json
    [mine] = [r for r in export["registrations"] if r["id"] == registration.id]
    assert {"question": "Passport number", "question_ar": "رقم جواز السفر", "answer": "A1234567"} in mine["answers"]
    assert {"question": "Which session will you attend?", "question_ar": "أي جلسة ستحضر؟", "answer": "Morning"} in mine["answers"]
