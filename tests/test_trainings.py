"""Training sessions: scheduling, days, organisers, officers, quotas, certificate rule, signatories, status."""
import io
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.factories import (
    AttendanceMarkFactory, CourseFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory,
    RegistrationFactory, TrainingSessionFactory, UserFactory,
)
from training_mgr.audit.models import AuditEntry
from training_mgr.core import signals
from training_mgr.extensions import db
from training_mgr.registrations import seats
from training_mgr.reports.officer_home import officer_home
from training_mgr.trainings import organisers, services, signatories
from training_mgr.trainings.inputs import CertificateRule, SignatoryDetails, TrainingDetails
from training_mgr.trainings.models import TrainingSession

TODAY = date.today()


def _actions():
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def _training_count():
    return db.session.scalar(select(func.count(TrainingSession.id)))


def _edit(training, by_user, **changes):
    """``update_training`` with the training's details, ``changes`` replaced."""
    return services.update_training(training, by_user, replace(TrainingDetails.of(training), **changes))


def _days(training):
    db.session.refresh(training)
    return [d.date for d in training.days]


def png_bytes(size=(120, 40)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def officer(app):
    return UserFactory(role="officer")


# --- scheduling ----------------------------------------------------------------------------------------

def test_a_training_is_scheduled_from_a_course_with_one_day_per_date(officer):
    course = CourseFactory(title="Human Rights at Borders", title_ar="حقوق الإنسان على الحدود", default_days=3)
    training = services.create_training(course, officer, TrainingDetails(
        start_date=date(2022, 2, 15), end_date=date(2022, 2, 17), city="Baghdad", capacity=20,
    ))
    assert (training.title, training.title_ar, training.status) == ("Human Rights at Borders", "حقوق الإنسان على الحدود", "draft")
    assert [d.date for d in training.days] == [date(2022, 2, 15), date(2022, 2, 16), date(2022, 2, 17)]
    assert training.officers == [officer]  # the officer who schedules it manages it
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.training_id) == ("training.create", training.id)


def test_without_a_last_day_the_course_length_decides(officer):
    training = services.create_training(CourseFactory(default_days=4), officer, TrainingDetails(start_date=date(2030, 3, 1)))
    assert training.end_date == date(2030, 3, 4) and len(training.days) == 4


def test_an_admin_who_schedules_is_not_listed_as_officer(app):
    admin = UserFactory(role="admin")
    training = services.create_training(CourseFactory(), admin, TrainingDetails())
    assert training.officers == [] and training.days == []


@pytest.mark.parametrize("values,field", [
    ({"start_date": date(2030, 3, 5), "end_date": date(2030, 3, 1)}, "end_date"),
    ({"start_date": date(2030, 1, 1), "end_date": date(2031, 1, 1)}, "end_date"),
    ({"end_date": date(2030, 3, 1)}, "start_date"),
    ({"capacity": 0}, "capacity"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"registration_opens_at": datetime(2030, 2, 1, 9), "registration_closes_at": datetime(2030, 1, 1, 9)},
     "registration_closes_at"),
])
def test_bad_details_are_refused_beside_their_field_and_nothing_is_stored(officer, values, field):
    course = CourseFactory()
    with pytest.raises(services.TrainingError) as error:
        services.create_training(course, officer, TrainingDetails(**values))
    assert error.value.field == field
    assert _training_count() == 0


def test_an_archived_course_cannot_be_scheduled(officer):
    from training_mgr.courses.services import archive_course

    course = CourseFactory()
    archive_course(course, officer)
    with pytest.raises(services.TrainingError) as error:
        services.create_training(course, officer, TrainingDetails())
    assert error.value.field == "course_id"


def test_the_registration_window_is_typed_in_the_training_time_zone_and_stored_in_utc(officer):
    training = services.create_training(CourseFactory(), officer, TrainingDetails(
        timezone="Asia/Baghdad", registration_opens_at=datetime(2030, 1, 10, 9, 0),
    ))
    db.session.expire_all()
    stored = services.as_utc(db.session.get(TrainingSession, training.id).registration_opens_at)
    assert stored == datetime(2030, 1, 10, 6, 0, tzinfo=timezone.utc)
    assert services.to_local(stored, "Asia/Baghdad") == datetime(2030, 1, 10, 9, 0)
    # unchanged window: nothing recorded
    assert _edit(training, officer, registration_opens_at=datetime(2030, 1, 10, 9, 0)) == {}


# --- days ----------------------------------------------------------------------------------------------

def test_moving_the_dates_keeps_the_days_inside_and_adds_only_new_ones(officer):
    training = TrainingSessionFactory(start_date=date(2030, 3, 1), end_date=date(2030, 3, 3))
    services.remove_day(training.days[1], officer)  # no session on the 2nd
    changes = _edit(training, officer, end_date=date(2030, 3, 5))
    assert _days(training) == [date(2030, 3, 1), date(2030, 3, 3), date(2030, 3, 4), date(2030, 3, 5)]
    assert changes["days"] == [[], ["2030-03-04", "2030-03-05"]]
    _edit(training, officer, start_date=date(2030, 3, 3), end_date=date(2030, 3, 4))
    assert _days(training) == [date(2030, 3, 3), date(2030, 3, 4)]


def test_dates_that_would_drop_a_day_with_attendance_are_refused_and_nothing_changes(officer):
    training = TrainingSessionFactory(start_date=date(2030, 3, 1), end_date=date(2030, 3, 3))
    AttendanceMarkFactory(registration=RegistrationFactory(training=training), session_day=training.days[0])
    with pytest.raises(services.TrainingError) as error:
        _edit(training, officer, start_date=date(2030, 3, 2), end_date=date(2030, 3, 3))
    assert error.value.field == "start_date"
    db.session.expire_all()
    assert (training.start_date, len(training.days)) == (date(2030, 3, 1), 3)


def test_a_day_is_added_renamed_and_removed_and_the_dates_follow(officer):
    training = TrainingSessionFactory(start_date=date(2030, 3, 1), end_date=date(2030, 3, 2))
    day = services.add_day(training, officer, date(2030, 3, 4), "Field visit to Baghdad Airport")
    assert (training.start_date, training.end_date) == (date(2030, 3, 1), date(2030, 3, 4))
    assert services.update_day(day, officer, "Field visit") == {"title": ["Field visit to Baghdad Airport", "Field visit"]}
    services.remove_day(training.days[0], officer)
    assert (training.start_date, training.end_date) == (date(2030, 3, 2), date(2030, 3, 4))
    assert _actions() == ["training.day_add", "training.day_update", "training.day_remove"]
    entries = db.session.scalars(select(AuditEntry)).all()
    assert {e.training_id for e in entries} == {training.id}


def test_day_rules(officer):
    training = TrainingSessionFactory(start_date=date(2030, 3, 1), end_date=date(2030, 3, 2))
    with pytest.raises(services.TrainingError, match="already has a day"):
        services.add_day(training, officer, date(2030, 3, 1))
    with pytest.raises(services.TrainingError, match="more than 60 days"):
        services.add_day(training, officer, date(2030, 6, 1))
    AttendanceMarkFactory(registration=RegistrationFactory(training=training), session_day=training.days[0])
    with pytest.raises(services.TrainingError, match="Attendance is already recorded"):
        services.remove_day(training.days[0], officer)
    training.status = "completed"
    db.session.commit()
    with pytest.raises(services.TrainingError, match="completed"):
        services.add_day(training, officer, date(2030, 3, 3))


# --- organisers, officers, quotas -------------------------------------------------------------------

def test_host_and_co_organisers_are_set_and_can_swap_roles(officer):
    training = TrainingSessionFactory()
    nahrain, unoct, iom = (OrganisationFactory(name=n) for n in ("Al-Nahrain Centre", "UNOCT", "IOM"))
    organisers.set_organisers(training, officer, nahrain.id, [unoct.id, iom.id])
    assert training.host == nahrain and training.co_organisers == [unoct, iom]
    # the same organisation changing role is updated in place
    organisers.set_organisers(training, officer, unoct.id, [nahrain.id])
    db.session.expire_all()
    assert training.host == unoct and training.co_organisers == [nahrain]
    assert organisers.set_organisers(training, officer, unoct.id, [nahrain.id]) == {}
    with pytest.raises(services.TrainingError) as error:
        organisers.set_organisers(training, officer, iom.id, [iom.id])
    assert error.value.field == "co_organiser_ids"
    assert _actions() == ["training.organisers", "training.organisers"]


def test_managing_officers_are_assigned_and_one_must_remain(officer):
    training = TrainingSessionFactory(officers=[officer])
    colleague, manager = UserFactory(role="officer"), UserFactory(role="manager")
    organisers.set_officers(training, officer, [officer.id, colleague.id])
    assert {u.id for u in training.officers} == {officer.id, colleague.id}
    with pytest.raises(services.TrainingError, match="at least one"):
        organisers.set_officers(training, officer, [])
    with pytest.raises(services.TrainingError, match="programme officers"):
        organisers.set_officers(training, officer, [manager.id])
    db.session.expire_all()
    assert len(training.officers) == 2
    assert _actions() == ["training.officers"]


def test_quotas_are_set_changed_and_removed_within_the_capacity(officer):
    training = TrainingSessionFactory(capacity=20)
    moi = OrganisationFactory(name="Ministry of Interior")
    organisers.set_quota(training, officer, moi, 5)
    organisers.set_quota(training, officer, moi, 6)
    assert [(q.organisation_id, q.max_seats) for q in training.quotas] == [(moi.id, 6)]
    with pytest.raises(services.TrainingError) as error:
        organisers.set_quota(training, officer, moi, 21)
    assert error.value.field == "max_seats"
    with pytest.raises(services.TrainingError):
        organisers.set_quota(training, officer, moi, -1)
    organisers.remove_quota(training, officer, moi.id)
    assert training.quotas == []
    assert _actions() == ["training.quota_set", "training.quota_set", "training.quota_remove"]


def test_raising_a_quota_gives_the_seat_to_the_waiting_list(officer):
    training = TrainingSessionFactory(capacity=10)
    moi = OrganisationFactory()
    organisers.set_quota(training, officer, moi, 1)
    RegistrationFactory(training=training, participant=ParticipantFactory(organisation=moi))
    waiting = RegistrationFactory(training=training, participant=ParticipantFactory(organisation=moi),
                                  status="waitlisted", waitlisted_at=datetime.now(timezone.utc))
    organisers.set_quota(training, officer, moi, 2)
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    assert seats.quota_usage(training) == {moi.id: 2}


def test_capacity_cannot_go_below_the_confirmed_seats_and_a_raise_serves_the_waiting_list(officer):
    training = TrainingSessionFactory(capacity=2)
    RegistrationFactory.create_batch(2, training=training)
    waiting = RegistrationFactory(training=training, status="waitlisted", waitlisted_at=datetime.now(timezone.utc))
    with pytest.raises(services.TrainingError) as error:
        _edit(training, officer, capacity=1)
    assert error.value.field == "capacity"
    _edit(training, officer, capacity=3)
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"


# --- certificate rule and signatories ---------------------------------------------------------------

def test_certificate_rule(officer):
    training = TrainingSessionFactory()
    changes = signatories.update_certificate_rule(training, officer, CertificateRule(
        cert_min_attendance=100, cert_late_counts=False, cert_excused_excluded=True,
    ))
    assert changes == {"cert_min_attendance": [80, 100], "cert_late_counts": [True, False]}
    with pytest.raises(services.TrainingError) as error:
        signatories.update_certificate_rule(training, officer, CertificateRule(cert_min_attendance=101))
    assert error.value.field == "cert_min_attendance"


def test_signatories_with_a_checked_signature_image(officer):
    training = TrainingSessionFactory()
    first = signatories.add_signatory(training, officer, SignatoryDetails(name="Giorgi Gigauri", title="Chief of Mission"),
                                      png_bytes())
    assert first.signature_mimetype == "image/png" and first.position == 0
    second = signatories.add_signatory(training, officer, SignatoryDetails(name="Raffi Gregorian", name_ar="رافي غريغوريان"))
    assert second.position == 1 and second.signature_image is None
    signatories.update_signatory(first, officer, replace(SignatoryDetails.of(first), title="Chief of Mission, IOM Iraq"),
                                 remove_image=True)
    assert first.signature_image is None and first.title == "Chief of Mission, IOM Iraq"
    signatories.remove_signatory(second, officer)
    assert [s.name for s in training.signatories] == ["Giorgi Gigauri"]
    assert _actions() == ["training.signatory_add", "training.signatory_add", "training.signatory_update",
                          "training.signatory_remove"]


@pytest.mark.parametrize("data,message", [
    (b"%PDF-1.7 not an image", "PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "could not be read"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * (signatories.SIGNATURE_MAX_BYTES + 1), "smaller than"),
])
def test_a_bad_signature_file_is_refused_and_nothing_is_stored(officer, data, message):
    training = TrainingSessionFactory()
    with pytest.raises(services.TrainingError, match=message) as error:
        signatories.add_signatory(training, officer, SignatoryDetails(name="Someone"), data)
    assert error.value.field == "signature"
    db.session.expire_all()
    assert training.signatories == []


# --- status --------------------------------------------------------------------------------------------

def test_a_draft_opens_only_with_dates_days_and_capacity(officer):
    training = services.create_training(CourseFactory(), officer, TrainingDetails())
    with pytest.raises(services.TrainingError) as error:
        services.change_status(training, "open", officer)
    assert "Set the dates." in str(error.value) and "Set the capacity." in str(error.value)
    _edit(training, officer, start_date=date(2030, 3, 1), end_date=date(2030, 3, 2), capacity=25)
    services.change_status(training, "open", officer)
    assert training.status == "open"
    assert _actions()[-1] == "training.open"


@pytest.mark.parametrize("old,new", [
    ("draft", "closed"), ("draft", "completed"), ("open", "completed"), ("open", "draft"),
    ("completed", "open"), ("cancelled", "open"), ("completed", "cancelled"),
])
def test_moves_outside_the_lifecycle_are_refused(officer, old, new):
    training = TrainingSessionFactory(status=old, start_date=TODAY - timedelta(days=5))
    with pytest.raises(services.TrainingError):
        services.change_status(training, new, officer, reason="because")
    db.session.refresh(training)
    assert training.status == old


def test_close_reopen_and_complete_after_the_last_day(officer):
    training = TrainingSessionFactory(status="open", start_date=date(2030, 3, 1))  # three days: 1-3 March
    services.change_status(training, "closed", officer)
    services.change_status(training, "open", officer)
    services.change_status(training, "closed", officer)
    before_last_day = datetime(2030, 3, 2, 12, tzinfo=timezone.utc)
    with pytest.raises(services.TrainingError, match="before its last day"):
        services.change_status(training, "completed", officer, now=before_last_day)
    # the last day in Baghdad (UTC+3) starts at 21:00 UTC the day before
    on_last_day = datetime(2030, 3, 2, 21, 30, tzinfo=timezone.utc)
    services.change_status(training, "completed", officer, now=on_last_day)
    assert training.status == "completed" and services.as_utc(training.completed_at) == on_last_day
    assert _actions() == ["training.close", "training.reopen", "training.close", "training.complete"]


def test_cancelling_needs_a_reason_and_tells_the_registered_after_the_commit(officer):
    told = []

    def training_cancelled(training):
        # called once the cancellation is committed: a fresh session sees it
        told.append(db.session.execute(select(TrainingSession.status).where(TrainingSession.id == training.id)).scalar())

    training = TrainingSessionFactory(status="open")
    with signals.training_cancelled.connected_to(training_cancelled):  # beside registrations' own receiver
        with pytest.raises(services.TrainingError) as error:
            services.change_status(training, "cancelled", officer, reason="   ")
        assert error.value.field == "reason" and told == []
        services.change_status(training, "cancelled", officer, reason="Security situation at the venue")
    assert (training.status, training.cancel_reason) == ("cancelled", "Security situation at the venue")
    assert training.cancelled_at is not None and told == ["cancelled"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training.cancel"))
    assert "Security situation" in entry.summary and entry.changes == {"status": ["open", "cancelled"]}


# --- the officer's home ------------------------------------------------------------------------------

def _busy_training(officer, n):
    """A training with a pending nomination, a past day without marks and an overdue recommendation."""
    training = TrainingSessionFactory(officers=[officer], start_date=TODAY - timedelta(days=1), title=f"Busy {n}")
    RegistrationFactory(training=training, status="pending")
    RegistrationFactory(training=training, status="confirmed")
    RecommendationFactory(training=training, due_date=TODAY - timedelta(days=10), status="agreed")
    return training


def test_officer_home_groups_my_trainings_and_lists_what_needs_action(people):
    officer = people.officer
    running = _busy_training(officer, 1)
    past = TrainingSessionFactory(officers=[officer], start_date=TODAY - timedelta(days=30), status="closed")
    done = TrainingSessionFactory(officers=[officer], start_date=TODAY - timedelta(days=60), status="completed")
    RecommendationFactory(training=done, due_date=TODAY - timedelta(days=3), status="implemented")
    TrainingSessionFactory(officers=[people.other_officer], title="Not mine")
    home = officer_home(officer, today=TODAY)
    assert home.upcoming == [people.training] and home.running == [running]
    assert set(home.past.items) == {past, done}
    assert [(r.id, r.pending) for r in home.pending_nominations] == [(running.id, 1)]
    assert [(r.id, r.date, r.missing) for r in home.missing_attendance] == [(running.id, TODAY - timedelta(days=1), 1)]
    assert [(r.id, r.overdue) for r in home.overdue_recommendations] == [(running.id, 1)]
    assert [r.id for r in home.to_complete] == [past.id]
    assert home.counts[running.id] == {"pending": 1, "confirmed": 1}
    # an admin sees every training
    assert "Not mine" in [training.title for training in officer_home(people.admin, today=TODAY).upcoming]


def test_a_marked_day_no_longer_needs_attendance(people):
    training = _busy_training(people.officer, 1)
    confirmed = next(r for r in db.session.scalars(select(RegistrationFactory._meta.model)) if r.status == "confirmed")
    AttendanceMarkFactory(registration=confirmed, session_day=training.days[0])
    assert officer_home(people.officer, today=TODAY).missing_attendance == []


def test_officer_home_runs_the_same_number_of_queries_however_many_trainings(people, login, count_queries):
    client = login(people.officer)
    _busy_training(people.officer, 0)
    client.get("/officer")
    with count_queries() as few:
        assert client.get("/officer").status_code == 200
    for n in range(1, 8):
        _busy_training(people.officer, n)
        TrainingSessionFactory(officers=[people.officer], start_date=TODAY - timedelta(days=40 + n), status="completed")
    client.get("/officer")
    with count_queries() as many:
        html = client.get("/officer").get_data(as_text=True)
    assert "Busy 7" in html
    assert len(many) == len(few), "\n".join(many)


def test_officer_home_page_links_to_the_screens_that_need_action(people, login):
    training = _busy_training(people.officer, 1)
    html = login(people.officer).get("/officer").get_data(as_text=True)
    assert f"/officer/trainings/{training.id}/registrations?status=pending" in html
    assert f"/officer/trainings/{training.id}/attendance" in html
    assert f"/officer/trainings/{training.id}/recommendations" in html
    assert "1 nomination to decide" in html


# --- screens -------------------------------------------------------------------------------------------

SETUP_PAGES = ["edit", "days", "organisers", "officers", "quotas", "certificate-rule", "signatories", "cancel"]


@pytest.mark.parametrize("page", ["", "/edit", "/days", "/audit"])
def test_anonymous_users_are_sent_to_log_in(client, people, page):
    response = client.get(f"/officer/trainings/{people.training.id}{page}")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role,view,manage", [
    ("participant", 403, 403), ("manager", 200, 403), ("other_officer", 403, 403),
    ("officer", 200, 200), ("admin", 200, 200),
])
def test_who_may_view_and_manage_a_training(people, login, role, view, manage):
    training = people.training
    signatory = signatories.add_signatory(training, people.admin, SignatoryDetails(name="Signer"), png_bytes())
    client = login(getattr(people, role))
    assert client.get(f"/officer/trainings/{training.id}").status_code == view
    assert client.get(f"/officer/trainings/{training.id}/signatories/{signatory.id}/signature").status_code == view
    for page in SETUP_PAGES:
        assert client.get(f"/officer/trainings/{training.id}/{page}").status_code == manage, page
    assert client.post(f"/officer/trainings/{training.id}/status", data={"status": "closed"}).status_code == (
        302 if manage == 200 else manage)
    assert client.post(f"/officer/trainings/{training.id}/days/{training.days[0].id}/remove").status_code == (
        302 if manage == 200 else manage)
    assert client.get("/officer/trainings/new").status_code == (403 if role in ("participant", "manager") else 200)
    assert client.get("/officer").status_code == (403 if role in ("participant", "manager") else 200)


def test_unknown_ids_are_404(people, login):
    client = login(people.officer)
    other = TrainingSessionFactory(officers=[people.officer])
    assert client.get("/officer/trainings/9999").status_code == 404
    assert client.post(f"/officer/trainings/{people.training.id}/days/{other.days[0].id}").status_code == 404


def test_the_training_page_shows_the_summary_counts_and_status_buttons(people, login):
    training = people.training
    RegistrationFactory.create_batch(3, training=training)
    html = login(people.officer).get(f"/officer/trainings/{training.id}").get_data(as_text=True)
    for tab in ("registrations", "attendance", "recommendations", "certificates", "audit"):
        assert f"/officer/trainings/{training.id}/{tab}" in html
    assert "3 / 20" in html and "Close registration" in html and "data-confirm" in html
    manager_html = login(people.manager).get(f"/officer/trainings/{training.id}").get_data(as_text=True)
    assert "Close registration" not in manager_html and "3 / 20" in manager_html


def test_the_training_page_lists_co_organisers_in_the_readers_language(people, login):
    from training_mgr.trainings.models import SessionOrganiser

    organisations = [OrganisationFactory(name="IOM", name_ar="المنظمة الدولية للهجرة"),
                     OrganisationFactory(name="UNOCT", name_ar="مكتب مكافحة الإرهاب")]
    training = people.training
    for n, organisation in enumerate(organisations):
        training.organisers.append(SessionOrganiser(organisation=organisation, role="co_organiser", position=n + 10))
    db.session.commit()
    html = login(people.officer).get(f"/officer/trainings/{training.id}?lang=ar").get_data(as_text=True)
    assert "<bdi>المنظمة الدولية للهجرة</bdi> و<bdi>مكتب مكافحة الإرهاب</bdi>" in html


def test_an_officer_schedules_a_training_through_the_form(people, login):
    course = CourseFactory(title="Integrated Border Management", default_days=2)
    client = login(people.officer)
    form = client.get(f"/officer/trainings/new?course_id={course.id}").get_data(as_text=True)
    assert f'<option selected value="{course.id}">' in form
    response = client.post("/officer/trainings/new", data={
        "course_id": str(course.id), "title": "", "start_date": "2030-05-10", "end_date": "", "city": "Erbil",
        "country": "IQ", "language": "en_ar", "timezone": "Asia/Baghdad", "capacity": "25",
        "confirmation_mode": "approval", "registration_opens_at": "2030-04-01T08:00",
    }, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Training scheduled as a draft with 2 day(s)." in html
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.course_id == course.id))
    assert (training.title, training.end_date, training.confirmation_mode) == ("Integrated Border Management", date(2030, 5, 11), "approval")
    assert people.officer in training.officers
    response = client.post(f"/officer/trainings/{training.id}/status", data={"status": "open"}, follow_redirects=True)
    assert "The training is open for registration." in response.get_data(as_text=True)


def test_bad_input_keeps_the_form_and_shows_errors_beside_the_fields(people, login):
    course = CourseFactory()
    client = login(people.officer)
    before = _training_count()
    response = client.post("/officer/trainings/new", data={
        "course_id": str(course.id), "title": "Typed title", "start_date": "2030-05-10", "end_date": "2030-05-01",
        "country": "IQ", "language": "en_ar", "timezone": "Asia/Baghdad", "capacity": "-3",
        "confirmation_mode": "automatic",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="capacity-error"' in html and 'value="Typed title"' in html
    response = client.post("/officer/trainings/new", data={
        "course_id": str(course.id), "start_date": "2030-05-10", "end_date": "2030-05-01",
        "country": "IQ", "language": "en_ar", "timezone": "Asia/Baghdad", "confirmation_mode": "automatic",
    })
    html = response.get_data(as_text=True)
    assert 'id="end_date-error"' in html and "The last day cannot be before the first day." in html
    assert _training_count() == before


def test_edit_shows_the_window_in_the_training_time_zone(people, login):
    training = people.training
    _edit(training, people.officer, registration_closes_at=datetime(2030, 1, 20, 17, 0))
    html = login(people.officer).get(f"/officer/trainings/{training.id}/edit").get_data(as_text=True)
    assert 'value="2030-01-20T17:00"' in html


def test_saving_the_details_unchanged_records_nothing(people, login):
    training = people.training
    _edit(training, people.officer, registration_closes_at=datetime(2030, 1, 20, 17, 0))
    before = len(_actions())
    response = login(people.officer).post(f"/officer/trainings/{training.id}/edit", data={
        "title": training.title, "title_ar": training.title_ar, "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(), "venue": training.venue, "city": training.city, "city_ar": training.city_ar,
        "country": training.country, "language": training.language, "timezone": training.timezone, "capacity": str(training.capacity),
        "registration_closes_at": "2030-01-20T17:00", "confirmation_mode": training.confirmation_mode,
    }, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert len(_actions()) == before


def test_a_registration_window_in_year_one_is_refused_beside_the_field(people, login):
    training = people.training  # Asia/Baghdad: midnight on 1 January of year 1 has no UTC time
    response = login(people.officer).post(f"/officer/trainings/{training.id}/edit", data={
        "title": training.title, "start_date": training.start_date.isoformat(), "end_date": training.end_date.isoformat(),
        "country": training.country, "language": training.language, "timezone": training.timezone,
        "capacity": str(training.capacity), "confirmation_mode": training.confirmation_mode,
        "registration_opens_at": "0001-01-01T00:00", "registration_closes_at": "9999-12-31T23:59",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="registration_opens_at-error"' in html and 'id="registration_closes_at-error"' in html
    assert "Choose a date between 2000 and 2999." in html and 'value="0001-01-01T00:00"' in html
    db.session.refresh(training)
    assert training.registration_opens_at is None


def test_a_refused_status_change_is_explained_in_a_flash(people, login):
    training = people.training
    response = login(people.officer).post(f"/officer/trainings/{training.id}/status", data={"status": "completed"},
                                          follow_redirects=True)
    assert "cannot be made completed" in response.get_data(as_text=True)
    db.session.refresh(training)
    assert training.status == "open"


def test_cancel_asks_for_a_reason_beside_the_field(people, login, monkeypatch):
    monkeypatch.setattr(signals.training_cancelled, "is_muted", True)  # nobody is told: not what this test is about
    training = people.training
    client = login(people.officer)
    response = client.post(f"/officer/trainings/{training.id}/cancel", data={"reason": " "})
    assert 'id="reason-error"' in response.get_data(as_text=True)
    db.session.refresh(training)
    assert training.status == "open"
    response = client.post(f"/officer/trainings/{training.id}/cancel", data={"reason": "Venue unavailable"}, follow_redirects=True)
    assert "The training is cancelled." in response.get_data(as_text=True)
    db.session.refresh(training)
    assert training.status == "cancelled"


def test_days_screen_adds_renames_and_removes(people, login):
    training = people.training
    client = login(people.officer)
    new_day = training.end_date + timedelta(days=1)
    response = client.post(f"/officer/trainings/{training.id}/days", data={"date": new_day.isoformat(), "title": "Field visit"},
                           follow_redirects=True)
    assert "Day added" in response.get_data(as_text=True)
    response = client.post(f"/officer/trainings/{training.id}/days", data={"date": new_day.isoformat()})
    assert 'id="date-error"' in response.get_data(as_text=True)
    day = training.days[0]
    response = client.post(f"/officer/trainings/{training.id}/days/{day.id}", data={f"day-{day.id}-title": "x" * 201})
    assert f'day-{day.id}-title' in response.get_data(as_text=True) and "invalid-feedback" in response.get_data(as_text=True)
    client.post(f"/officer/trainings/{training.id}/days/{day.id}", data={f"day-{day.id}-title": "Opening"})
    db.session.refresh(day)
    assert day.title == "Opening"
    client.post(f"/officer/trainings/{training.id}/days/{day.id}/remove")
    assert len(_days(training)) == 3


def test_organisers_officers_quotas_and_rule_screens(people, login):
    training = people.training
    host, partner = OrganisationFactory(name="Al-Nahrain Centre"), OrganisationFactory(name="IOM")
    client = login(people.officer)
    client.post(f"/officer/trainings/{training.id}/organisers", data={"host_id": str(host.id), "co_organiser_ids": [str(partner.id)]})
    client.post(f"/officer/trainings/{training.id}/officers",
                data={"officer_ids": [str(people.officer.id), str(people.other_officer.id)]})
    client.post(f"/officer/trainings/{training.id}/quotas", data={"organisation_id": str(partner.id), "max_seats": "4"})
    response = client.post(f"/officer/trainings/{training.id}/quotas", data={"organisation_id": str(partner.id), "max_seats": "99"})
    assert 'id="max_seats-error"' in response.get_data(as_text=True)
    response = client.post(f"/officer/trainings/{training.id}/certificate-rule", data={"cert_min_attendance": "150"})
    assert 'id="cert_min_attendance-error"' in response.get_data(as_text=True)
    client.post(f"/officer/trainings/{training.id}/certificate-rule", data={"cert_min_attendance": "100", "cert_late_counts": "y"})
    db.session.expire_all()
    assert training.host == host and training.co_organisers == [partner]
    assert {u.id for u in training.officers} == {people.officer.id, people.other_officer.id}
    assert [(q.organisation_id, q.max_seats) for q in training.quotas] == [(partner.id, 4)]
    assert (training.cert_min_attendance, training.cert_late_counts, training.cert_excused_excluded) == (100, True, False)
    # the other officer now manages it too
    assert login(people.other_officer).get(f"/officer/trainings/{training.id}/edit").status_code == 200


def test_signatory_upload_is_checked(people, login):
    training = people.training
    client = login(people.officer)
    response = client.post(f"/officer/trainings/{training.id}/signatories", data={
        "name": "Giorgi Gigauri", "signature": (io.BytesIO(b"not an image"), "sig.png"),
    }, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert 'id="signature-error"' in html and 'value="Giorgi Gigauri"' in html
    response = client.post(f"/officer/trainings/{training.id}/signatories", data={
        "name": "Giorgi Gigauri", "signature": (io.BytesIO(png_bytes()), "sig.png"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert "Signatory “Giorgi Gigauri” added." in response.get_data(as_text=True)
    signatory = training.signatories[0]
    image = client.get(f"/officer/trainings/{training.id}/signatories/{signatory.id}/signature")
    assert image.status_code == 200 and image.mimetype == "image/png"
    # editing shows the current signature, offers to remove it and to keep it by leaving the file empty
    edit = client.get(f"/officer/trainings/{training.id}/signatories/{signatory.id}/edit").get_data(as_text=True)
    assert f"/signatories/{signatory.id}/signature" in edit and 'name="remove_signature"' in edit
    assert "Leave empty to keep the current image." in edit and 'value="Giorgi Gigauri"' in edit
    adding = client.get(f"/officer/trainings/{training.id}/signatories").get_data(as_text=True)
    assert 'name="remove_signature"' not in adding and "Leave empty to keep" not in adding
