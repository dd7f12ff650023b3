"""Coming back after withdrawing or a rejection, and what the training page and messages then say: the
registration goes through the rules of a new one, and the words say what is really the case."""
from html import unescape

from sqlalchemy import func, select

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.registrations import services as registrations
from training_mgr.registrations.models import Registration
from training_mgr.trainings.models import OrganisationQuota


def participant_user(organisation=None):
    participant = ParticipantFactory(**({"organisation": organisation} if organisation else {}))
    return UserFactory(role="participant", email=participant.email, participant=participant), participant


def form_data(participant):
    return {
        "name": "Ahmed Karim", "name_ar": "أحمد كريم", "sex": participant.sex,
        "organisation": str(participant.organisation_id), "organisation_other": "", "position": "Officer",
        "email": participant.email, "phone": "", "consent": "y",
    }


def test_a_participant_who_withdrew_registers_again_and_is_confirmed(app, login):
    training = TrainingSessionFactory(capacity=5)
    user, participant = participant_user()
    registration = RegistrationFactory(training=training, participant=participant, status="confirmed", source="online")
    registrations.change_status(registration, "withdrawn", by_user=user)
    client = login(user)

    page = client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert "You withdrew from this training; you may register again." in page and "Register again" in page

    page = client.post(f"/sessions/{training.id}/register", data=form_data(participant),
                       follow_redirects=True).get_data(as_text=True)
    assert "already registered" not in page
    assert "You are registered and your place is confirmed." in page
    assert "You are registered (confirmed)." in page and "Register again" not in page
    rows = db.session.scalars(select(Registration).where(Registration.training_id == training.id)).all()
    assert [(row.id, row.status) for row in rows] == [(registration.id, "confirmed")]
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "registration.return")) == 1


def test_a_rejected_participant_goes_back_to_pending_on_an_approval_training(app, login):
    training = TrainingSessionFactory(confirmation_mode="approval")
    user, participant = participant_user()
    RegistrationFactory(training=training, participant=participant, status="rejected", source="online")
    page = login(user).post(f"/sessions/{training.id}/register", data=form_data(participant),
                            follow_redirects=True).get_data(as_text=True)
    assert "A programme officer will review it" in page
    assert db.session.scalar(select(Registration.status).where(Registration.training_id == training.id)) == "pending"


def test_a_full_quota_is_not_called_a_full_training_and_the_page_gives_the_position(app, login):
    organisation = OrganisationFactory()
    training = TrainingSessionFactory(capacity=10)
    db.session.add(OrganisationQuota(training_id=training.id, organisation_id=organisation.id, max_seats=1))
    db.session.commit()
    RegistrationFactory(training=training, participant=ParticipantFactory(organisation=organisation))
    RegistrationFactory(training=training, participant=ParticipantFactory(organisation=organisation), status="waitlisted",
                        waitlisted_at=utcnow())
    user, participant = participant_user(organisation)

    page = unescape(login(user).post(f"/sessions/{training.id}/register", data=form_data(participant),
                                     follow_redirects=True).get_data(as_text=True))
    assert "The training is full" not in page
    assert "Your organisation's seats for this training are all taken, so you are on the waiting list (position 2)" in page
    assert "You are on the waiting list, position 2: your organisation's seats are all taken." in page


def test_a_full_training_says_so_with_the_position(app, login):
    training = TrainingSessionFactory(capacity=1)
    RegistrationFactory(training=training)
    user, participant = participant_user()
    page = login(user).post(f"/sessions/{training.id}/register", data=form_data(participant),
                            follow_redirects=True).get_data(as_text=True)
    assert "The training is full, so you are on the waiting list (position 1)" in page
    assert "You are on the waiting list, position 1: the training is full." in page


def test_someone_confirmed_is_still_told_they_are_registered_already(app, login):
    training = TrainingSessionFactory()
    user, participant = participant_user()
    RegistrationFactory(training=training, participant=participant, status="confirmed")
    page = login(user).post(f"/sessions/{training.id}/register", data=form_data(participant),
                            follow_redirects=True).get_data(as_text=True)
    assert "already registered" in page
