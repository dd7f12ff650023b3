"""The issue's "done when", tried as a new user would, through the pages: an officer builds a 10-question bilingual
test, opens the pre-test on day 1; participants answer on phones in Arabic; the officer types three paper sheets in;
the post-test and the survey run on the last day; the session report PDF shows the knowledge gain by sex and by
ministry, and the API gives the same numbers."""
import io

import pytest
from pypdf import PdfReader

from tests.factories import CourseFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.core.i18n import fmt_percent
from training_mgr.evaluation.models import Instrument
from training_mgr.reports import documents


def test_a_ten_question_test_from_building_to_the_report(app, login):
    officer = UserFactory(role="officer")
    course = CourseFactory(officers=[officer])
    training = TrainingSessionFactory(course=course, officers=[officer])
    interior, customs = OrganisationFactory(name="Ministry of Interior"), OrganisationFactory(name="General Commission of Customs")
    people = [RegistrationFactory(training=training, participant=ParticipantFactory(
        sex=("female", "male")[i % 2], organisation=(interior, customs)[i // 4], locale="ar")).participant for i in range(8)]
    accounts = [UserFactory(role="participant", email=p.email, participant=p) for p in people[:5]]
    staff = login(officer)

    for i in range(10):  # the correct answer is A for even questions, B for odd ones
        response = staff.post(f"/courses/{course.id}/questions", data={
            "kind": "single", "text": f"Border law question {i}", "text_ar": f"سؤال قانون الحدود {i}",
            "option_0": "First", "option_0_ar": "الأول", "option_1": "Second", "option_1_ar": "الثاني",
            "correct": [str(i % 2)], "theme": "Refugee law"})
        assert response.status_code == 302
    assert staff.post(f"/officer/trainings/{training.id}/evaluation/pre/open").status_code == 302
    pre = Instrument.query.filter_by(training_id=training.id, kind="pre").one()
    questions = pre.questions
    assert len(questions) == 10

    def answer(client, kind, right):
        data = {f"q{q.id}": str(q.correct[0] if n < right else 1 - q.correct[0]) for n, q in enumerate(questions)}
        return client.post(f"/sessions/{training.id}/evaluation/{kind}?lang=ar", data=data)

    for account, right in zip(accounts, (3, 4, 5, 6, 2)):  # five answer on their phones, in Arabic
        phone = login(account)
        assert 'dir="rtl"' in phone.get(f"/sessions/{training.id}/evaluation/pre?lang=ar").text
        assert answer(phone, "pre", right).status_code == 200
    paper = {}
    for person, right in zip(people[5:], (4, 5, 3)):  # three paper sheets
        paper.update({f"p{person.id}-q{q.id}": "AB"[q.correct[0] if n < right else 1 - q.correct[0]]
                      for n, q in enumerate(questions)})
    assert staff.post(f"/officer/trainings/{training.id}/evaluation/pre/paper", data=paper).status_code == 302

    assert staff.post(f"/officer/trainings/{training.id}/evaluation/post/open").status_code == 302
    assert staff.post(f"/officer/trainings/{training.id}/evaluation/reaction/open").status_code == 302
    for account, right in zip(accounts, (8, 9, 7, 10, 6)):
        assert answer(login(account), "post", right).status_code == 200
    paper = {}
    for person, right in zip(people[5:], (7, 9, 6)):
        paper.update({f"p{person.id}-q{q.id}": "AB"[q.correct[0] if n < right else 1 - q.correct[0]]
                      for n, q in enumerate(questions)})
    assert staff.post(f"/officer/trainings/{training.id}/evaluation/post/paper", data=paper).status_code == 302

    api = login(UserFactory(role="manager")).get(f"/api/v1/sessions/{training.id}/evaluation").json
    knowledge = api["knowledge"]
    assert knowledge["paired"] == 8 and knowledge["increased_share"] == 1.0
    assert knowledge["mean_gain"] == pytest.approx(sum((b - a) / 10 for a, b in zip((3, 4, 5, 6, 2, 4, 5, 3), (8, 9, 7, 10, 6, 7, 9, 6))) / 8)

    with app.test_request_context():
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(
            io.BytesIO(documents.session_report_pdf(training))).pages).split())
        female = knowledge["by_sex"]["female"]
        expected_female = f"Female {female['paired']} {fmt_percent(female['mean_pre'])} {fmt_percent(female['mean_post'])}"
        interior_row = next(row for row in knowledge["by_organisation"] if row["organisation"] == "Ministry of Interior")
        expected_interior = (f"Ministry of Interior {interior_row['paired']} {fmt_percent(interior_row['mean_pre'])} "
                             f"{fmt_percent(interior_row['mean_post'])}")
    assert expected_female in text and expected_interior in text
