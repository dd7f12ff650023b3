"""The officer pages of a training moved from /officer/sessions/… to /officer/trainings/…: old bookmarks and links
in old e-mails still lead to the same page, by a permanent redirect that keeps the method and the query string."""
from datetime import date, timedelta

from tests.factories import TrainingSessionFactory, UserFactory
from training_mgr.extensions import db


def _officer_and_training():
    officer = UserFactory(role="officer")
    return officer, TrainingSessionFactory(officers=[officer], title="Mine clearance basics")


def test_an_old_training_page_address_redirects_permanently_to_the_new_one(app, login):
    officer, training = _officer_and_training()
    client = login(officer)

    response = client.get(f"/officer/sessions/{training.id}")
    assert response.status_code == 308
    assert response.location == f"/officer/trainings/{training.id}"

    followed = client.get(f"/officer/sessions/{training.id}", follow_redirects=True)
    assert followed.status_code == 200 and "Mine clearance basics" in followed.text


def test_a_deeper_old_address_keeps_its_path_and_query_string(app, login):
    officer, training = _officer_and_training()
    client = login(officer)

    response = client.get(f"/officer/sessions/{training.id}/registrations?status=pending&q=Zainab")
    assert response.status_code == 308
    assert response.location == f"/officer/trainings/{training.id}/registrations?status=pending&q=Zainab"

    response = client.get(f"/officer/sessions/{training.id}/attendance")
    assert response.location == f"/officer/trainings/{training.id}/attendance"
    assert client.get("/officer/sessions/new").location == "/officer/trainings/new"


def test_a_form_posted_to_an_old_address_is_posted_again_to_the_new_one(app, login):
    officer, training = _officer_and_training()
    client = login(officer)
    days_before = len(training.days)
    new_day = (max(d.date for d in training.days) if training.days else date.today()) + timedelta(days=1)

    response = client.post(f"/officer/sessions/{training.id}/days", data={"date": new_day.isoformat()})
    assert response.status_code == 308
    assert response.location == f"/officer/trainings/{training.id}/days"

    client.post(f"/officer/sessions/{training.id}/days", data={"date": new_day.isoformat()}, follow_redirects=True)
    db.session.refresh(training)
    assert len(training.days) == days_before + 1 and new_day in [d.date for d in training.days]


def test_the_redirect_opens_nothing_the_new_address_would_refuse(app, login):
    _, training = _officer_and_training()
    stranger = login(UserFactory(role="officer"))
    response = stranger.get(f"/officer/sessions/{training.id}/registrations", follow_redirects=True)
    assert response.status_code == 403
