"""Evaluation tried the way a new officer and an attacker would: odd values on the participants' form and the
officer's settings are refused beside their field, never a 500, and the question bank is found from the course."""
import pytest

from tests.factories import RegistrationFactory, UserFactory
from tests.test_evaluation import answers_with
from tests.test_evaluation_reports import pdf_text
from tests.test_evaluation_views import setup  # noqa: F401  (the fixture: a training, its officer, 3 questions, 3 people)
from training_mgr.evaluation import instruments, results
from training_mgr.evaluation.instruments import GivenAnswer
from training_mgr.evaluation.models import Respondent, Response
from training_mgr.extensions import db


@pytest.mark.parametrize("kind", ["pre", "reaction"])
@pytest.mark.parametrize("value", ["\u00b2", "\u2460", "9" * 5000])
def test_a_digit_that_is_not_a_number_is_asked_again_not_a_server_error(app, client, setup, kind, value):
    # "²" and "①" pass str.isdigit() but int() refuses them, and so does a number of 5,000 digits: a tampered
    # post must not end in a 500
    training, officer, questions, people, _ = setup
    instrument = instruments.open_now(training, kind, by_user=officer)
    token = instruments.link_token(training.id, people[0].id)
    data = {"t": token, **{f"q{q.id}": ("0" if q.kind != "likert" else "4") for q in instrument.questions
                           if q.kind != "text"}}
    data[f"q{instrument.questions[0].id}"] = value
    response = client.post(f"/sessions/{training.id}/evaluation/{kind}", data=data)
    assert response.status_code == 422
    assert f'id="q{instrument.questions[0].id}-error"' in response.text
    assert db.session.query(Response).count() == 0 and db.session.query(Respondent).count() == 0


def test_arabic_indic_digits_still_count_as_the_choice(app, client, setup):
    training, officer, questions, people, _ = setup
    instruments.open_now(training, "pre", by_user=officer)
    token = instruments.link_token(training.id, people[0].id)
    response = client.post(f"/sessions/{training.id}/evaluation/pre",
                           data={"t": token, **{f"q{q.id}": "\u0660" for q in questions}})  # "٠", the first choice
    assert response.status_code == 200
    assert db.session.query(Response).one().score == 1.0


def test_an_opening_time_out_of_range_is_refused_beside_its_field(app, login, setup):
    # in Baghdad, midnight on 1 January of year 1 has no UTC time: converting it crashed the page
    training, officer, questions, *_ = setup
    response = login(officer).post(f"/officer/trainings/{training.id}/evaluation/pre/settings",
                                   data={"opens_at": "0001-01-01T00:00", "question_ids": [str(q.id) for q in questions]})
    assert response.status_code == 422
    assert "Choose a date between" in response.text
    assert instruments.instrument_of(training, "pre") is None


def test_a_test_without_any_question_ticked_says_so_not_that_the_bank_is_empty(app, login, setup):
    training, officer, questions, *_ = setup
    response = login(officer).post(f"/officer/trainings/{training.id}/evaluation/pre/settings",
                                   data={"opens_at": "2030-02-15T08:00"})
    assert response.status_code == 422
    assert "Choose at least one question." in response.text
    assert "has no questions yet" not in response.text
    assert instruments.instrument_of(training, "pre") is None


def test_the_course_page_leads_its_officers_to_the_question_bank(app, login, setup):
    training, officer, *_ = setup
    page = login(officer).get(f"/courses/{training.course_id}")
    assert f'href="/courses/{training.course_id}/questions"' in page.text
    other = UserFactory(role="officer")
    assert f'href="/courses/{training.course_id}/questions"' not in login(other).get(f"/courses/{training.course_id}").text


def test_a_group_with_full_marks_before_has_an_undefined_normalised_gain_not_no_responses(app, login, setup):
    # (post − pre) ÷ (100% − pre) has no value when everyone scored 100% before: the page and the session report
    # said "no responses" beside two paired participants
    training, officer, questions, people, _ = setup
    pre = instruments.open_now(training, "pre", by_user=officer)
    post = instruments.open_now(training, "post", by_user=officer)
    for person in people:
        instruments.submit_answers(pre, training, person.id, answers_with(questions, 3))
        instruments.submit_answers(post, training, person.id, answers_with(questions, 3))
    client = login(officer)
    page = client.get(f"/officer/trainings/{training.id}/evaluation").text
    groups = page[page.index('id="knowledge-groups"'):]
    groups = groups[:groups.index("</table>")]
    assert "no responses" not in groups
    assert "not defined (full marks before the training)" in groups
    report = client.get(f"/officer/trainings/{training.id}/report.pdf")
    text = pdf_text(report.data)
    assert "not defined (full marks before the training)" in text
    section = text[text.index("Knowledge gain by group"):text.index("Reaction survey")]
    assert "no responses" not in section


def test_anonymous_comments_are_not_listed_in_the_order_people_sent_them(app, setup):
    # an officer in the room sees who finishes first: listed in the order sent, the first comment was theirs
    training, officer, *_ = setup
    people = [RegistrationFactory(training=training).participant for _ in range(5)]
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    likert = [q for q in reaction.questions if q.kind == "likert"]
    comment = next(q for q in reaction.questions if q.kind == "text")
    for person, text in zip(people, ("Zeal", "Mixed", "Arabic", "Clear", "Boring")):
        instruments.submit_answers(reaction, training, person.id,
                                   {**{q.id: GivenAnswer(value=4) for q in likert}, comment.id: GivenAnswer(text=text)})
    comments = results.training_evaluation(training)["reaction"]["comments"]
    assert comments == ["Arabic", "Boring", "Clear", "Mixed", "Zeal"]
