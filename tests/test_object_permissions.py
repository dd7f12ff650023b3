"""Officers change only what they manage: courses (their managing officers), organisations (their steward).

``people.officer`` and ``people.other_officer`` are both programme officers; what one of them manages, the
other may read but not change. Admins change everything. The access matrix (test_access_matrix.py) walks every
route; these tests follow what an officer would try and check the database afterwards.
"""
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests.factories import (
    AttendanceMarkFactory, CourseFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory,
    RegistrationFactory, TrainingSessionFactory,
)
from training_mgr.audit.models import AuditEntry
from training_mgr.courses import services as courses
from training_mgr.courses.models import Course
from training_mgr.extensions import db
from training_mgr.organisations import services as organisations
from training_mgr.organisations.models import Organisation
from training_mgr.participants.models import Participant
from training_mgr.trainings.models import TrainingSession


def _reloaded(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)


# --- another training's records through one's own training ---------------------------------------------

#: (method, path after /officer/trainings/<A>/ or a full path, form) — each names a record of B's training
FOREIGN_RECORD_ROUTES = [
    ("post", "days/{day}", {"day-{day}-title": "Changed by A"}),
    ("post", "days/{day}/remove", {}),
    ("get", "attendance/days/{day}", {}),
    ("post", "attendance/days/{day}", {}),
    ("post", "attendance/days/{day}/all-present", {}),
    ("get", "attendance/days/{day}/sign-in-sheet.pdf", {}),
    ("get", "signatories/{signatory}/edit", {}),
    ("post", "signatories/{signatory}/edit", {"name": "Changed by A"}),
    ("post", "signatories/{signatory}/remove", {}),
    ("get", "recommendations/{recommendation}", {}),
    ("post", "recommendations/{recommendation}/edit", {"text": "Changed by A", "status": "not_pursued"}),
    ("post", "recommendations/{recommendation}/updates", {"status": "implemented", "note": "by A",
                                                          "date": "2030-01-01"}),
    ("get", "registrations/{registration}", {}),
    ("post", "registrations/{registration}/status", {"status": "rejected", "reason": "by A"}),
    ("get", "/officer/certificates/{certificate}/revoke", {}),
    ("post", "/officer/certificates/{certificate}/revoke", {"reason": "by A"}),
    ("post", "/officer/certificates/{certificate}/reissue", {"reason": "by A"}),
]


@pytest.mark.parametrize("method, path, form", FOREIGN_RECORD_ROUTES, ids=[f"{m} {p}" for m, p, _ in FOREIGN_RECORD_ROUTES])
def test_an_officer_reaches_no_record_of_another_officers_training(people, login, method, path, form):
    """Officer A puts the id of a record of B's training behind A's own training (or asks for it directly): not
    found or forbidden, and B's records are as they were."""
    from training_mgr.certificates.models import Certificate
    from training_mgr.trainings.models import Signatory

    mine = people.training  # managed by people.officer
    theirs = TrainingSessionFactory(officers=[people.other_officer])
    registration = RegistrationFactory(training=theirs)
    AttendanceMarkFactory(registration=registration, session_day=theirs.days[0], status="absent")
    recommendation = RecommendationFactory(training=theirs, text="B's recommendation")
    signatory = Signatory(training_id=theirs.id, name="B's signatory")
    certificate = Certificate(registration_id=registration.id, serial="TM-2030-0001", year=2030, sequence=1,
                              code="AAAA-BBBB-CCCC-DDDD", issued_on=theirs.end_date, pdf=b"%PDF-1.4", pdf_sha256="0" * 64)
    db.session.add_all([signatory, certificate])
    db.session.commit()
    ids = {"day": theirs.days[0].id, "signatory": signatory.id, "recommendation": recommendation.id,
           "registration": registration.id, "certificate": certificate.id}
    url = path.format(**ids) if path.startswith("/") else f"/officer/trainings/{mine.id}/{path.format(**ids)}"
    data = {key.format(**ids): value for key, value in form.items()}
    if method == "post" and "attendance/days" in path and not path.endswith("all-present"):
        data = {f"mark-{registration.id}": "present"}

    response = getattr(login(people.officer), method)(url, data=data)

    assert response.status_code in (403, 404), (url, response.status_code)
    db.session.expire_all()
    assert [d.id for d in db.session.get(TrainingSession, theirs.id).days] == [d.id for d in theirs.days]
    assert db.session.get(TrainingSession, theirs.id).days[0].title is None
    assert [m.status for m in db.session.get(type(registration), registration.id).marks] == ["absent"]
    assert db.session.get(Signatory, signatory.id).name == "B's signatory"
    stored = db.session.get(type(recommendation), recommendation.id)
    assert (stored.text, stored.status, len(stored.updates)) == ("B's recommendation", "agreed", 0)
    assert db.session.get(type(registration), registration.id).status == "confirmed"
    assert db.session.get(Certificate, certificate.id).status == "valid"
    assert db.session.scalar(select(AuditEntry.id)) is None


# --- courses ---------------------------------------------------------------------------------------------

def test_officer_a_cannot_change_officer_bs_course(people, login):
    course = CourseFactory(title="Border Management", default_days=3, officers=[people.other_officer])
    a = login(people.officer)
    assert a.get(f"/courses/{course.id}/edit").status_code == 403
    response = a.post(f"/courses/{course.id}/edit", data={"title": "Renamed by A", "default_days": "1"})
    assert response.status_code == 403
    assert a.post(f"/courses/{course.id}/archive").status_code == 403
    assert a.post(f"/courses/{course.id}/officers", data={"officer_ids": [str(people.officer.id)]}).status_code == 403
    stored = _reloaded(Course, course.id)
    assert (stored.title, stored.default_days, stored.archived_at) == ("Border Management", 3, None)
    assert stored.officers == [people.other_officer]
    assert db.session.scalar(select(AuditEntry.id)) is None

    # B, who manages it, can; and an admin can restore what B archived
    b = login(people.other_officer)
    assert b.post(f"/courses/{course.id}/archive").status_code == 302
    assert _reloaded(Course, course.id).archived_at is not None
    assert a.post(f"/courses/{course.id}/unarchive").status_code == 403
    assert _reloaded(Course, course.id).archived_at is not None
    assert login(people.admin).post(f"/courses/{course.id}/unarchive").status_code == 302
    assert _reloaded(Course, course.id).archived_at is None


def test_managing_a_training_of_a_course_does_not_make_an_officer_manager_of_the_course(people, login):
    course = CourseFactory(title="Human Rights at Borders", officers=[people.other_officer])
    TrainingSessionFactory(course=course, officers=[people.officer])
    response = login(people.officer).post(f"/courses/{course.id}/edit", data={"title": "Changed", "default_days": "2"})
    assert response.status_code == 403
    assert _reloaded(Course, course.id).title == "Human Rights at Borders"


def test_the_course_page_offers_edit_and_archive_only_to_those_who_may_use_them(people, login):
    course = CourseFactory(officers=[people.other_officer])
    edit_link, archive_url = f'href="/courses/{course.id}/edit"', f'action="/courses/{course.id}/archive"'
    for user, manages in ((people.officer, False), (people.manager, False), (people.other_officer, True),
                          (people.admin, True)):
        html = login(user).get(f"/courses/{course.id}").get_data(as_text=True)
        assert (edit_link in html) is manages, user.email
        assert (archive_url in html) is manages, user.email
        assert people.other_officer.display_name in html  # who manages it is shown to every reader
    html = login(people.officer).get(f"/courses/{course.id}").get_data(as_text=True)
    assert f'href="/officer/trainings/new?course_id={course.id}"' in html  # still free to schedule a training


def test_an_officer_schedules_a_training_from_a_course_someone_else_manages(people, login):
    course = CourseFactory(officers=[people.other_officer])
    response = login(people.officer).post("/officer/trainings/new", data={
        "course_id": str(course.id), "start_date": "2030-03-01", "country": "IQ", "timezone": "Asia/Baghdad",
        "language": "en_ar", "confirmation_mode": "automatic",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.course_id == course.id))
    assert training.officers == [people.officer]
    assert _reloaded(Course, course.id).officers == [people.other_officer]  # the course is still B's alone


def test_the_officer_who_creates_a_course_manages_it_and_can_share_it(people, login):
    a = login(people.officer)
    response = a.post("/courses/new", data={"title": "Countering Smuggling", "default_days": "2"})
    course = db.session.scalar(select(Course).where(Course.title == "Countering Smuggling"))
    assert response.status_code == 302 and course.officers == [people.officer]

    page = a.get(f"/courses/{course.id}/officers").get_data(as_text=True)
    assert people.other_officer.email in page and people.manager.email not in page  # officers only
    response = a.post(f"/courses/{course.id}/officers",
                      data={"officer_ids": [str(people.officer.id), str(people.other_officer.id)]}, follow_redirects=True)
    assert "Managing officers saved." in response.get_data(as_text=True)
    assert _reloaded(Course, course.id).officers == sorted([people.officer, people.other_officer], key=lambda u: u.email)
    assert login(people.other_officer).post(f"/courses/{course.id}/edit",
                                            data={"title": "Countering Migrant Smuggling", "default_days": "2"}).status_code == 302
    assert _reloaded(Course, course.id).title == "Countering Migrant Smuggling"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "course.officers")).changes == {
        "officers": [[people.officer.email], sorted([people.officer.email, people.other_officer.email])],
    }


def test_a_course_can_be_left_to_the_admins_but_only_officers_can_manage_one(people, login):
    course = CourseFactory(officers=[people.officer])
    a = login(people.officer)
    response = a.post(f"/courses/{course.id}/officers", data={"officer_ids": [str(people.manager.id)]})
    assert response.status_code == 200 and 'id="officer_ids-error"' in response.get_data(as_text=True)
    assert _reloaded(Course, course.id).officers == [people.officer]
    # leaving it: the officer can no longer change it, and is sent back to the course, which they still read
    response = a.post(f"/courses/{course.id}/officers", data={})
    assert response.status_code == 302 and response.location.endswith(f"/courses/{course.id}")
    assert _reloaded(Course, course.id).officers == []
    assert a.get(f"/courses/{course.id}/edit").status_code == 403
    assert a.get(f"/courses/{course.id}").status_code == 200
    assert login(people.admin).get(f"/courses/{course.id}/edit").status_code == 200


def test_an_admin_who_creates_a_course_is_not_listed_as_its_officer(people):
    course = courses.create_course(people.admin, courses.CourseDetails(title="Admin's course", default_days=1))
    assert course.officers == []


# --- organisations ----------------------------------------------------------------------------------------

def _organisation_form(organisation, **changes):
    return {"name": organisation.name, "name_ar": organisation.name_ar or "", "kind": organisation.kind,
            "country": organisation.country or "", "parent_id": "", **changes}


def test_an_officer_cannot_rename_an_organisation(people, login):
    moi = OrganisationFactory(name="Ministry of Interior", steward=people.other_officer)
    listed_by_admin = OrganisationFactory(name="Ministry of Justice")
    a = login(people.officer)
    for organisation in (moi, listed_by_admin):
        assert a.get(f"/organisations/{organisation.id}/edit").status_code == 403
        response = a.post(f"/organisations/{organisation.id}/edit", data=_organisation_form(organisation, name="Renamed"))
        assert response.status_code == 403
    assert _reloaded(Organisation, moi.id).name == "Ministry of Interior"
    assert _reloaded(Organisation, listed_by_admin.id).name == "Ministry of Justice"
    # and the list offers no Edit link for them, while the steward and admins see theirs
    assert f"/organisations/{moi.id}/edit" not in a.get("/organisations").get_data(as_text=True)
    assert f"/organisations/{moi.id}/edit" in login(people.other_officer).get("/organisations").get_data(as_text=True)
    html = login(people.admin).get("/organisations").get_data(as_text=True)
    assert f"/organisations/{moi.id}/edit" in html and f"/organisations/{listed_by_admin.id}/edit" in html


def test_an_officer_who_adds_an_organisation_is_its_steward_and_can_correct_it(people, login):
    a = login(people.officer)
    response = a.post("/organisations/new", data={"name": "Border Ports Comission", "kind": "commission", "country": "IQ"})
    assert response.status_code == 302
    created = db.session.scalar(select(Organisation).where(Organisation.name == "Border Ports Comission"))
    assert created.steward == people.officer
    response = a.post(f"/organisations/{created.id}/edit", data=_organisation_form(created, name="Border Ports Commission"))
    assert response.status_code == 302
    assert _reloaded(Organisation, created.id).name == "Border Ports Commission"
    # the other officer cannot
    response = login(people.other_officer).post(f"/organisations/{created.id}/edit",
                                                data=_organisation_form(created, name="Something else"))
    assert response.status_code == 403 and _reloaded(Organisation, created.id).name == "Border Ports Commission"


def test_only_admins_name_a_steward(people, login):
    organisation = OrganisationFactory(name="General Commission of Customs", steward=people.officer)
    # the steward's form has no steward field, and a forged one changes nothing
    a = login(people.officer)
    assert 'name="steward_id"' not in a.get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    a.post(f"/organisations/{organisation.id}/edit",
           data=_organisation_form(organisation, steward_id=str(people.other_officer.id)))
    assert _reloaded(Organisation, organisation.id).steward == people.officer

    admin = login(people.admin)
    page = admin.get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert 'name="steward_id"' in page and people.manager.email not in page
    response = admin.post(f"/organisations/{organisation.id}/edit",
                          data=_organisation_form(organisation, steward_id=str(people.manager.id)))
    assert 'id="steward_id-error"' in response.get_data(as_text=True)
    response = admin.post(f"/organisations/{organisation.id}/edit",
                          data=_organisation_form(organisation, steward_id=str(people.other_officer.id)))
    assert response.status_code == 302
    assert _reloaded(Organisation, organisation.id).steward == people.other_officer
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.update"))
    assert entry.changes == {"steward": [people.officer.email, people.other_officer.email]}
    assert login(people.officer).get(f"/organisations/{organisation.id}/edit").status_code == 403

    # "None" leaves it to the admins
    admin.post(f"/organisations/{organisation.id}/edit", data=_organisation_form(organisation, steward_id=""))
    assert _reloaded(Organisation, organisation.id).steward is None
    assert login(people.other_officer).get(f"/organisations/{organisation.id}/edit").status_code == 403


def test_the_service_refuses_a_steward_named_by_an_officer(people):
    organisation = OrganisationFactory(steward=people.officer)
    try:
        organisations.update_organisation(organisation, people.officer, replace(
            organisations.OrganisationDetails.of(organisation), steward_id=people.officer.id))
    except organisations.OrganisationError as error:
        assert error.field == "steward_id"
    else:
        raise AssertionError("an officer named a steward")


def test_an_officer_cannot_map_typed_in_names_of_other_trainings_participants(people, login):
    """Mapping rewrites the organisation of every participant who typed the name, in any training: admins only."""
    moi = OrganisationFactory(name="Ministry of Interior", steward=people.officer)
    typed = ParticipantFactory(organisation=None, organisation_other="Passports Directorate")
    a = login(people.officer)
    assert a.get("/organisations/other").status_code == 403
    response = a.post("/organisations/other/map", data={"name": "Passports Directorate", "organisation_id": str(moi.id)})
    assert response.status_code == 403
    stored = _reloaded(Participant, typed.id)
    assert (stored.organisation_id, stored.organisation_other) == (None, "Passports Directorate")
    assert "/organisations/other" not in a.get("/organisations").get_data(as_text=True)


# --- existing data when the rule came in ------------------------------------------------------------------

def test_the_migration_gives_existing_courses_their_officers_and_organisations_their_creators(new_database_url):
    """Courses get the officers of their trainings and their creator; organisations the officer who added them;
    anything else is left to the admins."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tests.conftest import make_test_config
    from training_mgr import create_app

    app = create_app(make_test_config(new_database_url))
    with app.app_context():
        upgrade(revision="0002_data_state")
        now = "2026-01-01 00:00:00"
        with db.engine.begin() as c:
            for user_id, role in ((1, "officer"), (2, "officer"), (3, "admin"), (4, "officer")):
                c.execute(sa.text("INSERT INTO users (id, email, role, active, session_version, created_at)"
                                  " VALUES (:id, :email, :role, true, 1, :now)"),
                          {"id": user_id, "email": f"u{user_id}@example.org", "role": role, "now": now})
            for course_id in (10, 11, 12):
                c.execute(sa.text("INSERT INTO courses (id, title, default_days, created_at, updated_at)"
                                  " VALUES (:id, :title, 1, :now, :now)"), {"id": course_id, "title": f"C{course_id}", "now": now})
            c.execute(sa.text("INSERT INTO training_sessions (id, course_id, title, language, timezone, confirmation_mode,"
                              " status, cert_min_attendance, cert_late_counts, cert_excused_excluded, seat_version,"
                              " created_at, updated_at) VALUES (20, 10, 'T', 'en', 'UTC', 'automatic', 'draft', 80,"
                              " true, true, 0, :now, :now)"), {"now": now})
            c.execute(sa.text("INSERT INTO session_officers (training_session_id, user_id) VALUES (20, 1), (20, 3)"))
            for org_id in (30, 31):
                c.execute(sa.text("INSERT INTO organisations (id, name, kind, created_at) VALUES (:id, :name, 'ministry', :now)"),
                          {"id": org_id, "name": f"O{org_id}", "now": now})
            for user_id, action, object_type, object_id in (
                    (2, "course.create", "Course", 10), (4, "course.create", "Course", 11), (3, "course.create", "Course", 12),
                    (2, "organisation.create", "Organisation", 30), (3, "organisation.create", "Organisation", 31)):
                c.execute(sa.text("INSERT INTO audit_entries (created_at, user_id, action, object_type, object_id, summary)"
                                  " VALUES (:now, :user, :action, :type, :obj, 'x')"),
                          {"now": now, "user": user_id, "action": action, "type": object_type, "obj": object_id})
        upgrade()
        with db.engine.connect() as c:
            managers = set(c.execute(sa.text("SELECT course_id, user_id FROM course_officers")).all())
            stewards = set(c.execute(sa.text("SELECT organisation_id, user_id FROM organisation_stewards")).all())
        db.engine.dispose()
    # course 10: officer 1 runs its training, officer 2 created it (admin 3 is not listed); 11: its creator;
    # 12: created by an admin, no training: admins only
    assert managers == {(10, 1), (10, 2), (11, 4)}
    assert stewards == {(30, 2)}
