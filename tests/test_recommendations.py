"""Recommendations of a training, their follow-up log, and the cross-training tracker."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import OrganisationFactory, RecommendationFactory, RecommendationUpdateFactory, TrainingSessionFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db
from training_mgr.recommendations import services
from training_mgr.recommendations.models import Recommendation

TODAY = date.today()


def test_create_and_edit_are_audited(people):
    ministry = OrganisationFactory()
    recommendation = services.create_recommendation(
        people.training,
        services.RecommendationDetails(
            text=" Train trainers in every border point. ", text_ar="تدريب المدربين", theme="Training",
            responsible_organisation_id=ministry.id, due_date=TODAY + timedelta(days=90), status="agreed"),
        by_user=people.officer,
    )
    assert recommendation.text == "Train trainers in every border point."
    assert recommendation.created_by_id == people.officer.id

    changes = services.update_recommendation(
        recommendation, services.RecommendationDetails(
            text=recommendation.text, text_ar="تدريب المدربين", theme="Training",
            responsible_organisation_id=None, due_date=TODAY, status="agreed"),
        by_user=people.officer,
    )
    assert set(changes) == {"responsible_organisation_id", "due_date"}
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["recommendation.create", "recommendation.update"]
    assert entries[1].changes["responsible_organisation_id"] == [ministry.id, None]


def test_a_recommendation_needs_text(people):
    with pytest.raises(services.RecommendationError):
        services.create_recommendation(people.training, services.RecommendationDetails(text="  ", status="proposed"),
                                       by_user=people.officer)


def test_a_follow_up_update_sets_the_status_and_is_logged_in_date_order(people):
    recommendation = RecommendationFactory(training=people.training, status="agreed")
    services.add_update(recommendation, on=TODAY, status="implemented", note="Adopted by decree.", by_user=people.officer)
    services.add_update(recommendation, on=TODAY - timedelta(days=30), status="in_progress", note="Draft", by_user=people.admin)

    db.session.expire_all()
    recommendation = db.session.get(Recommendation, recommendation.id)
    assert recommendation.status == "in_progress"  # the latest update entered decides
    assert [(u.date, u.status, u.author_id) for u in recommendation.updates] == [
        (TODAY - timedelta(days=30), "in_progress", people.admin.id), (TODAY, "implemented", people.officer.id)]
    assert db.session.scalars(select(AuditEntry.action)).all() == ["recommendation.follow_up"] * 2


def test_a_follow_up_cannot_be_dated_in_the_future(people):
    recommendation = RecommendationFactory(training=people.training)
    with pytest.raises(services.RecommendationError, match="future"):
        services.add_update(recommendation, on=TODAY + timedelta(days=1), status="agreed", note=None, by_user=people.officer)


def test_the_tracker_filters_and_shows_officers_only_their_trainings(people):
    ministry, customs = OrganisationFactory(), OrganisationFactory()
    mine = people.training
    not_mine = TrainingSessionFactory()
    overdue = RecommendationFactory(training=mine, responsible_organisation=ministry, due_date=TODAY - timedelta(days=1), status="in_progress")
    done_late = RecommendationFactory(training=mine, responsible_organisation=ministry, due_date=TODAY - timedelta(days=9), status="implemented")
    future = RecommendationFactory(training=mine, responsible_organisation=customs, due_date=TODAY + timedelta(days=9), status="agreed")
    elsewhere = RecommendationFactory(training=not_mine, due_date=TODAY - timedelta(days=5), status="agreed")

    def ids(user, **filters):
        return [r.id for r in services.tracker_page(user, **filters).items]

    assert ids(people.officer) == [done_late.id, overdue.id, future.id]
    assert ids(people.admin) == [done_late.id, elsewhere.id, overdue.id, future.id]
    assert ids(people.manager, overdue=True) == [elsewhere.id, overdue.id]
    assert ids(people.officer, overdue=True) == [overdue.id]
    assert ids(people.officer, organisation_id=customs.id) == [future.id]
    assert ids(people.officer, status="implemented") == [done_late.id]
    assert ids(people.admin, training_id=not_mine.id) == [elsewhere.id]
    assert ids(people.other_officer) == []


# --- pages ---------------------------------------------------------------------------------------------

def test_every_recommendation_page_by_role(people, client, login):
    recommendation = RecommendationFactory(training=people.training)
    base = f"/officer/trainings/{people.training.id}/recommendations"
    reads = [base, f"{base}/{recommendation.id}"]
    posts = [(base, {"text": "x", "status": "agreed"}),
             (f"{base}/{recommendation.id}/edit", {"text": "x", "status": "agreed"}),
             (f"{base}/{recommendation.id}/updates", {"follow_up-date": TODAY.isoformat(), "follow_up-status": "agreed"})]
    for url in reads:
        assert client.get(url).status_code == 302, url
        for user in (people.participant, people.other_officer):
            assert login(user).get(url).status_code == 403, (url, user.role)
        for user in (people.officer, people.admin, people.manager):
            assert login(user).get(url).status_code == 200, (url, user.role)
    for url, data in posts:
        assert client.post(url, data=data).status_code == 302
        for user in (people.participant, people.other_officer, people.manager):
            assert login(user).post(url, data=data).status_code == 403, (url, user.role)
    assert client.get("/recommendations").status_code == 302
    assert login(people.participant).get("/recommendations").status_code == 403
    for user in (people.officer, people.other_officer, people.manager, people.admin):
        assert login(user).get("/recommendations").status_code == 200
    other = RecommendationFactory()
    assert login(people.admin).get(f"{base}/{other.id}").status_code == 404


def test_officer_records_a_recommendation_and_a_follow_up(people, login):
    officer = login(people.officer)
    ministry = OrganisationFactory(name="Ministry of Justice")
    base = f"/officer/trainings/{people.training.id}/recommendations"

    response = officer.post(base, data={"text": "Publish border procedures in Arabic.", "responsible_organisation_id": ministry.id,
                                        "due_date": "2030-06-30", "status": "agreed"}, follow_redirects=True)
    assert "Recommendation added." in response.text and "Publish border procedures in Arabic." in response.text
    recommendation = db.session.scalar(select(Recommendation))

    response = officer.post(f"{base}/{recommendation.id}/updates",
                            data={"follow_up-date": TODAY.isoformat(), "follow_up-status": "in_progress",
                                  "follow_up-note": "Translation under way."}, follow_redirects=True)
    assert "Follow-up added." in response.text and "Translation under way." in response.text
    db.session.refresh(recommendation)
    assert recommendation.status == "in_progress"


def test_a_bad_recommendation_form_keeps_what_was_typed(people, login):
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/recommendations",
        data={"text": "", "text_ar": "نص عربي", "theme": "Gender", "due_date": "not a date", "status": "agreed"},
    )
    assert response.status_code == 422
    assert "نص عربي" in response.text and 'value="Gender"' in response.text
    assert db.session.scalar(select(Recommendation)) is None


def test_a_future_follow_up_is_refused_beside_the_field(people, login):
    recommendation = RecommendationFactory(training=people.training)
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/recommendations/{recommendation.id}/updates",
        data={"follow_up-date": (TODAY + timedelta(days=3)).isoformat(), "follow_up-status": "implemented"},
    )
    assert response.status_code == 422
    assert "cannot be dated in the future" in response.text
    assert recommendation.updates == []


def test_the_tracker_page_marks_overdue_recommendations(people, login):
    RecommendationFactory(training=people.training, text="Late one", due_date=TODAY - timedelta(days=2), status="agreed")
    RecommendationUpdateFactory(recommendation=RecommendationFactory(training=people.training, text="On time one"))
    page = login(people.officer).get("/recommendations?overdue=1").text
    assert "Late one" in page and "Overdue" in page and "On time one" not in page
