"""Invariants the database itself keeps, whatever the code above it does."""
import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import (
    AttendanceMarkFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory,
)
from training_mgr.extensions import db
from training_mgr.models import AttendanceMark, Registration


def test_the_database_refuses_a_second_registration_of_the_same_person(app):
    first = RegistrationFactory()
    db.session.add(Registration(training=first.training, participant=first.participant, status="pending"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.query(Registration).count() == 1


def test_the_database_refuses_a_second_mark_for_the_same_day(app):
    mark = AttendanceMarkFactory(status="present")
    db.session.add(AttendanceMark(registration=mark.registration, session_day=mark.session_day, status="absent"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.query(AttendanceMark).count() == 1


@pytest.mark.parametrize("model,field,value", [
    (Registration, "status", "maybe"),
    (AttendanceMark, "status", "asleep"),
])
def test_statuses_outside_the_allowed_words_are_refused(app, model, field, value):
    obj = RegistrationFactory() if model is Registration else AttendanceMarkFactory()
    setattr(obj, field, value)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_participant_email_is_unique(app):
    ParticipantFactory(email="same@example.org")
    with pytest.raises(IntegrityError):
        ParticipantFactory(email="same@example.org")
    db.session.rollback()


def test_a_training_cannot_end_before_it_starts(app):
    from datetime import date

    with pytest.raises(IntegrityError):
        TrainingSessionFactory(start_date=date(2022, 2, 17), end_date=date(2022, 2, 15), days=[])
    db.session.rollback()


def test_the_same_participant_can_attend_many_trainings(app):
    person = ParticipantFactory()
    for _ in range(3):
        RegistrationFactory(participant=person)
    assert len(person.registrations) == 3


def test_unknown_role_is_refused(app):
    with pytest.raises(IntegrityError):
        UserFactory(role="superuser")
    db.session.rollback()
