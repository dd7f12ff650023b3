"""The figures service: each definition on hand-made data, unique persons, filters, and a fixed number of statements."""
from datetime import date, timedelta

from tests.factories import (
    AttendanceMarkFactory, CourseFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory,
    RegistrationFactory, TrainingSessionFactory,
)
from training_mgr.certificates.models import Certificate
from training_mgr.seeds.demo import seed_demo
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.extensions import db
from training_mgr.reports.figures import ProgrammeFilters, participant_list, programme_figures, session_figures
from training_mgr.trainings.models import TrainingSession

FEB_2022 = date(2022, 2, 15)


def completed_training(start=FEB_2022, **kwargs):
    return TrainingSessionFactory(start_date=start, end_date=start + timedelta(days=2), status="completed", **kwargs)


def attend(registration, *marks):
    for day, mark in zip(registration.training.days, marks):
        AttendanceMarkFactory(registration=registration, session_day=day, status=mark)
    return registration


def certificate(registration, status="valid"):
    n = db.session.query(Certificate).count() + 1
    db.session.add(Certificate(
        registration=registration, serial=f"TM-2022-{n:04d}", year=2022, sequence=n, code=f"CODE-{n}",
        status=status, issued_on=date(2022, 2, 17),
        revoked_at=None if status == "valid" else date(2022, 3, 1), revoke_reason=None if status == "valid" else "Error",
    ))
    db.session.commit()


def test_each_definition_on_a_training_with_every_kind_of_registration(app):
    training = completed_training()
    full = attend(RegistrationFactory(training=training), "present", "late", "present")
    excused = attend(RegistrationFactory(training=training), "present", "excused", "present")
    one_day = attend(RegistrationFactory(training=training), "absent", "present", "absent")
    attend(RegistrationFactory(training=training), "absent", "absent", "absent")  # confirmed, never came
    RegistrationFactory(training=training, status="pending")
    RegistrationFactory(training=training, status="waitlisted")
    RegistrationFactory(training=training, status="rejected")
    attend(RegistrationFactory(training=training, status="withdrawn"), "present")  # marks of a withdrawn person
    certificate(full)
    certificate(excused, status="revoked")

    figures = session_figures(training)
    key = figures.key
    assert key.nominated == 8
    assert key.registered == 6  # 4 confirmed, pending, waitlisted
    assert key.confirmed == 4
    assert key.attended == 3  # the no-show and the withdrawn person are not counted
    assert key.completed == 2  # full (late counts) and excused (excused day left out); one_day has 1/3
    assert key.certified == 1  # the revoked certificate is not
    assert key.person_days == 3 + 2 + 1
    assert [(row.marks["present"], row.marks["late"], row.unmarked) for row in figures.days] == [(2, 0, 0), (1, 1, 0), (2, 0, 0)]
    rows = {row.registration.id: row.attendance for row in figures.participants}
    assert rows[one_day.id].rate == round(1 / 3, 4) and not rows[one_day.id].completed
    assert rows[excused.id].completed and rows[excused.id].days_attended == 2
    assert len(figures.certificates) == 2


def test_demo_reference_training(app):
    seed_demo()
    figures = session_figures(db.session.get(TrainingSession, 1), today=date(2024, 1, 1))
    assert (figures.key.nominated, figures.key.confirmed, figures.key.attended) == (20, 20, 20)
    assert figures.entities == 6
    assert figures.by_sex == {"female": 6, "male": 14}
    assert sum(row.total for row in figures.organisations) == figures.persons_trained == 20
    assert len(figures.days) == 3
    assert figures.key.person_days == 20 * 3 - 1 - 1  # one excused day, one absence
    assert figures.key.completed == 19  # the absent official attended 2 of 3 days, under 80 %
    assert len(figures.recommendations) == 6
    assert sum(figures.recommendations_by_status.values()) == 6
    # on 1 January 2024 all but the implemented one are past due
    assert [r.due_date.isoformat() for r in figures.overdue] == [
        "2022-12-31", "2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31",
    ]


def test_a_person_at_three_trainings_counts_once(app):
    course = CourseFactory()
    person = ParticipantFactory(sex="female")
    others = ParticipantFactory.create_batch(2, sex="male")
    for month in (2, 5, 9):
        training = completed_training(start=date(2022, month, 1), course=course)
        attend(RegistrationFactory(training=training, participant=person), "present", "present", "present")
    training = completed_training(start=date(2022, 10, 1))
    for other in others:
        attend(RegistrationFactory(training=training, participant=other), "present")

    figures = programme_figures(ProgrammeFilters(date(2022, 1, 1), date(2022, 12, 31)))
    assert figures.trainings_held == 4
    assert figures.persons_trained == 3
    assert figures.totals.attended == 5  # participations
    assert figures.totals.person_days == 9 + 2
    assert figures.by_sex == {"female": 1, "male": 2}
    assert sum(row.total for row in figures.organisations) == figures.persons_trained
    by_course = {row.course.id: row for row in figures.courses}
    assert (by_course[course.id].trainings, by_course[course.id].persons, by_course[course.id].figures.attended) == (3, 1, 3)


def test_filters_period_course_organisation_country_and_only_completed_trainings(app):
    ministry, commission = OrganisationFactory(), OrganisationFactory()
    course = CourseFactory()
    held = completed_training(start=date(2022, 3, 1), course=course)
    in_jordan = completed_training(start=date(2022, 6, 1), country="JO")
    completed_training(start=date(2023, 1, 10))  # outside the period
    TrainingSessionFactory(start_date=date(2022, 7, 1), status="cancelled")
    TrainingSessionFactory(start_date=date(2022, 8, 1), status="closed")
    for training in (held, in_jordan):
        attend(RegistrationFactory(training=training, participant__organisation=ministry), "present")
        attend(RegistrationFactory(training=training, participant__organisation=commission), "present", "present")

    year = dict(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    assert [training.id for training, _ in programme_figures(ProgrammeFilters(**year)).trainings] == [held.id, in_jordan.id]
    assert programme_figures(ProgrammeFilters(**year, course_id=course.id)).trainings_held == 1
    assert programme_figures(ProgrammeFilters(**year, country="JO")).trainings_held == 1
    only_ministry = programme_figures(ProgrammeFilters(**year, organisation_id=ministry.id))
    assert (only_ministry.trainings_held, only_ministry.persons_trained, only_ministry.totals.person_days) == (2, 2, 2)
    assert [row.organisation.id for row in only_ministry.organisations] == [ministry.id]
    assert len(participant_list(ProgrammeFilters(**year, organisation_id=commission.id))) == 2
    assert programme_figures(ProgrammeFilters(date(2021, 1, 1), date(2021, 12, 31))).trainings_held == 0


def test_recommendations_by_status_and_overdue(app):
    training = completed_training()
    late = RecommendationFactory(training=training, status="in_progress", due_date=date(2022, 6, 1))
    RecommendationFactory(training=training, status="implemented", due_date=date(2022, 6, 1))  # closed: not overdue
    RecommendationFactory(training=training, status="agreed", due_date=date(2030, 1, 1))
    figures = programme_figures(ProgrammeFilters(), today=date(2023, 1, 1))
    assert figures.recommendations_by_status == {
        "proposed": 0, "agreed": 1, "in_progress": 1, "implemented": 1, "not_pursued": 0,
    }
    assert figures.overdue == [late]


def test_overdue_pages_cover_the_whole_overdue_list(app):
    training = completed_training()
    for i in range(7):
        RecommendationFactory(training=training, status="agreed", due_date=date(2022, 6, 1) + timedelta(days=i))
    figures = programme_figures(ProgrammeFilters(), today=date(2023, 1, 1))
    pages = [figures.overdue_page(n, per_page=3) for n in (1, 2, 3)]
    assert [page.total for page in pages] == [7, 7, 7] == [len(figures.overdue)] * 3
    assert [r for page in pages for r in page.items] == figures.overdue


def test_programme_statements_do_not_grow_with_the_data(app, count_queries):
    def statements():
        with count_queries() as seen:
            figures = programme_figures(ProgrammeFilters())
            participant_list(ProgrammeFilters())
        return len(seen), figures

    seed_synthetic(4, 5, seed=1)
    few, small = statements()
    seed_synthetic(40, 30, seed=2)
    many, large = statements()
    assert large.trainings_held > small.trainings_held and large.totals.attended > 10 * small.totals.attended
    assert many == few


def test_session_statements_do_not_grow_with_the_data(app, count_queries):
    seed_synthetic(3, 4, seed=1)
    seed_synthetic(3, 60, seed=2)
    counts = []
    for training in db.session.scalars(db.select(TrainingSession).where(TrainingSession.status == "completed")):
        db.session.expire_all()
        with count_queries() as seen:
            session_figures(db.session.get(TrainingSession, training.id))
        counts.append(len(seen))
    assert len(set(counts)) == 1, counts
