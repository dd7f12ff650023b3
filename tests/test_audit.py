"""The audit log: a page per training for its officers, and a global page for admins."""
import re
from dataclasses import replace

import pytest

from tests.factories import CourseFactory, TrainingSessionFactory
from training_mgr.courses import services as courses
from training_mgr.trainings import services as trainings
from training_mgr.trainings.inputs import TrainingDetails


def text_of(response) -> str:
    """The page as text, without its tags."""
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


@pytest.fixture
def logged(people):
    """A few writes on the training by its officer and an admin, and one elsewhere."""
    training = people.training
    trainings.update_training(training, people.officer, replace(TrainingDetails.of(training), capacity=25))
    trainings.change_status(training, "closed", people.admin)
    courses.create_course(people.admin, courses.CourseDetails(title="Document Examination", default_days=5))
    other = TrainingSessionFactory(title="Someone else's")
    trainings.update_training(other, people.admin, replace(TrainingDetails.of(other), city="Basra"))
    return training


def test_the_training_log_shows_who_when_what_record_and_changes(people, login, logged):
    html = text_of(login(people.officer).get(f"/officer/trainings/{logged.id}/audit"))
    # each entry is a sentence with the kind of change named, not its code (tests/test_audit_sentences.py)
    assert "Training edited" in html and "Registration closed" in html
    assert "training.update" not in html.replace('value="training.update"', "")
    assert "20 → 25" in html and "Open → Closed" in html and "Capacity (seats)" in html
    assert people.officer.display_name in html and people.admin.display_name in html
    assert "course.create" not in html and "Basra" not in html


def test_the_log_is_filtered_by_action_and_user(people, login, logged):
    client = login(people.admin)
    html = text_of(client.get(f"/officer/trainings/{logged.id}/audit?action=training.close"))
    assert "Open → Closed" in html and "20 → 25" not in html
    html = text_of(client.get(f"/admin/audit?user_id={people.officer.id}"))
    assert "20 → 25" in html and "Document Examination" not in html
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "created the course <bdi>Document Examination</bdi>." in html and "Basra" in html
    assert client.get("/admin/audit?user_id=abc&action=nope").status_code == 200


def test_the_log_is_paginated_newest_first(people, login):
    course = CourseFactory(title="T")
    for i in range(60):
        courses.update_course(course, people.admin, replace(courses.CourseDetails.of(course), title=f"Title {i:02d}"))
    client = login(people.admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Title 59" in first and "Title 05" not in first
    assert "Title 05" in client.get("/admin/audit?page=2").get_data(as_text=True)


@pytest.mark.parametrize("role,training_log,global_log", [
    ("participant", 403, 403), ("manager", 200, 403), ("other_officer", 403, 403),
    ("officer", 200, 403), ("admin", 200, 200),
])
def test_who_may_read_the_logs(people, login, role, training_log, global_log):
    client = login(getattr(people, role))
    assert client.get(f"/officer/trainings/{people.training.id}/audit").status_code == training_log
    assert client.get("/admin/audit").status_code == global_log


def test_anonymous_users_are_sent_to_log_in(client, people):
    for url in (f"/officer/trainings/{people.training.id}/audit", "/admin/audit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_an_unknown_training_is_a_404(people, login):
    assert login(people.admin).get("/officer/trainings/999/audit").status_code == 404


def test_a_trainings_log_reads_in_its_time_zone_and_the_global_log_in_utc(people, login):
    from datetime import datetime, timezone

    from training_mgr.audit.models import AuditEntry
    from training_mgr.extensions import db

    people.training.timezone = "Asia/Baghdad"
    trainings.update_training(people.training, people.officer,
                              replace(TrainingDetails.of(people.training), capacity=30))
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    entry.created_at = datetime(2022, 2, 15, 5, 30, tzinfo=timezone.utc)  # 8:30 in Baghdad
    db.session.commit()
    admin = login(people.admin)
    own = text_of(admin.get(f"/officer/trainings/{people.training.id}/audit"))
    assert "8:30" in own and "5:30" not in own and "(Iraq Time)" in own
    everything = text_of(admin.get("/admin/audit"))
    assert "5:30" in everything and "Times are in UTC." in everything


def test_a_date_that_is_no_date_is_shown_beside_its_field_and_not_exported_as_the_whole_log(people, login, logged):
    client = login(people.admin)
    page = client.get("/admin/audit?date_from=2026-13-45")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="date_from-error"' in html and "Not a date: write it as YYYY-MM-DD" in html
    export = client.get("/admin/audit.csv?date_from=2026-13-45")
    assert export.status_code == 400 and export.mimetype == "text/html"
    assert "Not a date: write it as YYYY-MM-DD" in export.get_data(as_text=True)
    assert "Basra" not in export.get_data(as_text=True)  # no log rows were sent
    officer = login(people.officer)
    export = officer.get(f"/officer/trainings/{logged.id}/audit.csv?date_to=yesterday")
    assert export.status_code == 400 and 'id="date_to-error"' in export.get_data(as_text=True)
    assert client.get("/admin/audit.csv?date_from=2000-01-01").status_code == 200
