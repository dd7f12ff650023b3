"""Each rule has one home, and every screen, report file and the API that shows it agrees, on the demo data
and on small synthetic data:

- an overdue recommendation: ``Recommendation.is_overdue`` (recommendations/models.py);
- seats taken and left: ``registrations/seats.py`` (by ``registrations.models.occupies_seat``);
- registration open online: ``TrainingSession.registration_open`` / ``listed_for_registration`` (trainings/models.py).
"""
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.catalogue.services import CatalogueFilters, catalogue_page, open_for_registration
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.recommendations.models import CLOSED_RECOMMENDATION_STATUSES, Recommendation
from training_mgr.recommendations.services import tracker_page
from training_mgr.registrations import seats
from training_mgr.registrations.services import registration_window_error
from training_mgr.reports.figures import ProgrammeFilters, programme_figures, session_figures
from training_mgr.reports.officer_home import officer_home, training_figures
from training_mgr.seeds.demo import seed_demo
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.trainings.models import TrainingSession


@pytest.fixture(params=["demo", "synthetic"])
def data(request, app, login):
    """The demo data or 5 synthetic trainings for 50 participants, and a logged-in admin."""
    if request.param == "demo":
        seed_demo("pw-for-tests")
    else:
        seed_synthetic(5, 50)
    admin = UserFactory(role="admin", email="rules.admin@example.org")
    return login(admin), admin


def _trainings():
    return db.session.scalars(select(TrainingSession).order_by(TrainingSession.id)).all()


def _api_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.json["items"]


def test_overdue_recommendations_agree_everywhere(data):
    client, admin = data
    today = date.today()
    recommendations = db.session.scalars(select(Recommendation)).all()
    overdue = {r.id for r in recommendations if r.is_overdue(today)}
    assert overdue and len(overdue) < len(recommendations)  # the data has both kinds
    # the rule in SQL picks the same recommendations as in Python
    assert set(db.session.scalars(select(Recommendation.id).where(Recommendation.is_overdue(today)))) == overdue

    # the tracker's "overdue only" filter
    assert {r.id for r in tracker_page(admin, overdue=True, per_page=1000, today=today).items} == overdue

    held = {training.id for training in _trainings() if training.status == "completed"}
    overdue_held = [r for r in recommendations if r.id in overdue and r.training_id in held]
    # the dashboard, the programme spreadsheet and PDF
    assert {r.id for r in programme_figures(ProgrammeFilters(), today=today).overdue} == {r.id for r in overdue_held}
    html = client.get("/dashboard").get_data(as_text=True)
    assert f'data-figure="overdue">{len(overdue_held)}<' in html
    workbook = load_workbook(io.BytesIO(client.get("/dashboard/report.xlsx").data))
    assert workbook["Overdue recommendations"].max_row - 1 == len(overdue_held)

    by_training = {}
    for r in recommendations:
        if r.id in overdue:
            by_training[r.training_id] = by_training.get(r.training_id, 0) + 1
    # the officer home's "needs action" list
    assert {row.id: row.overdue for row in officer_home(admin, today=today).overdue_recommendations} == by_training
    for training in _trainings():
        expected = by_training.get(training.id, 0)
        # a training's page and its session report
        assert training_figures(training, today=today).overdue_recommendations == expected
        assert len(session_figures(training, today=today).overdue) == expected
        # the read API, as another system would read it
        items = _api_items(client, f"/api/v1/sessions/{training.id}/recommendations?per_page=500")
        assert sum(
            1 for item in items
            if item["due_date"] and date.fromisoformat(item["due_date"]) < today
            and item["status"] not in CLOSED_RECOMMENDATION_STATUSES
        ) == expected


def _open_now(training, now):
    """Make ``training`` take registrations online from a day ago for a week, before it starts."""
    training.status = "open"
    if training.start_date is not None and training.start_date <= now.date() + timedelta(days=8):
        length = (training.end_date or training.start_date) - training.start_date
        training.start_date = now.date() + timedelta(days=9)
        training.end_date = training.start_date + length
    training.registration_opens_at, training.registration_closes_at = now - timedelta(days=1), now + timedelta(days=7)


def _hold_a_seat(training):
    """A registration asked for on the public form, whose seat is kept until the person confirms it."""
    return RegistrationFactory(training=training, status="pending", held_until=utcnow() + timedelta(hours=1),
                               hold_keeps_seat=True)


def test_seats_taken_and_left_agree_everywhere(data):
    client, admin = data
    trainings = _trainings()
    _open_now(trainings[-1], utcnow())
    trainings[-1].capacity = trainings[-1].capacity or 30
    _hold_a_seat(trainings[-1])  # a held seat counts as taken everywhere
    db.session.commit()
    open_trainings = [training for training in trainings if training.status == "open" and training.capacity]

    taken = seats.seats_taken_by_session([training.id for training in trainings])
    held = trainings[-1]
    assert taken[held.id] == seats.registration_counts([held.id])[held.id].get("confirmed", 0) + 1
    left = seats.seats_left_by_session(trainings)
    api = {item["id"]: item for item in _api_items(client, "/api/v1/sessions?per_page=500")}
    for training in trainings:
        assert seats.seats_taken(training.id) == taken.get(training.id, 0) == api[training.id]["seats_taken"]
        expected_left = None if training.capacity is None else max(training.capacity - taken.get(training.id, 0), 0)
        assert left[training.id] == seats.seats_left(training) == training_figures(training).seats_left == expected_left
        if training.capacity is not None:
            registrations_page = client.get(f"/officer/trainings/{training.id}/registrations").get_data(as_text=True)
            assert f"Seats left: {expected_left} of {training.capacity}" in registrations_page

    for training in open_trainings:
        public = client.get(f"/sessions/{training.id}").get_data(as_text=True)
        expected = left[training.id]
        if expected:
            assert re.search(rf"\b{expected} seats? left", public)
        else:
            assert "The training is full." in public


def test_registration_open_agrees_everywhere(data):
    client, _ = data
    now = utcnow()
    TrainingSessionFactory.create_batch(2)  # enough trainings for every case
    trainings = _trainings()
    # make every case of the window appear: open now, not opened yet, deadline passed, no window at all
    for training in trainings[-4:]:
        _open_now(training, now)
    trainings[-2].registration_opens_at = now + timedelta(days=3)
    trainings[-3].registration_closes_at = now - timedelta(days=1)
    trainings[-4].registration_opens_at = trainings[-4].registration_closes_at = None
    db.session.commit()
    open_trainings = [training for training in trainings if training.status == "open"]

    registration_open = {training.id for training in trainings if training.registration_open(now)}
    listed = {training.id for training in trainings if training.listed_for_registration(now)}
    assert {trainings[-1].id, trainings[-4].id} <= registration_open < listed <= {training.id for training in open_trainings}
    assert trainings[-2].id in listed and trainings[-3].id not in listed
    # the rule in SQL picks the same trainings as in Python
    assert set(db.session.scalars(select(TrainingSession.id).where(TrainingSession.registration_open(now)))) == registration_open
    assert set(db.session.scalars(select(TrainingSession.id).where(open_for_registration(now)))) == listed
    # the registration form refuses exactly the others
    assert {training.id for training in trainings if registration_window_error(training, now) is None} == registration_open

    # the public catalogue lists the trainings it may, and each page offers the form only when open
    assert {training.id for training in catalogue_page(CatalogueFilters(), 1).items} == listed
    catalogue = client.get("/").get_data(as_text=True)
    for training in trainings:
        assert (f'href="/sessions/{training.id}"' in catalogue) == (training.id in listed)
    for ts_id in listed:
        page = client.get(f"/sessions/{ts_id}").get_data(as_text=True)
        assert ("has not opened yet" in page) == (ts_id not in registration_open)
        assert (f'href="/sessions/{ts_id}/register"' in page) == (ts_id in registration_open)
