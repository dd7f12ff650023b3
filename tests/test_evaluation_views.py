"""Evaluation pages: the officer's question bank and evaluation page, the participants' questionnaires, the paper
answer grid and the printable test."""
import io
import subprocess

import pytest
from openpyxl import Workbook

from tests.factories import CourseFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from tests.test_evaluation import answers_with, make_test
from training_mgr.evaluation import bank, instruments
from training_mgr.evaluation.models import Question, Respondent, Response
from training_mgr.extensions import db


@pytest.fixture
def setup(app):
    officer = UserFactory(role="officer")
    course = CourseFactory(officers=[officer])
    training = TrainingSessionFactory(course=course, officers=[officer])
    questions = make_test(course, officer, n=3)
    people = [RegistrationFactory(training=training).participant for _ in range(3)]
    accounts = [UserFactory(role="participant", email=p.email, participant=p) for p in people]
    return training, officer, questions, people, accounts


def test_an_officer_adds_a_bilingual_question_and_a_bad_one_is_shown_again(app, login, setup):
    training, officer, *_ = setup
    client = login(officer)
    url = f"/courses/{training.course_id}/questions"
    response = client.post(url, data={"kind": "single", "text": "Who may seek asylum?", "text_ar": "من يحق له طلب اللجوء؟",
                                      "option_0": "Anyone", "option_0_ar": "أي شخص", "option_1": "Nobody",
                                      "correct": ["0"], "theme": "Refugee law"})
    assert response.status_code == 302
    page = client.get(url).text
    assert "Who may seek asylum?" in page and "من يحق له طلب اللجوء؟" in page
    response = client.post(url, data={"kind": "single", "text": "No correct answer", "option_0": "A", "option_1": "B"})
    assert response.status_code == 422
    assert "Mark the correct answer." in response.text and "No correct answer" in response.text


def test_editing_through_the_page_makes_a_new_version(app, login, setup):
    training, officer, questions, *_ = setup
    client = login(officer)
    response = client.post(f"/courses/{training.course_id}/questions/{questions[0].id}/edit",
                           data={"kind": "single", "text": "Reworded", "option_0": "Right", "option_1": "Wrong",
                                 "correct": ["0"]})
    assert response.status_code == 302
    assert db.session.get(Question, questions[0].id).superseded_at is not None
    assert "Reworded" in client.get(f"/courses/{training.course_id}/questions").text


def test_an_import_with_bad_rows_lists_them_all_and_adds_nothing(app, login, setup):
    training, officer, *_ = setup
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(bank.IMPORT_COLUMNS))
    sheet.append(["single", "", "Fine", "", "Yes", "", "No", "", "", "", "", "", "", "", "", "", "A"])
    sheet.append(["single", "", "", "", "Yes", "", "No", "", "", "", "", "", "", "", "", "", "A"])
    sheet.append(["true/false", "", "Bad answer", "", "", "", "", "", "", "", "", "", "", "", "", "", "maybe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = db.session.query(Question).count()
    response = login(officer).post(f"/courses/{training.course_id}/questions/import",
                                   data={"file": (io.BytesIO(buffer.getvalue()), "bank.xlsx")},
                                   content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Row 3" in response.text and "Row 4" in response.text and "Row 2" not in response.text
    assert db.session.query(Question).count() == before


def test_a_participant_answers_the_pre_test_on_the_portal_in_arabic_once(app, login, setup):
    training, officer, questions, people, accounts = setup
    instruments.open_now(training, "pre", by_user=officer)
    client = login(accounts[0])
    page = client.get(f"/sessions/{training.id}/evaluation/pre?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and "سؤال 0" in page.text
    data = {f"q{q.id}": "0" for q in questions}
    response = client.post(f"/sessions/{training.id}/evaluation/pre", data=data)
    assert response.status_code == 200
    assert db.session.query(Response).filter_by(participant_id=people[0].id).one().score == 1.0
    again = client.post(f"/sessions/{training.id}/evaluation/pre", data={f"q{q.id}": "1" for q in questions})
    assert again.status_code == 409
    assert db.session.query(Response).filter_by(participant_id=people[0].id).one().score == 1.0
    assert client.get(f"/sessions/{training.id}/evaluation/pre").status_code == 200  # says "already answered"


def test_an_unanswered_question_is_marked_and_the_answers_kept(app, login, setup):
    training, officer, questions, _, accounts = setup
    instruments.open_now(training, "pre", by_user=officer)
    response = login(accounts[0]).post(f"/sessions/{training.id}/evaluation/pre",
                                       data={f"q{questions[0].id}": "1"})
    assert response.status_code == 422
    assert f'id="q{questions[1].id}-error"' in response.text
    assert f'id="q{questions[0].id}-1" value="1" checked' in response.text
    assert db.session.query(Response).count() == 0


def test_a_personal_link_works_without_logging_in_and_a_forged_one_does_not(app, client, setup):
    training, officer, questions, people, _ = setup
    instruments.open_now(training, "post", by_user=officer)
    token = instruments.link_token(training.id, people[1].id)
    page = client.get(f"/sessions/{training.id}/evaluation/post?t={token}")
    assert page.status_code == 200 and f"Answers of {people[1].name}" in page.text  # whose sheet this is
    response = client.post(f"/sessions/{training.id}/evaluation/post", data={"t": token, **{f"q{q.id}": "0" for q in questions}})
    assert response.status_code == 200
    assert db.session.query(Response).filter_by(participant_id=people[1].id).count() == 1
    assert client.get(f"/sessions/{training.id}/evaluation/post?t={token}x").status_code == 404
    other = TrainingSessionFactory()
    assert client.get(f"/sessions/{other.id}/evaluation/post?t={token}").status_code == 404
    assert client.get(f"/sessions/{training.id}/evaluation/post").status_code == 302  # to the log-in page


def test_someone_not_registered_or_staff_is_told_and_nothing_changes(app, login, setup):
    training, officer, questions, *_ = setup
    instruments.open_now(training, "pre", by_user=officer)
    stranger = ParticipantFactory()
    account = UserFactory(role="participant", email=stranger.email, participant=stranger)
    response = login(account).post(f"/sessions/{training.id}/evaluation/pre", data={f"q{q.id}": "0" for q in questions})
    assert response.status_code == 403 and "confirmed participants" in response.text
    assert login(officer).get(f"/sessions/{training.id}/evaluation/pre").status_code == 403
    assert db.session.query(Response).count() == 0


def test_after_closing_the_form_says_so(app, login, setup):
    training, officer, questions, _, accounts = setup
    pre = instruments.open_now(training, "pre", by_user=officer)
    login(officer).post(f"/officer/trainings/{training.id}/evaluation/pre/close")
    assert pre.closes_at is not None
    response = login(accounts[0]).post(f"/sessions/{training.id}/evaluation/pre", data={f"q{q.id}": "0" for q in questions})
    assert response.status_code == 409 and "closed" in response.text
    assert db.session.query(Response).count() == 0


def test_the_reaction_survey_opens_in_one_click_and_stores_no_name(app, login, setup):
    training, officer, _, people, accounts = setup
    response = login(officer).post(f"/officer/trainings/{training.id}/evaluation/reaction/open")
    assert response.status_code == 302
    reaction = instruments.instrument_of(training, "reaction")
    data = {f"q{q.id}": "4" if q.kind == "likert" else "Good" for q in reaction.questions}
    assert login(accounts[2]).post(f"/sessions/{training.id}/evaluation/reaction", data=data).status_code == 200
    # one answer: it waits in the questionnaire's pool (no person in it), not in the responses table
    db.session.refresh(reaction)
    assert db.session.query(Response).count() == 0 and len(reaction.anonymous_pool) == 1
    assert "participant" not in str(reaction.anonymous_pool) and "Good" in str(reaction.anonymous_pool)
    assert db.session.get(Respondent, (reaction.id, people[2].id)) is not None


def test_an_officer_types_in_three_paper_sheets(app, login, setup):
    training, officer, questions, people, _ = setup
    instruments.open_now(training, "pre", by_user=officer)
    client = login(officer)
    url = f"/officer/trainings/{training.id}/evaluation/pre/paper"
    assert client.get(url).status_code == 200
    bad = {f"p{people[0].id}-q{questions[0].id}": "A", f"p{people[1].id}-q{questions[0].id}": "Z"}
    response = client.post(url, data=bad)
    assert response.status_code == 422 and 'aria-invalid="true"' in response.text
    assert db.session.query(Response).count() == 0
    sheets = {}
    for person, letters in zip(people, ("AAA", "ABA", "BBB")):
        sheets.update({f"p{person.id}-q{q.id}": letter for q, letter in zip(questions, letters)})
    assert client.post(url, data=sheets).status_code == 302
    scores = {r.participant_id: r.score for r in db.session.query(Response)}
    assert scores == {people[0].id: 1.0, people[1].id: pytest.approx(2 / 3), people[2].id: 0.0}


def test_the_evaluation_page_shows_no_responses_then_the_figures(app, login, setup):
    training, officer, questions, people, _ = setup
    client = login(officer)
    page = client.get(f"/officer/trainings/{training.id}/evaluation")
    assert page.status_code == 200 and "no responses" in page.text
    pre = instruments.open_now(training, "pre", by_user=officer)
    post = instruments.open_now(training, "post", by_user=officer)
    for person in people:
        instruments.submit_answers(pre, training, person.id, answers_with(questions, 1))
        instruments.submit_answers(post, training, person.id, answers_with(questions, 3))
    page = client.get(f"/officer/trainings/{training.id}/evaluation").text
    assert "33%" in page and "100%" in page and "<svg" in page
    assert "+67" in page  # each participant's change in points


def test_the_printable_test_is_bilingual(app, login, setup, tmp_path):
    training, officer, *_ = setup
    response = login(officer).get(f"/officer/trainings/{training.id}/evaluation/pre/test.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "test.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Question 0" in text and "سؤال" in text and "Right" in text


def test_the_account_page_offers_the_open_questionnaires_until_answered(app, login, setup):
    training, officer, questions, _, accounts = setup
    client = login(accounts[0])
    assert "/evaluation/pre" not in client.get("/account").text
    instruments.open_now(training, "pre", by_user=officer)
    assert f"/sessions/{training.id}/evaluation/pre" in client.get("/account").text
    client.post(f"/sessions/{training.id}/evaluation/pre", data={f"q{q.id}": "0" for q in questions})
    assert "/evaluation/pre" not in client.get("/account").text


def test_a_reaction_survey_of_fewer_than_five_is_not_broken_down_on_the_page(app, login, setup):
    training, officer, _, people, _ = setup
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    answers = {q.id: instruments.GivenAnswer(value=2) if q.kind == "likert" else instruments.GivenAnswer(text="Too long")
               for q in reaction.questions}
    instruments.submit_answers(reaction, training, people[0].id, answers)
    page = login(officer).get(f"/officer/trainings/{training.id}/evaluation").text
    assert "Fewer than 5 responses" in page and "Too long" not in page


def test_the_qr_slips_carry_each_persons_working_link(app, login, client, setup, tmp_path):
    training, officer, questions, people, _ = setup
    instruments.open_now(training, "reaction", by_user=officer)
    response = login(officer).get(f"/officer/trainings/{training.id}/evaluation/reaction/links.pdf")
    assert response.status_code == 200
    path = tmp_path / "links.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert all(person.name in text for person in people)
    with app.test_request_context():
        links = [instruments.personal_url(training.id, person.id, "reaction") for person in people]
    assert all(link in text.replace("\n", "") for link in links)  # printed under each QR code, as the code holds it
    page = client.get(links[0][links[0].index("/sessions/"):])
    assert page.status_code == 200 and "anonymous" in page.text


def test_settings_take_local_times_and_refuse_closing_before_opening(app, login, setup):
    training, officer, questions, *_ = setup
    client = login(officer)
    url = f"/officer/trainings/{training.id}/evaluation/post/settings"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"opens_at": "2030-02-17T10:00", "closes_at": "2030-02-17T09:00",
                                 "question_ids": [str(q.id) for q in questions]})
    assert bad.status_code == 422 and "after the opening time" in bad.text
    assert instruments.instrument_of(training, "post") is None
    good = client.post(url, data={"opens_at": "2030-02-17T10:00", "closes_at": "2030-02-17T13:00",
                                  "question_ids": [str(questions[0].id), str(questions[2].id)]})
    assert good.status_code == 302
    post = instruments.instrument_of(training, "post")
    assert [item.question_id for item in post.items] == [questions[0].id, questions[2].id]  # parallel items
    assert post.opens_at.replace(tzinfo=None).isoformat().startswith("2030-02-17T07:00")  # Baghdad is UTC+3


def test_the_import_template_imports_as_it_is(app, login, setup):
    training, officer, *_ = setup
    client = login(officer)
    template = client.get(f"/courses/{training.course_id}/questions/template.xlsx")
    assert template.status_code == 200
    before = len(bank.bank_of(training.course))
    response = client.post(f"/courses/{training.course_id}/questions/import",
                           data={"file": (io.BytesIO(template.data), "question-bank.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(bank.bank_of(training.course)) == before + 1
    assert bank.bank_of(training.course)[-1].text_ar == "من يحق له طلب اللجوء على الحدود؟"


def test_open_now_is_offered_only_while_a_questionnaire_is_not_open(app, login, setup):
    training, officer, *_ = setup
    client = login(officer)
    url = f"/officer/trainings/{training.id}/evaluation"
    assert f'action="{url}/pre/open"' in client.get(url).text
    assert client.post(f"{url}/pre/open").status_code == 302
    opened_at = instruments.instrument_of(training, "pre").opens_at
    page = client.get(url).text
    assert f'action="{url}/pre/open"' not in page and f'action="{url}/pre/close"' in page
    # a second click from a page left open keeps the opening time and says so
    response = client.post(f"{url}/pre/open", follow_redirects=True)
    assert "It is open already" in response.text
    db.session.expire_all()
    assert instruments.instrument_of(training, "pre").opens_at == opened_at
