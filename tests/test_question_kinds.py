"""An answer stored under one kind of question and read under another (the kind changed while the answer arrived)
is shown as it was stored on every page that shows answers, and the kind no longer changes under an answer."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from tests.factories import OrganisationFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.nominations import services as nominations
from training_mgr.nominations.inputs import InvitationDetails, NomineeDetails
from training_mgr.questions import services
from training_mgr.questions.models import RegistrationAnswer, RegistrationQuestion


@pytest.fixture
def asked(app):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    question = services.add_question(training, services.QuestionDetails(kind="short_text", label="When do you arrive?"),
                                     by_user=officer)
    return officer, training, question


def became(question, kind):
    """The kind changed under an answer already stored (as the race between the two used to let happen)."""
    db.session.execute(update(RegistrationQuestion).where(RegistrationQuestion.id == question.id).values(kind=kind))
    db.session.commit()
    db.session.refresh(question)


@pytest.mark.parametrize("kind", ["date", "yes_no", "single_choice"])
def test_an_answer_that_does_not_fit_its_questions_kind_is_shown_as_stored(app, login, asked, kind):
    officer, training, question = asked
    registration = RegistrationFactory(training=training)
    services.record_answers(registration, {question.id: "hello"})
    became(question, kind)
    base = f"/officer/trainings/{training.id}"
    detail = login(officer).get(f"{base}/registrations/{registration.id}/answers")
    assert detail.status_code == 200 and "hello" in detail.text
    export = login(officer).get(f"{base}/answers.csv")
    assert export.status_code == 200 and "hello" in export.text
    assert [(q.label, text) for q, text in services.own_answers(registration)] == [("When do you arrive?", "hello")]


def test_the_nominees_confirmation_page_shows_an_answer_that_is_no_longer_a_date(app, asked):
    officer, training, question = asked
    organisation = OrganisationFactory(name="Ministry of Transport")
    invitation, _token = nominations.invite(training, InvitationDetails(
        organisation_id=organisation.id, focal_point_name="Focal", focal_point_email="focal@mot.gov.iq", seats=2,
        deadline=date.today() + timedelta(days=5)), by_user=None)
    nominations.nominate_all(invitation, [NomineeDetails(name="Ali Hussein", sex="male", email="ali@mot.gov.iq")])
    registration = invitation.nominations[0].registration
    services.record_answers(registration, {question.id: "hello"})
    became(question, "date")
    message = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "nomination.nominee"))
    page = app.test_client().get(message.body_text.split("http://localhost", 1)[1].split()[0])
    assert page.status_code == 200
    assert "Your earlier answer “hello” is not a date: please give the date." in page.text


def test_the_kind_does_not_change_once_an_answer_exists(app, asked):
    officer, training, question = asked
    services.record_answers(RegistrationFactory(training=training), {question.id: "tomorrow"})
    with pytest.raises(services.QuestionError) as refused:
        services.update_question(question, services.QuestionDetails(kind="date", label="When do you arrive?"),
                                 by_user=officer)
    assert refused.value.field == "kind"
    db.session.rollback()
    assert db.session.get(RegistrationQuestion, question.id).kind == "short_text"


def test_an_answer_given_to_the_old_kind_is_not_stored_under_the_new_one(app, asked):
    _officer, training, question = asked
    registration = RegistrationFactory(training=training)
    db.session.execute(update(RegistrationQuestion).where(RegistrationQuestion.id == question.id).values(kind="date"))
    db.session.commit()  # changed by another request; this one still has the question as a text in memory
    services.record_answers(registration, {question.id: "hello"})
    assert db.session.scalars(select(RegistrationAnswer.value)).all() == []
    services.record_answers(registration, {question.id: "2026-03-01"})
    assert db.session.scalars(select(RegistrationAnswer.value)).all() == ["2026-03-01"]


@pytest.mark.parametrize("choices, refusal", [
    ("Morning\n|", "Every choice needs its English text"),
    ("Morning\n| مساءً", "Every choice needs its English text"),
    ("Morning\nmorning", "“morning” is given twice"),
])
def test_empty_or_repeated_choices_are_refused_beside_the_field(app, login, asked, choices, refusal):
    officer, training, _question = asked
    page = login(officer).post(f"/officer/trainings/{training.id}/questions", data={
        "kind": "single_choice", "label": "Which session?", "label_ar": "", "help": "", "help_ar": "",
        "choices": choices})
    assert page.status_code == 422 and refusal in page.text
    assert db.session.scalar(select(RegistrationQuestion).where(RegistrationQuestion.label == "Which session?")) is None
    with pytest.raises(services.QuestionError, match="English text"):
        services.add_question(training, services.QuestionDetails(kind="single_choice", label="Two empty",
                                                                 choices="|\n|"), by_user=officer)


def test_an_answered_choice_may_be_reworded_not_emptied_and_the_form_says_what_rewording_does(app, login, asked):
    officer, training, _question = asked
    session = services.add_question(training, services.QuestionDetails(
        kind="single_choice", label="Which session?", choices="Morning\nAfternoon"), by_user=officer)
    services.record_answers(RegistrationFactory(training=training), {session.id: "1"})
    client = login(officer)
    url = f"/officer/trainings/{training.id}/questions/{session.id}/edit"
    assert "Rewording a choice changes what the earlier answers read as" in client.get(url).text
    data = {"kind": "single_choice", "label": "Which session?", "label_ar": "", "help": "", "help_ar": ""}
    refused = client.post(url, data={**data, "choices": "Morning\n|"})
    assert refused.status_code == 422 and "Every choice needs its English text" in refused.text
    db.session.refresh(session)
    assert session.choices == "Morning\nAfternoon"
    assert client.post(url, data={**data, "choices": "Morning\nAfternoon (14:00)"}).status_code == 302
    db.session.refresh(session)
    assert session.choices == "Morning\nAfternoon (14:00)"
