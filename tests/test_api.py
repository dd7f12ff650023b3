"""Read API v1: fields, pagination, statuses and who may call it."""
import pytest

from tests.factories import (
    AttendanceMarkFactory, OrganisationFactory, RecommendationFactory, RecommendationUpdateFactory,
    RegistrationFactory, TrainingSessionFactory,
)
from training_mgr.auth.services import create_api_token, revoke_api_token
from training_mgr.extensions import db

SESSION_FIELDS = {"id", "title", "title_ar", "course_id", "start_date", "end_date", "venue", "city", "country",
                  "status", "capacity", "seats_taken", "waitlisted", "organisers"}


def test_sessions_fields_and_counts(login, people):
    host = OrganisationFactory(name="Al-Nahrain Centre")
    training = people.training
    from training_mgr.models import SessionOrganiser

    training.organisers.append(SessionOrganiser(organisation=host, role="host"))
    db.session.commit()
    RegistrationFactory.create_batch(3, training=training, status="confirmed")
    RegistrationFactory(training=training, status="waitlisted")
    RegistrationFactory(training=training, status="withdrawn")

    body = login(people.officer).get("/api/v1/sessions").json
    assert set(body) == {"items", "page", "next"}
    assert body["page"] == 1 and body["next"] is None
    (item,) = body["items"]
    assert set(item) == SESSION_FIELDS
    assert item["id"] == training.id and item["status"] == "open"
    assert item["seats_taken"] == 3 and item["waitlisted"] == 1 and item["capacity"] == 20
    assert item["organisers"] == ["Al-Nahrain Centre"]
    assert item["start_date"] == training.start_date.isoformat()


def test_officer_sees_only_trainings_they_manage_manager_and_admin_see_all(login, people):
    TrainingSessionFactory(officers=[people.other_officer])
    assert [i["id"] for i in login(people.officer).get("/api/v1/sessions").json["items"]] == [people.training.id]
    assert len(login(people.manager).get("/api/v1/sessions").json["items"]) == 2
    assert len(login(people.admin).get("/api/v1/sessions").json["items"]) == 2


def test_pagination_follows_next_links_to_every_item(login, people):
    for _ in range(4):
        TrainingSessionFactory()
    client = login(people.manager)
    seen, url = [], "/api/v1/sessions?per_page=2"
    while url:
        body = client.get(url).json
        seen += [i["id"] for i in body["items"]]
        url = body["next"]
        assert len(seen) <= 5
    assert sorted(seen) == sorted({*seen}) and len(seen) == 5
    assert client.get("/api/v1/sessions?per_page=2&page=3").json["next"] is None


def test_registrations_with_attendance_and_rate(login, people):
    training = people.training
    registration = RegistrationFactory(training=training, participant=people.participant.participant)
    AttendanceMarkFactory(registration=registration, session_day=training.days[0], status="present")
    AttendanceMarkFactory(registration=registration, session_day=training.days[1], status="late")
    AttendanceMarkFactory(registration=registration, session_day=training.days[2], status="absent")

    (item,) = login(people.officer).get(f"/api/v1/sessions/{training.id}/registrations").json["items"]
    assert item["status"] == "confirmed"
    assert set(item["participant"]) == {"id", "name", "name_ar", "sex", "organisation", "email"}
    assert item["participant"]["email"] == "p1@example.org"
    assert item["attendance"] == {
        training.days[0].date.isoformat(): "present", training.days[1].date.isoformat(): "late", training.days[2].date.isoformat(): "absent",
    }
    assert item["attendance_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert item["certificate"] is None


def test_recommendations_with_updates(login, people):
    rec = RecommendationFactory(training=people.training, status="in_progress")
    RecommendationUpdateFactory(recommendation=rec, status="in_progress", note="Started")
    (item,) = login(people.manager).get(f"/api/v1/sessions/{people.training.id}/recommendations").json["items"]
    assert set(item) == {"id", "text", "theme", "responsible_organisation", "due_date", "status", "updates"}
    assert item["status"] == "in_progress"
    assert item["updates"][0]["status"] == "in_progress" and item["updates"][0]["note"] == "Started"


def test_organisations(login, people):
    parent = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    OrganisationFactory(name="Border Police", parent=parent)
    items = login(people.admin).get("/api/v1/organisations").json["items"]
    by_name = {i["name"]: i for i in items}
    assert by_name["Border Police"]["parent_id"] == parent.id
    assert by_name["Ministry of Interior"]["name_ar"] == "وزارة الداخلية"
    assert set(items[0]) == {"id", "name", "name_ar", "kind", "parent_id"}


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/organisations", "/api/v1/sessions/{id}/registrations",
                                  "/api/v1/sessions/{id}/recommendations"])
def test_anonymous_gets_401_and_participant_403(client, login, people, path):
    url = path.format(id=people.training.id)
    assert client.get(url).status_code == 401
    assert login(people.participant).get(url).status_code == 403
    assert login(people.manager).get(url).status_code == 200


def test_officer_not_managing_a_training_gets_403_and_unknown_id_404(login, people):
    client = login(people.other_officer)
    assert client.get(f"/api/v1/sessions/{people.training.id}/registrations").status_code == 403
    assert client.get("/api/v1/sessions/999999/registrations").status_code == 404


def test_bearer_token_authenticates_the_api_only(client, people):
    token, plain = create_api_token(people.manager, "dashboard")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    assert token.token_hash != plain and plain not in token.token_hash  # only the hash is stored
    assert client.get("/dashboard", headers=headers).status_code == 302  # not a way into the web pages
    assert client.get("/api/v1/sessions", headers={"Authorization": "Bearer wrong"}).status_code == 401
    revoke_api_token(token)
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401


def test_token_use_is_recorded_at_most_once_a_minute(client, people):
    from datetime import timedelta

    from training_mgr.core.db import as_utc, utcnow

    token, plain = create_api_token(people.manager, "dashboard")
    headers = {"Authorization": f"Bearer {plain}"}
    client.get("/api/v1/sessions", headers=headers)
    db.session.refresh(token)
    first_use = as_utc(token.last_used_at)
    assert first_use is not None
    client.get("/api/v1/sessions", headers=headers)
    db.session.refresh(token)
    assert as_utc(token.last_used_at) == first_use
    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/sessions", headers=headers)
    db.session.refresh(token)
    assert as_utc(token.last_used_at) > first_use


def test_participant_token_is_refused(client, people):
    _, plain = create_api_token(people.officer, "mine")
    people.officer.role = "participant"  # set behind the services' back, which would also revoke the token
    db.session.commit()
    assert client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {plain}"}).status_code == 403


def test_participants_cannot_be_given_a_token(people):
    from training_mgr.auth.services import AccountError

    with pytest.raises(AccountError, match="Only officers, managers and admins"):
        create_api_token(people.participant, "mine")


def test_expired_token_is_refused(client, people):
    from datetime import timedelta

    from training_mgr.core.db import utcnow

    token, plain = create_api_token(people.officer, "old")
    token.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_registrations_list_runs_a_fixed_number_of_queries(login, people, count_queries):
    client = login(people.officer)
    url = f"/api/v1/sessions/{people.training.id}/registrations?per_page=500"
    RegistrationFactory.create_batch(3, training=people.training)
    with count_queries() as few:
        client.get(url)
    RegistrationFactory.create_batch(30, training=people.training)
    with count_queries() as many:
        assert len(client.get(url).json["items"]) == 33
    assert len(many) == len(few)
