"""Evaluation: the question bank, instruments, answering and the figures (services, without HTTP)."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from tests.factories import (
    OrganisationFactory, ParticipantFactory, RecommendationFactory, RegistrationFactory, TrainingSessionFactory,
    UserFactory,
)
from training_mgr.core.db import utcnow
from training_mgr.evaluation import bank, instruments, results
from training_mgr.evaluation.bank import QuestionDetails, QuestionError
from training_mgr.evaluation.instruments import AlreadyAnswered, GivenAnswer, NotOpen, NotRegistered
from training_mgr.evaluation.models import Answer, Respondent, Response
from training_mgr.extensions import db
from training_mgr.registrations.models import Registration


def make_test(course, officer, n=4):
    """``n`` single-choice questions whose correct answer is the first choice."""
    return [bank.create_question(course, QuestionDetails(
        bank="test", kind="single", text=f"Question {i}", text_ar=f"سؤال {i}",
        options=(("Right", "صحيح"), ("Wrong", "خطأ")), correct=(0,), theme="Refugee law"), by_user=officer)
        for i in range(n)]


def answers_with(questions, right: int):
    """Answers to ``questions`` of which the first ``right`` are correct."""
    return {q.id: GivenAnswer(choices=(0,) if i < right else (1,)) for i, q in enumerate(questions)}


@pytest.fixture
def world(app):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    questions = make_test(training.course, officer)
    people = [RegistrationFactory(training=training).participant for _ in range(6)]
    return training, officer, questions, people


def test_editing_a_question_keeps_past_answers_and_results(world):
    training, officer, questions, people = world
    pre = instruments.open_now(training, "pre", by_user=officer)
    instruments.submit_answers(pre, training, people[0].id, answers_with(questions, 2))
    assert results.training_evaluation(training)["pre_test"]["mean_score"] == 0.5

    edited = bank.update_question(questions[0], QuestionDetails(
        bank="test", kind="single", text="Question 0 (new wording)", options=(("Wrong", ""), ("Right", "")),
        correct=(1,)), by_user=officer)

    assert edited.id != questions[0].id and edited.family_id == questions[0].family_id and edited.version == 2
    assert [q.text for q in bank.bank_of(training.course)][0] == "Question 0 (new wording)"
    # the answer still points at the version asked, and the score stands
    answer = db.session.query(Answer).filter_by(question_id=questions[0].id).one()
    assert answer.correct is True
    assert results.training_evaluation(training)["pre_test"]["mean_score"] == 0.5
    # the answered pre-test still asks the old version; a new post-test asks the new one
    assert pre.items[0].question_id == questions[0].id
    post = instruments.open_now(training, "post", by_user=officer)
    assert post.items[0].question_id == edited.id


def test_an_unanswered_instrument_follows_the_edit(world):
    training, officer, questions, _ = world
    pre = instruments.open_now(training, "pre", by_user=officer)
    edited = bank.update_question(questions[1], QuestionDetails(
        bank="test", kind="true_false", text="Borders may be closed to refugees.", correct=(1,)), by_user=officer)
    db.session.refresh(pre)
    assert edited.id in [item.question_id for item in pre.items]


def test_a_question_needs_a_correct_answer_and_two_choices(world):
    training, officer, _, _ = world
    with pytest.raises(QuestionError) as error:
        bank.create_question(training.course, QuestionDetails(bank="test", kind="single", text="Q",
                                                              options=(("A", ""), ("B", "")), correct=()), by_user=officer)
    assert error.value.field == "correct"
    with pytest.raises(QuestionError) as error:
        bank.create_question(training.course, QuestionDetails(bank="test", kind="multiple", text="Q",
                                                              options=(("A", ""),), correct=(0,)), by_user=officer)
    assert error.value.field == "options"


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(bank.IMPORT_COLUMNS))
    for row in rows:
        sheet.append([row.get(column, "") for column in bank.IMPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_import_with_bad_rows_is_refused_whole_and_lists_every_bad_row(world):
    training, officer, _, _ = world
    before = len(bank.bank_of(training.course))
    data = _xlsx([
        {"kind": "single", "question": "Good one", "A": "Yes", "B": "No", "correct": "A"},
        {"kind": "essay", "question": "Bad kind", "correct": "A"},
        {"kind": "true/false", "question": "Good TF", "correct": "false"},
        {"kind": "single", "question": "No correct", "A": "Yes", "B": "No", "correct": "Z"},
    ])
    with pytest.raises(QuestionError) as error:
        bank.import_questions(training.course, "bank.xlsx", data, max_bytes=10**6, by_user=officer)
    assert "Row 3" in str(error.value) and "Row 5" in str(error.value)
    assert "Row 2" not in str(error.value) and "Row 4" not in str(error.value)
    assert len(bank.bank_of(training.course)) == before


def test_a_good_import_adds_every_row(world):
    training, officer, _, _ = world
    data = _xlsx([
        {"kind": "multiple", "theme": "Gender", "question": "Pick two", "question_ar": "اختر اثنين",
         "A": "One", "A_ar": "واحد", "B": "Two", "C": "Three", "correct": "A, C"},
        {"kind": "true/false", "question": "Sky is blue", "correct": "True"},
    ])
    assert bank.import_questions(training.course, "bank.xlsx", data, max_bytes=10**6, by_user=officer) == 2
    imported = bank.bank_of(training.course)[-2:]
    assert imported[0].correct == [0, 2] and imported[0].options[0] == {"text": "One", "text_ar": "واحد"}
    assert imported[1].kind == "true_false" and imported[1].correct == [0]


def test_answering_twice_after_closing_or_unregistered_changes_nothing(world):
    training, officer, questions, people = world
    pre = instruments.open_now(training, "pre", by_user=officer)
    instruments.submit_answers(pre, training, people[0].id, answers_with(questions, 4))
    with pytest.raises(AlreadyAnswered):
        instruments.submit_answers(pre, training, people[0].id, answers_with(questions, 0))
    stranger = ParticipantFactory()
    with pytest.raises(NotRegistered):
        instruments.submit_answers(pre, training, stranger.id, answers_with(questions, 1))
    withdrawn = RegistrationFactory(training=training, status="withdrawn").participant
    with pytest.raises(NotRegistered):
        instruments.submit_answers(pre, training, withdrawn.id, answers_with(questions, 1))
    instruments.close_now(pre, by_user=officer)
    with pytest.raises(NotOpen):
        instruments.submit_answers(pre, training, people[1].id, answers_with(questions, 1))
    assert db.session.query(Response).count() == 1
    assert db.session.query(Response).one().score == 1.0


def test_an_instrument_not_yet_open_refuses(world):
    training, officer, questions, people = world
    instrument = instruments.set_up_instrument(training, "post", opens_at=utcnow() + timedelta(days=1), by_user=officer)
    with pytest.raises(NotOpen):
        instruments.submit_answers(instrument, training, people[0].id, answers_with(questions, 1))


def test_a_missing_answer_is_shown_beside_its_question(world):
    training, officer, questions, people = world
    pre = instruments.open_now(training, "pre", by_user=officer)
    partial = answers_with(questions, 4)
    del partial[questions[2].id]
    with pytest.raises(instruments.EvaluationError) as error:
        instruments.submit_answers(pre, training, people[0].id, partial)
    assert error.value.field == f"q{questions[2].id}"
    assert db.session.query(Response).count() == 0


def test_reaction_answers_are_stored_without_the_person(world):
    training, officer, _, people = world
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    assert [q.text for q in reaction.questions][0] == bank.DEFAULT_REACTION_ITEMS[0][1]
    likert = [q for q in reaction.questions if q.kind == "likert"]
    comment = next(q for q in reaction.questions if q.kind == "text")
    answers = {q.id: GivenAnswer(value=4) for q in likert}
    answers[comment.id] = GivenAnswer(text="Very useful")
    instruments.submit_answers(reaction, training, people[0].id, answers)
    assert db.session.query(Response).count() == 0  # fewer than 5: it waits in the pool, without the person
    assert [a["text"] for a in reaction.anonymous_pool[0]["answers"] if a["text"]] == ["Very useful"]
    assert db.session.get(Respondent, (reaction.id, people[0].id)) is not None
    with pytest.raises(AlreadyAnswered):
        instruments.submit_answers(reaction, training, people[0].id, answers)


def test_knowledge_figures_count_only_participants_with_both_tests(app):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    questions = make_test(training.course, officer, n=4)
    ministry, customs = OrganisationFactory(name="Ministry of Interior"), OrganisationFactory(name="Customs")
    women = [RegistrationFactory(training=training, participant=ParticipantFactory(sex="female", organisation=ministry)).participant
             for _ in range(2)]
    men = [RegistrationFactory(training=training, participant=ParticipantFactory(sex="male", organisation=customs)).participant
           for _ in range(3)]
    RegistrationFactory(training=training, status="pending")  # not in any denominator
    pre = instruments.open_now(training, "pre", by_user=officer)
    post = instruments.open_now(training, "post", by_user=officer)
    # pre: 25%, 50% (women), 50%, 75%, 100% (men); post: 75%, 50% (women), 100%, 75% (men); men[2] took only the pre-test
    for person, right in zip(women + men, (1, 2, 2, 3, 4)):
        instruments.submit_answers(pre, training, person.id, answers_with(questions, right))
    for person, right in zip(women + men[:2], (3, 2, 4, 3)):
        instruments.submit_answers(post, training, person.id, answers_with(questions, right))

    figures = results.training_evaluation(training)
    assert figures["pre_test"] == {"responses": 5, "response_rate": 1.0, "mean_score": pytest.approx(0.6)}
    assert figures["post_test"]["responses"] == 4 and figures["post_test"]["response_rate"] == pytest.approx(0.8)
    k = figures["knowledge"]
    assert k["paired"] == 4
    assert k["increased_share"] == pytest.approx(0.5)  # 25→75 and 50→100 rose; 50→50 and 75→75 did not
    assert k["mean_gain"] == pytest.approx((0.75 + 0.5 + 1 + 0.75) / 4 - (0.25 + 0.5 + 0.5 + 0.75) / 4)
    assert k["normalised_gain"] == pytest.approx((0.75 - 0.5) / (1 - 0.5))
    assert k["by_sex"]["female"]["paired"] == 2 and k["by_sex"]["female"]["mean_gain"] == pytest.approx(0.25)
    assert k["by_sex"]["male"]["increased_share"] == pytest.approx(0.5)
    by_org = {row["organisation"]: row for row in k["by_organisation"]}
    assert by_org["Customs"]["paired"] == 2 and by_org["Ministry of Interior"]["paired"] == 2
    # per question: question 1 right for 4 of 5 before and everyone after; question 3 for 1 of 5, then 1 of 4
    shares = results.question_shares(training)
    assert shares[1]["pre"] == pytest.approx(4 / 5) and shares[1]["post"] == 1.0
    assert shares[3]["pre"] == pytest.approx(1 / 5) and shares[3]["post"] == pytest.approx(1 / 4)
    rows = {row["participant"].id: row for row in results.participant_scores(training)}
    assert rows[women[0].id]["change"] == pytest.approx(0.5) and rows[men[2].id]["change"] is None


def test_no_responses_are_none_not_zero(world):
    training, _, _, _ = world
    figures = results.training_evaluation(training)
    assert figures["pre_test"] == {"responses": 0, "response_rate": None, "mean_score": None}
    assert figures["knowledge"]["increased_share"] is None and figures["knowledge"]["normalised_gain"] is None
    assert figures["reaction"]["response_rate"] is None


def test_reaction_is_not_broken_down_below_five_responses(world):
    training, officer, _, people = world
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    likert = [q for q in reaction.questions if q.kind == "likert"]
    comment = next(q for q in reaction.questions if q.kind == "text")
    for i, person in enumerate(people[:4]):
        instruments.submit_answers(reaction, training, person.id,
                                   {**{q.id: GivenAnswer(value=5 - i % 2) for q in likert}, comment.id: GivenAnswer(text=f"c{i}")})
    figures = results.training_evaluation(training)["reaction"]
    assert figures["responses"] == 4 and not figures["shown"]
    assert figures["items"][0]["mean"] is None and figures["comments"] == []
    instruments.submit_answers(reaction, training, people[4].id, {q.id: GivenAnswer(value=3) for q in likert})
    figures = results.training_evaluation(training)["reaction"]
    assert figures["shown"] and figures["response_rate"] == pytest.approx(5 / 6)
    assert figures["items"][0]["mean"] == pytest.approx((5 + 4 + 5 + 4 + 3) / 5)
    assert figures["items"][0]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 2, "5": 2}
    assert sorted(figures["comments"]) == ["c0", "c1", "c2", "c3"]


def test_recommendations_by_status_with_overdue(world):
    training, _, _, _ = world
    RecommendationFactory(training=training, status="implemented", due_date=date.today() - timedelta(days=5))
    RecommendationFactory(training=training, status="in_progress", due_date=date.today() - timedelta(days=5))
    RecommendationFactory(training=training, status="in_progress", due_date=date.today() + timedelta(days=5))
    figures = results.training_evaluation(training)["recommendations"]
    assert figures["implemented"] == 1 and figures["in_progress"] == 2 and figures["overdue"] == 1 and figures["total"] == 3


def test_the_figures_take_the_same_number_of_statements_for_more_trainings(app, count_queries):
    officer = UserFactory(role="officer")

    def trainings(n):
        made = []
        for _ in range(n):
            training = TrainingSessionFactory(officers=[officer])
            questions = make_test(training.course, officer, n=2)
            pre = instruments.open_now(training, "pre", by_user=officer)
            person = RegistrationFactory(training=training).participant
            instruments.submit_answers(pre, training, person.id, answers_with(questions, 1))
            made.append(training.id)
        return made

    small, large = trainings(1), trainings(4)
    with count_queries() as one:
        results.evaluation_figures(small)
    with count_queries() as many:
        figures = results.evaluation_figures(small + large)
    assert len(one) == len(many)
    assert figures["overall"]["pre_test"]["responses"] == 5


def test_paper_sheets_are_all_or_nothing(world):
    training, officer, questions, people = world
    pre = instruments.open_now(training, "pre", by_user=officer)
    instruments.submit_answers(pre, training, people[0].id, answers_with(questions, 1))
    with pytest.raises(AlreadyAnswered):
        instruments.enter_paper_answers(pre, training, {people[1].id: answers_with(questions, 2),
                                                        people[0].id: answers_with(questions, 2)}, by_user=officer)
    assert db.session.query(Response).count() == 1
    assert instruments.enter_paper_answers(pre, training, {people[1].id: answers_with(questions, 2)}, by_user=officer) == 1
    paper = db.session.query(Response).filter_by(participant_id=people[1].id).one()
    assert paper.source == "paper" and paper.score == 0.5 and paper.entered_by_id == officer.id


def _reaction_answers(training, officer, values):
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    likert = [q for q in reaction.questions if q.kind == "likert"]
    for value in values:
        person = RegistrationFactory(training=training).participant
        instruments.submit_answers(reaction, training, person.id, {q.id: GivenAnswer(value=value) for q in likert})


def test_reaction_is_pooled_only_from_trainings_with_five_responses(app):
    officer = UserFactory(role="officer")
    shown, small, other_small = (TrainingSessionFactory(officers=[officer]) for _ in range(3))
    _reaction_answers(shown, officer, (5, 5, 4, 4, 5))
    _reaction_answers(small, officer, (1, 1))  # the pool minus ``shown`` would tell these two answers
    _reaction_answers(other_small, officer, (2, 2, 2))
    for training in (small, other_small):  # as written by the synthetic seed or before the batches: in the table
        reaction = instruments.instrument_of(training, "reaction")
        for entry in reaction.anonymous_pool:
            db.session.add(Response(instrument_id=reaction.id, submitted_on=date.today(),
                                    answers=[Answer(**row) for row in entry["answers"]]))
    db.session.commit()
    overall = results.evaluation_figures([shown.id, small.id, other_small.id])["overall"]["reaction"]
    assert overall["responses"] == 10 and overall["shown"]
    assert overall["items"][0]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 3}
    overall = results.evaluation_figures([small.id, other_small.id])["overall"]["reaction"]
    assert overall["responses"] == 5 and not overall["shown"]
    assert all(item["distribution"] is None for item in overall["items"])


def test_withdrawn_people_leave_the_test_figures_and_no_rate_passes_one(world):
    training, officer, questions, people = world
    pre, post = (instruments.open_now(training, kind, by_user=officer) for kind in ("pre", "post"))
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    likert = [q for q in reaction.questions if q.kind == "likert"]
    for i, person in enumerate(people[:5]):
        instruments.submit_answers(pre, training, person.id, answers_with(questions, 1))
        instruments.submit_answers(post, training, person.id, answers_with(questions, 3 if i < 2 else 1))
        instruments.submit_answers(reaction, training, person.id, {q.id: GivenAnswer(value=4) for q in likert})
    for person in people[:2]:  # the two whose knowledge rose withdraw; 4 of 6 stay confirmed
        db.session.query(Registration).filter_by(training_id=training.id, participant_id=person.id).one().status = "withdrawn"
    db.session.commit()
    figures = results.training_evaluation(training)
    assert figures["confirmed"] == 4
    assert figures["pre_test"]["responses"] == 3 and figures["pre_test"]["response_rate"] == pytest.approx(3 / 4)
    assert figures["knowledge"]["paired"] == 3 and figures["knowledge"]["increased_share"] == 0
    assert [s["pre"] for s in results.question_shares(training)][0] == 1.0  # 3 confirmed, all right on question 0
    # the anonymous answers cannot be taken out: 5 of 4 confirmed + 2 who answered and withdrew
    assert figures["reaction"]["responses"] == 5 and figures["reaction"]["response_rate"] == pytest.approx(5 / 6)
