"""Check-in on the day: an officer scans badges, participants scan the projector's code; the server decides the time."""
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta, timezone
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from tests.test_concurrency import live_app  # noqa: F401  (the app served on 127.0.0.1 in threads)
from training_mgr.attendance.models import AttendanceMark
from training_mgr.audit.models import AuditEntry
from training_mgr.checkin import services, tokens
from training_mgr.core.db import as_utc, utcnow
from training_mgr.extensions import db


@pytest.fixture
def today(people):
    """The officer's training, running today (in UTC, its time zone), with Layla confirmed and Omar withdrawn."""
    training = TrainingSessionFactory(officers=[people.officer], timezone="UTC", start_date=utcnow().date(),
                                      title="Human Rights at International Borders")
    layla = RegistrationFactory(training=training, participant=ParticipantFactory(name="Layla Hassan", name_ar="ليلى حسن"))
    omar = RegistrationFactory(training=training, status="withdrawn", status_reason="Sent on mission",
                               participant=ParticipantFactory(name="Omar Saadi"))
    return training, layla, omar


def _scan(client, training, code, **extra):
    return client.post(f"/officer/trainings/{training.id}/check-in", json={"code": code, **extra})


def _marks(registration):
    return db.session.scalars(select(AttendanceMark).where(AttendanceMark.registration_id == registration.id)).all()


def test_a_scanned_badge_marks_the_person_present_today_and_a_second_scan_changes_nothing(people, today, login):
    training, layla, _ = today
    officer = login(people.officer)
    badge = tokens.badge_url(layla.id)

    first = _scan(officer, training, badge)
    assert first.status_code == 200
    assert first.json["ok"] and first.json["status"] == "present" and not first.json["already"]
    assert first.json["name"] == "Layla Hassan" and first.json["name_ar"] == "ليلى حسن"
    assert first.json["totals"] == {"present": 1, "late": 0, "none": 0}  # the scanner's totals, brought up to date
    again = _scan(officer, training, tokens.badge_token(layla.id))  # the code alone works too
    assert again.status_code == 200 and again.json["already"] and "already checked in" in again.json["message"]

    (mark,) = _marks(layla)
    assert mark.session_day_id == training.days[0].id and mark.status == "present" and mark.source == "scan"
    assert mark.recorded_by_id == people.officer.id
    assert abs(as_utc(mark.recorded_at) - utcnow()) < timedelta(seconds=30)
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "attendance.check_in")) == 1
    page = officer.get(f"/officer/trainings/{training.id}/check-in").text
    assert 'data-total="present">1<' in page


def test_the_phone_says_how_long_ago_it_scanned_never_what_time_it_is(people, today, login):
    training, layla, _ = today
    response = _scan(login(people.officer), training, tokens.badge_url(layla.id), age_ms=10 * 60 * 1000,
                     at="2001-01-01T08:00:00Z")  # a phone whose clock is years off
    assert response.status_code == 200
    (mark,) = _marks(layla)
    assert abs(as_utc(mark.recorded_at) - (utcnow() - timedelta(minutes=10))) < timedelta(seconds=30)


def test_late_after_the_days_start_time(people, today):
    training, layla, _ = today
    day = training.days[0]
    services.set_start_time(training, day, time(9, 0), by_user=people.officer)
    at = datetime.combine(day.date, time(9, 5), tzinfo=timezone.utc)
    assert services.check_in_badge(training, tokens.badge_token(layla.id), by_user=people.officer, now=at).status == "late"
    assert services.arrival_status(day, at - timedelta(minutes=10), "UTC") == "present"
    assert services.arrival_status(day, at.replace(hour=6, minute=5), "Asia/Baghdad") == "late"  # 9:05 in Baghdad


def test_the_start_time_is_set_on_the_scanner_page(people, today, login):
    training, *_ = today
    officer = login(people.officer)
    response = officer.post(f"/officer/trainings/{training.id}/check-in/start-time", data={"starts_at": "08:30"},
                            follow_redirects=True)
    assert "after 8:30\u202fAM now count as late" in response.text and 'value="08:30"' in response.text
    assert training.days[0].starts_at == time(8, 30)
    response = officer.post(f"/officer/trainings/{training.id}/check-in/start-time", data={"starts_at": "half past"},
                            follow_redirects=True)
    assert "hours and minutes" in response.text and training.days[0].starts_at == time(8, 30)
    response = officer.post(f"/officer/trainings/{training.id}/check-in/start-time",
                            data={"starts_at": "09:00:00.123456+05:00"}, follow_redirects=True)  # a zone of its own
    assert "hours and minutes" in response.text and training.days[0].starts_at == time(8, 30)
    response = officer.post(f"/officer/trainings/{training.id}/check-in/start-time", data={"starts_at": "09:15:42"},
                            follow_redirects=True)  # a browser that sends seconds
    assert "after 9:15\u202fAM now count as late" in response.text and training.days[0].starts_at == time(9, 15)
    response = officer.post(f"/officer/trainings/{training.id}/check-in/start-time?lang=ar", data={"starts_at": "14:05"},
                            follow_redirects=True)
    assert "2:05 م" in response.text and "14:05 " not in response.text  # the time as an Arabic reader writes it


def test_badges_of_another_training_or_of_someone_withdrawn_are_refused_with_the_reason(people, today, login):
    training, layla, omar = today
    elsewhere = RegistrationFactory(training=TrainingSessionFactory(title="Customs Risk Management"))
    rejected = RegistrationFactory(training=training, status="rejected", participant=ParticipantFactory(name="Noor Ani"))
    officer = login(people.officer)

    wrong = _scan(officer, training, tokens.badge_url(elsewhere.id))
    assert wrong.status_code == 422 and not wrong.json["ok"]
    assert wrong.json["message"] == "This badge is for another training: Customs Risk Management."
    gone = _scan(officer, training, tokens.badge_url(omar.id))
    assert gone.status_code == 422 and gone.json["message"] == "Omar Saadi has withdrawn from this training. Sent on mission"
    assert "Noor Ani's registration was refused" in _scan(officer, training, tokens.badge_url(rejected.id)).json["message"]
    assert _scan(officer, training, "https://example.org/anything").json["message"] == "This is not a badge of this system."
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


def test_without_javascript_the_code_is_typed_and_the_answer_is_a_message(people, today, login):
    training, layla, omar = today
    officer = login(people.officer)
    url = f"/officer/trainings/{training.id}/check-in"
    response = officer.post(url, data={"code": tokens.badge_token(layla.id)}, follow_redirects=True)
    assert "Layla Hassan checked in: Present." in response.text
    response = officer.post(url, data={"code": tokens.badge_token(omar.id)}, follow_redirects=True)
    assert "Omar Saadi has withdrawn from this training." in response.text


def test_a_training_without_a_day_today_refuses_scans(people, login):
    training = TrainingSessionFactory(officers=[people.officer])  # starts in a month
    registration = RegistrationFactory(training=training)
    response = _scan(login(people.officer), training, tokens.badge_url(registration.id))
    assert response.status_code == 422 and "has no day today" in response.json["message"]


def _logged_in_cookie(port, email):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/login", body=urlencode({"email": email, "password": PASSWORD}),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return "; ".join(cookie.split(";", 1)[0] for cookie in response.msg.get_all("Set-Cookie"))


def test_two_officers_scanning_the_same_badge_at_once_give_one_mark(app, people, today, live_app):
    training, layla, _ = today
    second_officer = UserFactory(role="officer", email="second.officer@example.org")
    training.officers.append(second_officer)
    db.session.commit()
    cookies = [_logged_in_cookie(live_app, email) for email in ("officer@example.org", "second.officer@example.org")]
    body = json.dumps({"code": tokens.badge_url(layla.id)})
    path = f"/officer/trainings/{training.id}/check-in"
    barrier = threading.Barrier(8)

    def scan(n):
        connection = http.client.HTTPConnection("127.0.0.1", live_app, timeout=60)
        barrier.wait()
        connection.request("POST", path, body=body,
                           headers={"Content-Type": "application/json", "Cookie": cookies[n % 2]})
        response = connection.getresponse()
        return response.status, json.loads(response.read())

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(scan, range(8)))

    assert all(status == 200 and answer["ok"] for status, answer in answers), answers
    assert sum(1 for _, answer in answers if not answer["already"]) == 1
    db.session.expire_all()
    assert len(_marks(layla)) == 1


# --- self check-in with the projector's code ------------------------------------------------------------

def test_the_projector_code_changes_every_30_seconds_and_an_old_one_no_longer_works(app, today):
    training, *_ = today
    day = training.days[0].date
    now = 1_800_000_000.0
    window = tokens.current_window(now)
    code = tokens.projector_code(training.id, day, window)
    assert code != tokens.projector_code(training.id, day, window + 1)
    tokens.check_projector_code(code, training.id, day, now=now)
    tokens.check_projector_code(code, training.id, day, now=now + tokens.ROTATION_SECONDS)  # a phone is slow
    for later, other_training, other_day in ((now + 2 * tokens.ROTATION_SECONDS, training.id, day),
                                             (now, training.id + 1, day), (now, training.id, day - timedelta(days=1))):
        with pytest.raises(tokens.BadCode):
            tokens.check_projector_code(code, other_training, other_day, now=later)


def test_a_participant_checks_in_from_the_projector_code_while_logged_in(people, today, login):
    training, layla, _ = today
    account = UserFactory(role="participant", email=layla.participant.email, participant=layla.participant)
    projector = login(people.officer).get(f"/officer/trainings/{training.id}/check-in/projector/code").json
    assert projector["url"].startswith(f"http://localhost/sessions/{training.id}/check-in/")
    assert projector["qr"].startswith("data:image/png;base64,") and 0 < projector["seconds"] <= 30
    path = projector["url"].removeprefix("http://localhost")
    phone = login(account)

    assert "Check me in" in phone.get(path).text
    response = phone.post(path)
    assert response.status_code == 200 and "Layla Hassan checked in: Present." in response.text
    (mark,) = _marks(layla)
    assert mark.source == "self" and mark.recorded_by_id is None


def test_a_participant_checks_in_from_their_badge_link_without_an_account(app, people, today, login):
    training, layla, _ = today
    phone = app.test_client()
    code = tokens.projector_code(training.id, training.days[0].date)
    path = f"/sessions/{training.id}/check-in/{code}"
    assert "log in with your account, or open the link of your badge" in phone.get(path).text
    assert phone.post(path).status_code == 422 and not _marks(layla)

    assert phone.get(f"/b/{tokens.badge_token(layla.id)}").status_code == 200
    response = phone.post(path)
    assert response.status_code == 200 and "Layla Hassan checked in" in response.text
    assert len(_marks(layla)) == 1


def test_an_old_or_foreign_projector_code_is_refused(app, people, today):
    training, layla, _ = today
    phone = app.test_client()
    phone.get(f"/b/{tokens.badge_token(layla.id)}")
    old = tokens.projector_code(training.id, training.days[0].date, tokens.current_window() - 3)
    response = phone.post(f"/sessions/{training.id}/check-in/{old}")
    assert response.status_code == 422 and "This code has changed" in response.text
    other = TrainingSessionFactory(timezone="UTC", start_date=utcnow().date())
    foreign = tokens.projector_code(other.id, other.days[0].date)
    response = phone.post(f"/sessions/{other.id}/check-in/{foreign}")
    assert response.status_code == 422 and "not registered for this training" in response.text
    assert not _marks(layla)


def test_only_the_scanner_page_may_use_the_camera(people, today, login):
    training, *_ = today
    officer = login(people.officer)
    scanner = officer.get(f"/officer/trainings/{training.id}/check-in")
    assert "camera=(self)" in scanner.headers["Permissions-Policy"]
    assert "img-src 'self' data: blob:" in scanner.headers["Content-Security-Policy"]
    assert "script-src 'self';" in scanner.headers["Content-Security-Policy"]  # still no inline script
    grid = officer.get(f"/officer/trainings/{training.id}/attendance")
    assert "camera=()" in grid.headers["Permissions-Policy"] and "blob:" not in grid.headers["Content-Security-Policy"]


def test_a_scan_kept_offline_does_not_undo_a_later_change_and_says_so(people, today, login):
    from training_mgr.attendance.services import DayMark, record_day

    training, layla, _ = today
    # the officer's phone scanned Layla's badge ten minutes ago without a connection; meanwhile the admin marked
    # her absent (she had left); the phone's scan arrives now
    record_day(training, training.days[0], {layla.id: DayMark("absent")}, by_user=people.admin)
    response = _scan(login(people.officer), training, tokens.badge_url(layla.id), age_ms=10 * 60 * 1000)

    assert response.status_code == 409 and not response.json["ok"]
    assert "Layla Hassan" in response.json["message"] and "Absent" in response.json["message"]
    assert people.admin.display_name in response.json["message"] and "was kept" in response.json["message"]
    (mark,) = _marks(layla)
    assert mark.status == "absent" and mark.recorded_by_id == people.admin.id

    # a scan made after the change checks her in
    again = _scan(login(people.officer), training, tokens.badge_url(layla.id))
    assert again.status_code == 200 and again.json["status"] == "present"


def test_someone_logged_in_but_not_registered_is_told_so_and_not_asked_to_log_in(people, today, login):
    training, *_ = today
    stranger = UserFactory(role="participant", participant=ParticipantFactory(name="Sami Jaber"))
    path = f"/sessions/{training.id}/check-in/{tokens.projector_code(training.id, training.days[0].date)}"
    page = login(stranger).get(path).text
    assert "You are not registered for this training." in page
    assert "log in with your account" not in page and "/login?next=" not in page


def test_in_arabic_the_scanner_names_the_person_in_arabic_script(people, today, login):
    training, layla, _ = today
    officer = login(people.officer)
    response = officer.post(f"/officer/trainings/{training.id}/check-in?lang=ar", json={"code": tokens.badge_token(layla.id)})
    assert response.status_code == 200 and "ليلى حسن" in response.json["message"]
    assert "Layla Hassan" not in response.json["message"]
    gone = officer.post(f"/officer/trainings/{training.id}/check-in?lang=ar", json={"code": tokens.badge_token(today[2].id)})
    assert gone.status_code == 422 and today[2].participant.name_ar in gone.json["message"]


def test_nobody_checks_in_to_a_cancelled_training(app, people, today, login):
    training, layla, _ = today
    training.status = "cancelled"
    db.session.commit()
    response = _scan(login(people.officer), training, tokens.badge_url(layla.id))
    assert response.status_code == 422 and response.json["message"] == "This training was cancelled."
    phone = app.test_client()
    phone.get(f"/b/{tokens.badge_token(layla.id)}")
    response = phone.post(f"/sessions/{training.id}/check-in/{tokens.projector_code(training.id, training.days[0].date)}")
    assert response.status_code == 422 and "This training was cancelled." in response.text
    assert not _marks(layla)
