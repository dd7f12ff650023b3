"""The officers' long pages are drawn once per state of the data: served again quickly, never stale."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from tests.factories import AttendanceMarkFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory
from training_mgr.core.pagecache import data_state
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations import services


def _list(people):
    return f"/officer/trainings/{people.training.id}/registrations"


def test_a_page_seen_again_is_served_without_drawing_it(people, login, count_queries):
    RegistrationFactory(training=people.training, participant=ParticipantFactory(name="Ahmed Jasim"))
    officer = login(people.officer)
    first = officer.get(_list(people))
    with count_queries() as statements:
        again = officer.get(_list(people))
    assert again.status_code == 200 and again.text == first.text and "Ahmed Jasim" in again.text
    # the user, and the state of the data: no query of the page itself
    assert len(statements) <= 2, statements


def test_any_write_shows_on_the_next_view(people, login):
    registration = RegistrationFactory(training=people.training, status="pending",
                                       participant=ParticipantFactory(name="Ahmed Jasim"))
    officer = login(people.officer)
    assert "Pending" in officer.get(_list(people)).text

    services.change_status(registration, "confirmed", by_user=people.officer)  # a service's commit
    page = officer.get(_list(people)).text
    assert "Confirmed" in page and "Pending: 0" in page

    # a bulk statement through Core is a write too
    db.session.execute(update(Participant).where(Participant.id == registration.participant_id).values(name="Ahmed J. Al-Saadi"))
    db.session.commit()
    assert "Ahmed J. Al-Saadi" in officer.get(_list(people)).text


def test_the_grid_shows_a_new_mark_at_once(people, login):
    registration = RegistrationFactory(training=people.training, status="confirmed")
    officer = login(people.officer)
    grid = f"/officer/trainings/{people.training.id}/attendance"
    unmarked = officer.get(grid).text.count("not marked")
    AttendanceMarkFactory(registration=registration, session_day=people.training.days[0], status="absent")
    db.session.commit()
    page = officer.get(grid).text
    assert "Absent" in page and page.count("not marked") == unmarked - 1


def test_only_writes_move_the_version_and_a_rollback_does_not(people):
    before = data_state()
    db.session.get(Participant, people.participant.participant_id)
    db.session.commit()
    assert data_state() == before

    people.participant.participant.name = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert data_state() == before

    people.participant.participant.name = "Saved"
    db.session.commit()
    epoch, version = data_state()
    assert (epoch, version) == (before[0], before[1] + 1)


def test_each_user_and_language_gets_their_own_page(people, login):
    RegistrationFactory(training=people.training, status="pending")
    officer, manager = login(people.officer), login(people.manager)
    assert "Approve" in officer.get(_list(people)).text
    assert "Approve" not in manager.get(_list(people)).text  # managers read only
    assert 'lang="ar"' in officer.get(_list(people) + "?lang=ar").text
    assert 'lang="ar"' in officer.get(_list(people)).text  # the choice is remembered, and drawn in Arabic


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_a_page_served_to_another_browser_carries_that_browsers_form_token(people, login):
    waiting = RegistrationFactory(training=people.training, status="pending")
    office, laptop = login(people.officer), login(people.officer)  # the same officer, two browsers
    office_page = office.get(_list(people)).text
    laptop_page = laptop.get(_list(people)).text  # from the cache
    token = re.search(r'name="csrf_token" value="([^"]+)"', laptop_page).group(1)
    assert token != re.search(r'name="csrf_token" value="([^"]+)"', office_page).group(1)

    response = laptop.post(f"/officer/trainings/{people.training.id}/registrations/{waiting.id}/status",
                           data={"csrf_token": token, "status": "confirmed", "back": "list"}, follow_redirects=True)
    assert response.status_code == 200
    assert "is now Confirmed" in response.text  # the flash message is shown once, on a freshly drawn page
    assert "is now Confirmed" not in laptop.get(_list(people)).text


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)
def test_the_cache_can_be_switched_off(people, login, count_queries):
    officer = login(people.officer)
    officer.get(_list(people))
    with count_queries() as statements:
        officer.get(_list(people))
    assert len(statements) > 2


def _open_training(**fields):
    return TrainingSessionFactory(status="open", capacity=5, **fields)


def test_a_visitor_sees_a_seat_taken_at_once_and_gets_no_cookie(client):
    training = _open_training()
    first = client.get(f"/sessions/{training.id}")
    assert "5 seats left" in first.text and "Set-Cookie" not in first.headers
    RegistrationFactory(training=training, status="confirmed")
    again = client.get(f"/sessions/{training.id}")
    assert "4 seats left" in again.text and "Set-Cookie" not in again.headers


def test_a_registration_window_that_closes_shows_within_a_minute(client, monkeypatch):
    from training_mgr.core import pagecache
    from training_mgr.registrations import services as registrations

    closes = datetime(2030, 3, 1, 12, 0, tzinfo=timezone.utc)
    training = _open_training(registration_closes_at=closes, start_date=date(2030, 4, 1))
    db.session.commit()

    def at(moment):
        monkeypatch.setattr(pagecache, "utcnow", lambda: moment)
        monkeypatch.setattr(registrations, "utcnow", lambda: moment)
        return client.get(f"/sessions/{training.id}").text

    register = f'href="/sessions/{training.id}/register"'
    assert register in at(closes - timedelta(seconds=30))
    assert register in at(closes - timedelta(seconds=1))  # the same minute: served again
    closed = at(closes + timedelta(seconds=1))
    assert "registration deadline for this training has passed" in closed and register not in closed
