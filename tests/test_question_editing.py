"""An officer edits a registration question (texts in both languages, help, required, choices) and reorders the
form with up and down buttons; answers already given stay attached and keep their meaning."""
import pytest
from sqlalchemy import select

from tests.factories import OrganisationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db
from training_mgr.questions import services
from training_mgr.questions.models import RegistrationAnswer
from training_mgr.registrations.models import Registration


@pytest.fixture
def form(app):
    """An open training whose form asks, in this order, which session and the arrival flight."""
    officer = UserFactory(role="officer")
    organisation = OrganisationFactory(name="Ministry of Transport")
    training = TrainingSessionFactory(officers=[officer])
    session = services.add_question(training, services.QuestionDetails(
        kind="single_choice", label="Which session will you attend?", label_ar="أي جلسة ستحضر؟",
        choices="Morning | صباحاً\nAfternoon | مساءً"), by_user=officer)
    flight = services.add_question(training, services.QuestionDetails(kind="short_text", label="Arrival flight"),
                                   by_user=officer)
    return officer, organisation, training, session, flight


def edit(client, training, question, **fields):
    data = {"kind": question.kind, "label": question.label, "label_ar": question.label_ar or "",
            "help": question.help or "", "help_ar": question.help_ar or "", "choices": question.choices or "",
            **({"required": "y"} if question.required else {}), **fields}
    return client.post(f"/officer/trainings/{training.id}/questions/{question.id}/edit", data=data,
                       follow_redirects=True)


def answer(client, training, organisation, question, value, email="layla@mot.gov.iq"):
    response = client.post(f"/sessions/{training.id}/register", data={
        "name": "Layla Hassan", "sex": "female", "organisation": str(organisation.id), "email": email,
        "consent": "y", f"question_{question.id}": value})
    assert response.status_code == 302
    return db.session.scalar(select(Registration).join(Registration.participant).where(
        Registration.training_id == training.id).order_by(Registration.id.desc()))


def test_an_officer_edits_a_questions_texts_help_and_required_and_the_form_shows_them(app, login, form):
    officer, _organisation, training, session, _flight = form
    client = login(officer)
    page = client.get(f"/officer/trainings/{training.id}/questions/{session.id}/edit")
    assert page.status_code == 200 and "Which session will you attend?" in page.text  # the form is filled in

    saved = edit(client, training, session, label="Which day will you attend?", label_ar="أي يوم ستحضر؟",
                 help="Pick the day your ministry released you for.", help_ar="اختر اليوم الذي تفرغك فيه وزارتك.",
                 required="y", choices="First day | اليوم الأول\nSecond day | اليوم الثاني")
    assert "Question saved." in saved.text
    db.session.refresh(session)
    assert (session.label, session.required, session.help_ar) == ("Which day will you attend?", True,
                                                                  "اختر اليوم الذي تفرغك فيه وزارتك.")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "question.update"))
    assert entry.changes["label"] == ["Which session will you attend?", "Which day will you attend?"]

    public = app.test_client()
    english = public.get(f"/sessions/{training.id}/register").text
    assert "Which day will you attend?" in english and "Pick the day your ministry released you for." in english
    arabic = public.get(f"/sessions/{training.id}/register?lang=ar").text
    assert "أي يوم ستحضر؟" in arabic and "اختر اليوم الذي تفرغك فيه وزارتك." in arabic and "اليوم الأول" in arabic


def test_a_bad_edit_is_shown_beside_its_field_with_what_was_typed(login, form):
    officer, _organisation, training, session, _flight = form
    response = edit(login(officer), training, session, label="", label_ar="سؤال جديد", choices="Only one")
    assert response.status_code == 422
    assert "سؤال جديد" in response.text  # the form keeps the input
    db.session.refresh(session)
    assert session.label == "Which session will you attend?"


def test_once_answered_the_kind_is_fixed_and_the_answers_stay_attached(app, login, form):
    officer, organisation, training, session, _flight = form
    registration = answer(app.test_client(), training, organisation, session, "1")  # Afternoon
    client = login(officer)
    page = client.get(f"/officer/trainings/{training.id}/questions/{session.id}/edit").text
    assert "1 person has answered this question" in page

    refused = edit(client, training, session, kind="short_text")
    assert refused.status_code == 422
    assert "The kind cannot change: 1 person has answered this question." in refused.text
    db.session.refresh(session)
    assert session.kind == "single_choice"

    # reworded where they stand, one added at the end: the answer still means the afternoon
    edit(client, training, session, choices="Morning (9:00) | صباحاً\nAfternoon (14:00) | مساءً\nEvening | مساءً متأخراً")
    shown = services.answers_for(registration, with_sensitive=True, by_user=officer)
    assert [(a.question.label, a.text) for a in shown if a.text] == [("Which session will you attend?", "Afternoon (14:00)")]


@pytest.mark.parametrize("choices", ["Afternoon\nMorning\nEvening", "Morning\nEvening"])
def test_once_answered_a_choice_is_neither_moved_nor_removed(app, login, form, choices):
    officer, organisation, training, session, _flight = form
    answer(app.test_client(), training, organisation, session, "1")
    client = login(officer)
    edit(client, training, session, choices="Morning\nAfternoon\nEvening")
    refused = edit(client, training, session, choices=choices)
    assert refused.status_code == 422 and "keep each in its place" in refused.text
    db.session.refresh(session)
    assert session.choices == "Morning\nAfternoon\nEvening"
    assert db.session.scalar(select(RegistrationAnswer.value)) == "1"


def test_before_anyone_answers_the_kind_can_change(login, form):
    officer, _organisation, training, _session, flight = form
    edit(login(officer), training, flight, kind="yes_no", label="Do you need a visa?")
    db.session.refresh(flight)
    assert (flight.kind, flight.label) == ("yes_no", "Do you need a visa?")


def test_questions_move_up_and_down_and_the_form_follows(app, login, form):
    officer, _organisation, training, session, flight = form
    client = login(officer)
    url = f"/officer/trainings/{training.id}/questions/{flight.id}/move"
    moved = client.post(url, data={"direction": "up"}, follow_redirects=True)
    assert "Question moved up." in moved.text
    assert [q.id for q in services.questions_of(training)] == [flight.id, session.id]
    public = app.test_client().get(f"/sessions/{training.id}/register").text
    assert public.index("Arrival flight") < public.index("Which session will you attend?")

    first = client.post(url, data={"direction": "up"}, follow_redirects=True)
    assert "The question is already first." in first.text
    assert client.post(url, data={"direction": "sideways"}).status_code == 400
    client.post(url, data={"direction": "down"})
    assert [q.id for q in services.questions_of(training)] == [session.id, flight.id]


def test_another_trainings_question_cannot_be_edited_or_moved_from_here(login, form):
    officer, _organisation, training, session, _flight = form
    own = TrainingSessionFactory(officers=[officer])
    assert login(officer).get(f"/officer/trainings/{own.id}/questions/{session.id}/edit").status_code == 404
    assert login(officer).post(f"/officer/trainings/{own.id}/questions/{session.id}/move",
                               data={"direction": "down"}).status_code == 404
