"""Courses: the rules in the service, and the screens for each role."""
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests.factories import CourseFactory, TrainingSessionFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.courses import services
from training_mgr.courses.models import Course
from training_mgr.extensions import db


def _course_count():
    return len(db.session.scalars(select(Course.id)).all())


def _titles(query):
    return [c.title for c in db.session.scalars(query)]


# --- service -------------------------------------------------------------------------------------------

def test_create_course_stores_both_languages_and_is_audited(people):
    course = services.create_course(people.officer, services.CourseDetails(
        title="Human Rights at Borders", title_ar="حقوق الإنسان على الحدود", default_days=3,
        themes="Non-discrimination\nProtection from harm", certificate_wording="has successfully completed",
    ))
    assert course.id and course.title_ar == "حقوق الإنسان على الحدود"
    assert course.theme_list == ["Non-discrimination", "Protection from harm"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "course.create"))
    assert entry.user_id == people.officer.id and entry.object_id == course.id


def test_a_course_without_a_title_is_refused_and_nothing_is_stored(people):
    before = _course_count()
    with pytest.raises(services.CourseError) as error:
        services.create_course(people.officer, services.CourseDetails(title="  ", default_days=2))
    assert error.value.field == "title"
    assert _course_count() == before


def test_update_records_what_changed(people):
    course = CourseFactory(title="Old title", default_days=2)
    changes = services.update_course(course, people.officer,
                                     replace(services.CourseDetails.of(course), title="New title", default_days=2))
    assert changes == {"title": ["Old title", "New title"]}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "course.update"))
    assert entry.changes == {"title": ["Old title", "New title"]}
    assert services.update_course(course, people.officer, services.CourseDetails.of(course)) == {}


def test_archived_courses_are_hidden_unless_asked_for_and_cannot_be_scheduled(app):
    from tests.factories import UserFactory

    officer = UserFactory(role="officer")
    kept, archived = CourseFactory(title="Kept"), CourseFactory(title="Gone")
    services.archive_course(archived, officer)
    assert _titles(services.course_list_query()) == ["Kept"]
    assert _titles(services.course_list_query(include_archived=True)) == ["Gone", "Kept"]
    assert archived not in services.schedulable_courses() and kept in services.schedulable_courses()
    services.unarchive_course(archived, officer)
    assert _titles(services.course_list_query()) == ["Gone", "Kept"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["course.archive", "course.unarchive"]


def test_search_matches_the_english_or_the_arabic_title(app):
    CourseFactory(title="Integrated Border Management", title_ar="الإدارة المتكاملة للحدود")
    CourseFactory(title="Document Examination", title_ar="فحص الوثائق")
    assert _titles(services.course_list_query("border")) == ["Integrated Border Management"]
    assert _titles(services.course_list_query("الوثائق")) == ["Document Examination"]


def test_the_list_counts_the_trainings_of_each_course_in_a_fixed_number_of_queries(people, login, count_queries):
    client = login(people.manager)
    client.get("/courses")
    with count_queries() as few:
        client.get("/courses")
    for _ in range(5):
        TrainingSessionFactory(course=CourseFactory())
    client.get("/courses")
    with count_queries() as many:
        client.get("/courses")
    assert len(many) == len(few)
    assert services.training_counts([people.training.course_id]) == {people.training.course_id: 1}


# --- screens -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method,url", [
    ("get", "/courses"), ("get", "/courses/new"), ("get", "/courses/{id}"), ("get", "/courses/{id}/edit"),
    ("post", "/courses/{id}/archive"),
])
def test_anonymous_users_are_sent_to_log_in(client, app, method, url):
    course = CourseFactory()
    response = getattr(client, method)(url.format(id=course.id))
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role,read,create,write", [
    ("participant", 403, 403, 403), ("manager", 200, 403, 403), ("other_officer", 200, 200, 403),
    ("officer", 200, 200, 200), ("admin", 200, 200, 200),
])
def test_who_may_read_and_write_courses(people, login, role, read, create, write):
    """Every officer creates courses and reads them all; only the course's own officers (and admins) change it."""
    course = CourseFactory(officers=[people.officer])
    client = login(getattr(people, role))
    assert client.get("/courses").status_code == read
    assert client.get(f"/courses/{course.id}").status_code == read
    assert client.get("/courses/new").status_code == create
    assert client.get(f"/courses/{course.id}/edit").status_code == write
    assert client.post(f"/courses/{course.id}/archive").status_code == (302 if write == 200 else write)


def test_officer_creates_a_course_and_sees_a_flash(people, login):
    client = login(people.officer)
    response = client.post("/courses/new", data={
        "title": "Countering Migrant Smuggling", "title_ar": "مكافحة تهريب المهاجرين", "default_days": "3",
    }, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Course “Countering Migrant Smuggling” created." in html
    assert "مكافحة تهريب المهاجرين" in html
    assert "Schedule a training" in html


def test_bad_input_shows_errors_beside_the_fields_keeps_what_was_typed_and_stores_nothing(people, login):
    client = login(people.officer)
    before = _course_count()
    response = client.post("/courses/new", data={"title": "", "title_ar": "دورة", "default_days": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="title-error"' in html and 'id="default_days-error"' in html
    assert "Number must be between 1 and 60." in html
    assert 'value="دورة"' in html
    assert _course_count() == before


def test_edit_keeps_the_typed_values_when_it_fails(people, login):
    course = CourseFactory(title="Integrated Border Management")
    client = login(people.admin)
    response = client.post(f"/courses/{course.id}/edit", data={"title": "Renamed", "default_days": "99"})
    assert 'value="Renamed"' in response.get_data(as_text=True)
    db.session.refresh(course)
    assert course.title == "Integrated Border Management"


def test_archive_asks_first_and_then_hides_the_course(people, login):
    course = CourseFactory(title="Old curriculum", officers=[people.officer])
    client = login(people.officer)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "data-confirm=" in page
    response = client.post(f"/courses/{course.id}/archive", follow_redirects=True)
    assert "archived" in response.get_data(as_text=True)
    assert "Old curriculum" not in client.get("/courses").get_data(as_text=True)
    assert "Old curriculum" in client.get("/courses?archived=y").get_data(as_text=True)


def test_the_list_is_searched_and_paginated(people, login):
    for i in range(30):
        CourseFactory(title=f"Course {i:02d}")
    client = login(people.manager)
    first = client.get("/courses").get_data(as_text=True)
    second = client.get("/courses?page=2").get_data(as_text=True)
    assert "Course 00" in first and "Course 29" not in first
    assert "Course 29" in second and 'aria-current="page"' in second
    found = client.get("/courses?q=course 07").get_data(as_text=True)
    assert "Course 07" in found and "Course 08" not in found


def test_an_unknown_course_is_a_404(people, login):
    assert login(people.officer).get("/courses/999").status_code == 404
