"""Marks a phone kept without a connection, sent later: none lost, none twice, and a later change by someone else wins."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import ParticipantFactory, RegistrationFactory
from training_mgr.attendance import services
from training_mgr.attendance.models import AttendanceMark
from training_mgr.attendance.services import DayMark
from training_mgr.audit.models import AuditEntry
from training_mgr.core.db import as_utc, utcnow
from training_mgr.extensions import db


@pytest.fixture
def group(people):
    training = people.training
    names = ("Ali Hassan", "Hiba Saleh", "Zaid Karim")
    confirmed = [RegistrationFactory(training=training, participant=ParticipantFactory(name=n)) for n in names]
    waiting = RegistrationFactory(training=training, status="waitlisted")
    return confirmed, waiting


def _send(client, training, day, marks):
    return client.post(f"/officer/trainings/{training.id}/attendance/days/{day.id}/marks", json={"marks": marks})


def _marks(day):
    return {m.registration_id: m for m in db.session.scalars(select(AttendanceMark).where(AttendanceMark.session_day_id == day.id))}


def test_marks_sent_later_are_recorded_at_the_time_they_were_made_and_once_however_often_they_are_sent(people, group, login):
    (ali, hiba, zaid), _ = group
    training, day = people.training, people.training.days[0]
    officer = login(people.officer)
    batch = [{"id": "phone-1", "registration_id": ali.id, "status": "present", "age_ms": 20 * 60_000},
             {"id": "phone-2", "registration_id": hiba.id, "status": "late", "age_ms": 5 * 60_000, "note": "Checkpoint"},
             {"id": "phone-3", "registration_id": zaid.id, "status": "absent", "age_ms": 0, "at": "1999-01-01T00:00:00"}]

    first = _send(officer, training, day, batch)
    assert first.status_code == 200
    assert [r["result"] for r in first.json["results"]] == ["saved", "saved", "saved"]
    assert first.json["totals"] == {"present": 1, "late": 1, "excused": 0, "absent": 1, "none": 0}
    again = _send(officer, training, day, batch)  # the answer was lost: the phone sends the same marks again
    assert [r["result"] for r in again.json["results"]] == ["unchanged"] * 3

    marks = _marks(day)
    assert {r: m.status for r, m in marks.items()} == {ali.id: "present", hiba.id: "late", zaid.id: "absent"}
    assert marks[hiba.id].note == "Checkpoint" and marks[ali.id].client_mark_id == "phone-1"
    assert abs(as_utc(marks[ali.id].recorded_at) - (utcnow() - timedelta(minutes=20))) < timedelta(seconds=30)
    assert abs(as_utc(marks[zaid.id].recorded_at) - utcnow()) < timedelta(seconds=30)  # the phone's clock is ignored
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "attendance.create")) == 3


def test_a_later_change_by_someone_else_is_kept_and_the_phone_is_told(people, group, login):
    (ali, hiba, _), _ = group
    training, day = people.training, people.training.days[0]
    # ten minutes ago, offline, the officer's phone marked Ali absent; meanwhile the admin marked him present
    services.record_day(training, day, {ali.id: DayMark("present")}, by_user=people.admin)

    response = _send(login(people.officer), training, day, [
        {"id": "old", "registration_id": ali.id, "status": "absent", "age_ms": 10 * 60_000},
        {"id": "new", "registration_id": hiba.id, "status": "excused", "age_ms": 0},
    ])

    ali_result, hiba_result = response.json["results"]
    assert ali_result["result"] == "kept_later" and ali_result["status"] == "present"
    assert people.admin.display_name in ali_result["message"] and "Present" in ali_result["message"]
    assert hiba_result["result"] == "saved"
    assert _marks(day)[ali.id].status == "present" and _marks(day)[ali.id].recorded_by_id == people.admin.id

    # a mark made after the other change wins
    services.record_day(training, day, {hiba.id: DayMark("absent")}, by_user=people.admin)
    later = _send(login(people.officer), training, day, [{"id": "newer", "registration_id": hiba.id, "status": "present", "age_ms": 0}])
    assert later.json["results"][0]["result"] == "saved" and _marks(day)[hiba.id].status == "present"


def test_one_bad_mark_is_refused_alone(people, group, login):
    (ali, *_), waiting = group
    training, day = people.training, people.training.days[0]
    response = _send(login(people.officer), training, day, [
        {"id": "a", "registration_id": waiting.id, "status": "present", "age_ms": 0},
        {"id": "b", "registration_id": ali.id, "status": "asleep", "age_ms": 0},
        {"id": "c", "registration_id": ali.id, "status": "late", "age_ms": 0},
    ])
    results = {r["id"]: r for r in response.json["results"]}
    assert results["a"]["result"] == "refused" and "is on the waiting list, not confirmed" in results["a"]["message"]
    assert results["b"]["result"] == "refused" and "Unknown attendance mark" in results["b"]["message"]
    assert results["c"]["result"] == "saved"
    assert set(_marks(day)) == {ali.id}


def test_what_cannot_be_read_is_refused_and_the_day_page_offers_the_offline_script(people, group, login):
    training, day = people.training, people.training.days[0]
    officer = login(people.officer)
    assert _send(officer, training, day, [{"id": "x", "registration_id": "Ali", "status": "present"}]).status_code == 400
    assert officer.post(f"/officer/trainings/{training.id}/attendance/days/{day.id}/marks", json=[1, 2]).status_code == 400
    page = officer.get(f"/officer/trainings/{training.id}/attendance/days/{day.id}").text
    assert f'data-marks-url="/officer/trainings/{training.id}/attendance/days/{day.id}/marks"' in page
    assert "/static/js/attendance.js" in page and 'id="marks-pending"' in page


def test_a_registration_number_beyond_any_database_integer_is_refused_not_a_server_error(people, group, login):
    training, day = people.training, people.training.days[0]
    officer = login(people.officer)
    for number in (10**30, 2**31, -(2**63) - 1):
        response = _send(officer, training, day, [{"id": "x", "registration_id": number, "status": "present"}])
        assert response.status_code == 400 and response.json["message"] == "The marks sent could not be read."
    assert _marks(day) == {}


def test_marks_kept_offline_for_people_withdrawn_refused_or_removed_since_are_refused_each_with_why(people, group, login):
    """The phone marked four people 20 minutes ago without a connection; meanwhile one withdrew, one was refused and
    one was removed. The sync records the fourth, refuses the others one by one saying why, and brings nobody back."""
    from training_mgr.registrations import services as registrations

    (ali, hiba, zaid), _ = group
    training, day = people.training, people.training.days[0]
    removed = RegistrationFactory(training=training, participant=ParticipantFactory(name="Noor Jasim"))
    kept_on_the_phone = [{"id": f"phone-{r.id}", "registration_id": r.id, "status": "present", "age_ms": 20 * 60_000}
                         for r in (ali, hiba, zaid, removed)]
    registrations.change_status(hiba, "withdrawn", by_user=people.officer, reason="Posted abroad.")
    registrations.change_status(zaid, "rejected", by_user=people.officer, reason="Not an official.")
    removed_id = removed.id
    db.session.delete(removed)
    db.session.commit()

    officer = login(people.officer)
    response = _send(officer, training, day, kept_on_the_phone)
    assert response.status_code == 200
    results = {r["registration_id"]: r for r in response.json["results"]}
    assert results[ali.id]["result"] == "saved"
    assert (results[hiba.id]["result"], results[hiba.id]["status"]) == ("refused", None)
    assert results[hiba.id]["message"] == "Hiba Saleh has withdrawn from this training. Posted abroad."
    assert results[zaid.id]["message"] == "Zaid Karim's registration was refused. Not an official."
    assert results[removed_id]["message"] == "This person is no longer registered for this training."
    assert response.json["totals"]["present"] == 1 and set(_marks(day)) == {ali.id}
    page = officer.get(f"/officer/trainings/{training.id}/attendance/days/{day.id}").text
    assert "Ali Hassan" in page and "Hiba Saleh" not in page and "Zaid Karim" not in page

    again = _send(officer, training, day, kept_on_the_phone)  # the phone did not hear the answer: sent once more
    assert [r["result"] for r in again.json["results"]] == ["unchanged", "refused", "refused", "refused"]
    assert set(_marks(day)) == {ali.id}
