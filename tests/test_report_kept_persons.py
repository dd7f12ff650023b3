"""Persons trained (``reports.tallies``) and attendance profiles (``reports.profiles``), kept by the database: the kept
counts equal a count over the registrations
after every kind of write that can change who is trained or how they are counted, and the programme report reads
the same numbers from them as from the registrations."""
from datetime import date

from sqlalchemy import delete, func, insert, select, update

from tests.factories import (
    AttendanceMarkFactory, CompletedTrainingFactory, CourseFactory, OrganisationFactory, ParticipantFactory,
    RegistrationFactory, UserFactory, attended,
)
from training_mgr.attendance.models import AttendanceMark
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations.models import Registration
from training_mgr.reports import figures as F
from training_mgr.reports.tallies import ALL_COURSES, PersonsTrainedTally
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.trainings.models import TrainingSession


def kept():
    """{(course or ALL_COURSES, organisation or None, sex): persons} as kept."""
    return {(course, organisation or None, sex): n for course, organisation, sex, n in db.session.execute(select(
        PersonsTrainedTally.course_id, PersonsTrainedTally.organisation_id, PersonsTrainedTally.sex,
        PersonsTrainedTally.persons)) if n}


def counted():
    """The same, counted from the registrations and marks as they are."""
    trained = {}
    for person, course, organisation, sex in db.session.execute(
        select(Registration.participant_id, TrainingSession.course_id, Participant.organisation_id, Participant.sex)
        .join(TrainingSession, TrainingSession.id == Registration.training_id)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.status == "confirmed", TrainingSession.status == "completed",
               Registration.id.in_(select(AttendanceMark.registration_id)
                                   .where(AttendanceMark.status.in_(("present", "late")))))
    ):
        trained.setdefault((organisation, sex), set()).add(person)
        trained.setdefault((course, organisation, sex), set()).add(person)
    result = {}
    for key, persons in trained.items():
        result[(ALL_COURSES, *key) if len(key) == 2 else key] = len(persons)
    return result


def test_kept_persons_follow_every_kind_of_write(app):
    course, other_course = CourseFactory(), CourseFactory()
    ministry, commission = OrganisationFactory(), OrganisationFactory()
    first = CompletedTrainingFactory(course=course)
    second = CompletedTrainingFactory(course=course, start_date=date(2022, 5, 1))
    third = CompletedTrainingFactory(course=other_course, start_date=date(2022, 9, 1))
    amal, omar = ParticipantFactory(sex="female", organisation=ministry), ParticipantFactory(sex="male", organisation=ministry)
    huda = ParticipantFactory(sex="female", organisation=None, organisation_other="A ministry not in the list")
    for training in (first, second, third):  # Amal at three trainings of two courses counts once in all
        attended(training, ["present", "absent", "absent"], participant=amal)
    omar_first = attended(first, ["absent", "late", "absent"], participant=omar)
    huda_first = attended(first, ["absent"], participant=huda)  # came on no day so far
    attended(second, ["present"], participant=huda, status="withdrawn")  # marks of a withdrawn person
    assert kept() == counted() == {
        (ALL_COURSES, ministry.id, "female"): 1, (ALL_COURSES, ministry.id, "male"): 1,
        (course.id, ministry.id, "female"): 1, (course.id, ministry.id, "male"): 1,
        (other_course.id, ministry.id, "female"): 1,
    }

    # marks: Huda's first day attended (a Core insert), Omar's only day attended changed to absent and back
    day1 = first.days[0]
    db.session.execute(insert(AttendanceMark), [{"registration_id": huda_first.id, "session_day_id": first.days[1].id,
                                                 "status": "present"}])
    db.session.execute(update(AttendanceMark).where(AttendanceMark.registration_id == omar_first.id,
                                                    AttendanceMark.status == "late").values(status="absent"))
    db.session.commit()
    assert kept() == counted() and (ALL_COURSES, None, "female") in kept() and (ALL_COURSES, ministry.id, "male") not in kept()
    db.session.execute(update(AttendanceMark).where(AttendanceMark.registration_id == omar_first.id,
                                                    AttendanceMark.session_day_id == first.days[1].id).values(status="late"))
    db.session.commit()
    assert kept() == counted()

    # statuses: withdrawn and back, a withdrawn person's registration confirmed (ORM and bulk Core)
    omar_first.status = "withdrawn"
    db.session.commit()
    assert kept() == counted() and (course.id, ministry.id, "male") not in kept()
    db.session.execute(update(Registration).where(Registration.status == "withdrawn").values(status="confirmed"))
    db.session.commit()
    assert kept() == counted() and (course.id, None, "female") in kept()

    # the person: another organisation, another sex
    amal.organisation = commission
    omar.sex = "female"
    db.session.commit()
    assert kept() == counted() and (ALL_COURSES, commission.id, "female") in kept()

    # the training: no longer completed, another course, completed again
    third.status = "closed"
    db.session.commit()
    assert kept() == counted() and (other_course.id, commission.id, "female") not in kept()
    db.session.execute(update(TrainingSession).where(TrainingSession.id == second.id).values(course_id=other_course.id))
    db.session.commit()
    assert kept() == counted()
    third.status = "completed"
    db.session.commit()
    assert kept() == counted()

    # deletions: a day and its marks, a registration and its marks, a training and its registrations
    db.session.delete(db.session.get(type(day1), day1.id))
    db.session.commit()
    assert kept() == counted()
    db.session.execute(delete(Registration).where(Registration.id == huda_first.id))
    db.session.commit()
    assert kept() == counted()
    db.session.delete(db.session.get(TrainingSession, first.id))
    db.session.commit()
    assert kept() == counted() and kept()


def test_erasure_keeps_the_person_counted(app):
    from training_mgr.erasure.services import erase_participant

    training = CompletedTrainingFactory()
    person = attended(training, ["present", "present", "present"]).participant
    attended(training, ["late"])
    before = kept()
    assert before == counted() and sum(n for (course, *_), n in before.items() if course == ALL_COURSES) == 2
    erase_participant(person, by_user=UserFactory(role="admin"))
    db.session.commit()
    assert kept() == counted() == before


def test_a_new_registration_and_a_new_training_change_nothing_until_someone_attends(app):
    training = CompletedTrainingFactory()
    registration = RegistrationFactory(training=training)
    db.session.execute(insert(Registration), [{"training_id": training.id, "participant_id": ParticipantFactory().id,
                                               "status": "confirmed"}])
    db.session.commit()
    assert kept() == counted() == {}
    AttendanceMarkFactory(registration=registration, session_day=training.days[2], status="late")
    assert kept() == counted() and len(kept()) == 2


def test_the_report_reads_the_same_figures_from_the_kept_counts_as_from_the_registrations(app, monkeypatch):
    seed_synthetic(12, 40, seed=3, today=date(2025, 6, 1))
    assert kept() == counted()
    held_course = db.session.scalar(select(func.min(TrainingSession.course_id)).where(TrainingSession.status == "completed"))
    for filters in (F.ProgrammeFilters(), F.ProgrammeFilters(course_id=held_course)):
        assert F.kept_course(filters) is not None
        from_tallies = F.programme_figures(filters)
        with monkeypatch.context() as patch:
            patch.setattr(F, "kept_course", lambda filters: None)  # counted from the registrations
            from_registrations = F.programme_figures(filters)
        assert from_tallies.persons_trained == from_registrations.persons_trained > 5
        assert from_tallies.by_sex == from_registrations.by_sex
        assert [(r.organisation, r.by_sex) for r in from_tallies.organisations] == [
            (r.organisation, r.by_sex) for r in from_registrations.organisations]
        assert [(r.course, r.persons) for r in from_tallies.courses] == [(r.course, r.persons) for r in from_registrations.courses]
        assert from_tallies.trainings == from_registrations.trainings and from_tallies.totals.completed > 0
    assert F.kept_course(F.ProgrammeFilters(date_from=date(2024, 1, 1))) is None


def profiles():
    """{(training, status, present, late, excused, marks): registrations} as kept, and as counted from the marks."""
    from training_mgr.reports.profiles import AttendanceProfile as P

    kept_rows = {tuple(row[:-1]): row[-1] for row in db.session.execute(
        select(P.training_id, P.status, P.present, P.late, P.excused, P.recorded, P.registrations)) if row[-1]}
    marks = {}
    for registration_id, status in db.session.execute(select(AttendanceMark.registration_id, AttendanceMark.status)):
        counts = marks.setdefault(registration_id, [0, 0, 0, 0])
        counts[3] += 1
        if status in ("present", "late", "excused"):
            counts[("present", "late", "excused").index(status)] += 1
    counted_rows = {}
    for registration_id, training_id, status in db.session.execute(
            select(Registration.id, Registration.training_id, Registration.status)):
        key = (training_id, status, *marks.get(registration_id, (0, 0, 0, 0)))
        counted_rows[key] = counted_rows.get(key, 0) + 1
    return kept_rows, counted_rows


def test_kept_profiles_follow_every_kind_of_write(app):
    first, second = CompletedTrainingFactory(), CompletedTrainingFactory(start_date=date(2022, 5, 1))
    full = attended(first, ["present", "late", "excused"])
    some = attended(first, ["absent", "present"])
    attended(second, ["present"], status="withdrawn")
    RegistrationFactory(training=first, status="pending")
    db.session.execute(insert(Registration), [{"training_id": second.id, "participant_id": ParticipantFactory().id,
                                               "status": "confirmed"}])
    db.session.commit()
    kept_rows, counted_rows = profiles()
    assert kept_rows == counted_rows and kept_rows[(first.id, "confirmed", 1, 1, 1, 3)] == 1

    db.session.execute(update(AttendanceMark).where(AttendanceMark.registration_id == some.id).values(status="late"))
    db.session.execute(delete(AttendanceMark).where(AttendanceMark.registration_id == full.id,
                                                    AttendanceMark.status == "excused"))
    full.status = "withdrawn"
    db.session.execute(update(Registration).where(Registration.status == "withdrawn", Registration.training_id == second.id)
                       .values(status="confirmed"))
    db.session.execute(update(Registration).where(Registration.id == some.id).values(training_id=second.id))
    db.session.commit()
    assert profiles()[0] == profiles()[1]

    db.session.delete(db.session.get(type(first.days[0]), first.days[0].id))  # a day and its marks
    db.session.execute(delete(Registration).where(Registration.id == some.id))  # a registration and its marks
    db.session.commit()
    assert profiles()[0] == profiles()[1]
    db.session.delete(db.session.get(TrainingSession, first.id))  # a training and its registrations
    db.session.commit()
    kept_rows, counted_rows = profiles()
    assert kept_rows == counted_rows and not any(key[0] == first.id for key in kept_rows)
