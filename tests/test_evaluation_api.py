"""GET /api/v1/sessions/<id>/evaluation: the evaluation figures of a training for other systems."""
import pytest

from tests.factories import ParticipantFactory, RecommendationFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from tests.test_evaluation import answers_with, make_test
from training_mgr.auth.services import create_api_token
from training_mgr.evaluation import instruments


def test_the_api_gives_the_figures_with_scores_as_shares(app, client):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    questions = make_test(training.course, officer, n=4)
    people = [RegistrationFactory(training=training, participant=ParticipantFactory(sex=sex)).participant
              for sex in ("female", "female", "male", "male")]
    pre = instruments.open_now(training, "pre", by_user=officer)
    post = instruments.open_now(training, "post", by_user=officer)
    for person, before, after in zip(people, (1, 2, 2, 4), (3, 4, 2, None)):
        instruments.submit_answers(pre, training, person.id, answers_with(questions, before))
        if after is not None:
            instruments.submit_answers(post, training, person.id, answers_with(questions, after))
    RecommendationFactory(training=training, status="implemented")
    _, token = create_api_token(officer, "dashboard")

    body = client.get(f"/api/v1/sessions/{training.id}/evaluation", headers={"Authorization": f"Bearer {token}"}).json

    assert body["pre_test"]["responses"] == 4 and body["pre_test"]["mean_score"] == pytest.approx(9 / 16)
    assert body["post_test"]["responses"] == 3 and body["post_test"]["mean_score"] == pytest.approx(9 / 12)
    knowledge = body["knowledge"]
    assert knowledge["paired"] == 3 and knowledge["increased_share"] == pytest.approx(2 / 3)
    assert knowledge["mean_gain"] == pytest.approx((0.75 + 1 + 0.5) / 3 - (0.25 + 0.5 + 0.5) / 3)
    assert knowledge["by_sex"]["female"]["paired"] == 2 and knowledge["by_sex"]["male"]["increased_share"] == 0
    assert {row["organisation"] for row in knowledge["by_organisation"]} == {p.organisation.name for p in people[:3]}
    assert body["reaction"] == {"responses": 0, "response_rate": None, "shown": False, "items": [], "comments": []}
    assert body["follow_up"]["response_rate"] is None
    assert body["recommendations"]["implemented"] == 1 and body["recommendations"]["overdue"] == 0


def test_the_evaluation_api_is_for_staff_who_may_see_the_training(app, client, login):
    training = TrainingSessionFactory()
    url = f"/api/v1/sessions/{training.id}/evaluation"
    assert client.get(url).status_code == 401
    assert login(UserFactory(role="participant")).get(url).status_code == 403
    assert login(UserFactory(role="officer")).get(url).status_code == 403
    assert login(UserFactory(role="manager")).get(url).status_code == 200
    assert login(UserFactory(role="manager")).get("/api/v1/sessions/999999/evaluation").status_code == 404
