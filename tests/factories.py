"""factory_boy factories: tests state only what matters to them."""
import functools
from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from training_mgr.extensions import db
from training_mgr.models import (
    AttendanceMark, Course, Organisation, Participant, Recommendation, RecommendationUpdate, Registration,
    SessionDay, SessionOrganiser, TrainingSession, User,
)

PASSWORD = "correct-horse-battery"


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Ministry {n}")
    name_ar = factory.Sequence(lambda n: f"وزارة {n}")
    kind = "ministry"
    country = "IQ"

    @factory.post_generation
    def steward(obj, create, extracted, **kwargs):
        if extracted:
            obj.steward = extracted
            if create:
                db.session.commit()


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    role = "officer"
    password_hash = factory.LazyFunction(lambda: _password_hash())


@functools.cache
def _password_hash():
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


class CourseFactory(Base):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    title_ar = factory.Sequence(lambda n: f"دورة {n}")
    default_days = 3

    @factory.post_generation
    def officers(obj, create, extracted, **kwargs):
        if extracted:
            obj.officers.extend(extracted)
            if create:
                db.session.commit()


class TrainingSessionFactory(Base):
    """An open training with three days, capacity 20, automatic confirmation."""

    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    title = factory.LazyAttribute(lambda o: o.course.title)
    title_ar = factory.LazyAttribute(lambda o: o.course.title_ar)
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=2) if o.start_date else None)
    venue = "Training Centre"
    city = "Baghdad"
    city_ar = "بغداد"
    country = "IQ"
    capacity = 20
    status = "open"
    confirmation_mode = "automatic"

    @factory.post_generation
    def days(obj, create, extracted, **kwargs):
        if extracted is not None or not obj.start_date or not obj.end_date:
            return
        n = (obj.end_date - obj.start_date).days + 1
        obj.days = [SessionDay(date=obj.start_date + timedelta(days=i)) for i in range(n)]
        if create:
            db.session.commit()

    @factory.post_generation
    def officers(obj, create, extracted, **kwargs):
        if extracted:
            obj.officers.extend(extracted)
            if create:
                db.session.commit()

    @factory.post_generation
    def host(obj, create, extracted, **kwargs):
        if extracted:
            obj.organisers.append(SessionOrganiser(organisation=extracted, role="host", position=0))
            if create:
                db.session.commit()


class ParticipantFactory(Base):
    class Meta:
        model = Participant

    name = factory.Sequence(lambda n: f"Participant {n}")
    name_ar = factory.Sequence(lambda n: f"مشارك {n}")
    sex = factory.Iterator(["male", "female"])
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Officer"
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    locale = "en"


class RegistrationFactory(Base):
    class Meta:
        model = Registration

    training = factory.SubFactory(TrainingSessionFactory)
    participant = factory.SubFactory(ParticipantFactory)
    status = "confirmed"
    source = "officer"


class AttendanceMarkFactory(Base):
    class Meta:
        model = AttendanceMark

    registration = factory.SubFactory(RegistrationFactory)
    session_day = factory.LazyAttribute(lambda o: o.registration.training.days[0])
    status = "present"


class RecommendationFactory(Base):
    class Meta:
        model = Recommendation

    training = factory.SubFactory(TrainingSessionFactory)
    text = factory.Sequence(lambda n: f"Recommendation {n}")
    theme = "Human rights"
    responsible_organisation = factory.SubFactory(OrganisationFactory)
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=90))
    status = "agreed"


class RecommendationUpdateFactory(Base):
    class Meta:
        model = RecommendationUpdate

    recommendation = factory.SubFactory(RecommendationFactory)
    date = factory.LazyFunction(date.today)
    status = "in_progress"
    note = "Progress reported."


class CompletedTrainingFactory(TrainingSessionFactory):
    """A training held 15–17 February 2022 and marked completed: certificates can be issued."""

    start_date = date(2022, 2, 15)
    status = "completed"


def attended(training, statuses, **registration_fields):
    """A registration (confirmed unless told) with one mark per day, in the order of ``statuses``."""
    registration = RegistrationFactory(training=training, **registration_fields)
    for day, status in zip(training.days, statuses):
        AttendanceMarkFactory(registration=registration, session_day=day, status=status)
    return registration
