"""Registration closes when a training starts (or, with late registration, after its last day): the catalogue,
the public registration form and opening a training all follow ``TrainingSession.registration_open``."""
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import OrganisationFactory, TrainingSessionFactory, UserFactory
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.registrations.models import Registration
from training_mgr.trainings.models import TrainingSession


def form_data(org, email="layla@example.org"):
    return {
        "name": "Layla Hassan", "name_ar": "ليلى حسن", "sex": "female", "organisation": str(org.id),
        "organisation_other": "", "position": "Border officer", "email": email, "phone": "", "consent": "y",
    }


def past_training(**fields):
    start = date.today() - timedelta(days=400)
    return TrainingSessionFactory(**{"title": "Border Law Past", "start_date": start,
                                     "end_date": start + timedelta(days=2), **fields})


def running_training(**fields):
    start = date.today() - timedelta(days=1)
    return TrainingSessionFactory(**{"title": "Border Law Running", "start_date": start,
                                     "end_date": start + timedelta(days=3), **fields})


def test_a_past_training_open_without_deadline_is_not_listed_nor_registers(app, client):
    org = OrganisationFactory()
    past = past_training()
    upcoming = TrainingSessionFactory(title="Border Law Upcoming")

    page = client.get("/").get_data(as_text=True)
    assert "Border Law Upcoming" in page and "Border Law Past" not in page

    response = client.post(f"/sessions/{past.id}/register", data=form_data(org))
    assert "This training has started: registration is closed." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Registration.id))) == 0

    open_ids = set(db.session.scalars(select(TrainingSession.id).where(TrainingSession.registration_open(utcnow()))))
    assert open_ids == {upcoming.id}


def test_registration_closes_on_the_first_day_unless_late_registration_is_allowed(app, client):
    org = OrganisationFactory()
    running = running_training()
    late = running_training(late_registration=True, title="Border Law Late")
    now = utcnow()
    assert not running.registration_open(now) and late.registration_open(now)
    assert "Border Law Late" in client.get("/").get_data(as_text=True)

    client.post(f"/sessions/{late.id}/register", data=form_data(org))
    assert db.session.scalar(select(Registration.status).where(Registration.training_id == late.id)) == "confirmed"

    ended = past_training(late_registration=True)
    assert not ended.registration_open(now)
    assert "This training has ended" in client.post(f"/sessions/{ended.id}/register",
                                                    data=form_data(org, "other@example.org")).get_data(as_text=True)


def test_opening_a_past_training_warns_the_officer(app, login):
    officer = UserFactory(role="officer")
    training = past_training(status="closed", officers=[officer])
    page = login(officer).post(f"/officer/trainings/{training.id}/status", data={"status": "open"},
                               follow_redirects=True).get_data(as_text=True)
    assert "The training is open for registration." in page
    assert "This training has already started, so nobody can register online" in page


def test_the_officer_allows_late_registration_on_the_training_form(app, login):
    officer = UserFactory(role="officer")
    training = running_training(officers=[officer])
    client = login(officer)
    form = client.get(f"/officer/trainings/{training.id}/edit").get_data(as_text=True)
    assert 'name="late_registration"' in form


def test_a_completed_training_page_reads_as_past(app, client):
    from datetime import datetime, timezone

    training = past_training(status="completed",
                             registration_closes_at=datetime(2025, 2, 8, 12, tzinfo=timezone.utc))
    page = client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert "Registration closes" not in page and "Add to my calendar" not in page
    upcoming = TrainingSessionFactory(registration_closes_at=datetime(2099, 2, 8, 12, tzinfo=timezone.utc))
    page = client.get(f"/sessions/{upcoming.id}").get_data(as_text=True)
    assert "Registration closes" in page and "Add to my calendar" in page
