"""The registration form takes a name in either script or both, each field checked for its script."""
from sqlalchemy import select

from tests.factories import OrganisationFactory, TrainingSessionFactory
from training_mgr.extensions import db
from training_mgr.participants.models import Participant


def form_data(org, **names):
    return {"sex": "male", "organisation": str(org.id), "organisation_other": "", "position": "",
            "email": "ahmed@example.org", "phone": "", "consent": "y", "name": "", "name_ar": "", **names}


def test_an_arabic_speaker_registers_with_the_arabic_name_only(app, client):
    org = OrganisationFactory()
    training = TrainingSessionFactory()
    page = client.post(f"/sessions/{training.id}/register", data=form_data(org, name_ar="أحمد المالكي"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Thank you." in page
    participant = db.session.scalar(select(Participant))
    assert (participant.name_ar, participant.name) == ("أحمد المالكي", "أحمد المالكي")


def test_one_name_at_least_is_needed(app, client):
    org = OrganisationFactory()
    training = TrainingSessionFactory()
    page = client.post(f"/sessions/{training.id}/register", data=form_data(org)).get_data(as_text=True)
    assert "Give your name in Latin letters, in Arabic script, or both." in page
    assert db.session.scalar(select(Participant)) is None


def test_each_name_field_refuses_the_other_script(app, client):
    org = OrganisationFactory()
    training = TrainingSessionFactory()
    page = client.post(f"/sessions/{training.id}/register",
                       data=form_data(org, name="أحمد", name_ar="Ahmed")).get_data(as_text=True)
    assert "Type your name in Latin letters here; your name in Arabic script goes in its own field." in page
    assert "Type your name in Arabic script here; your name in Latin letters goes in its own field." in page
    assert 'value="أحمد"' in page  # the form is refilled
    assert db.session.scalar(select(Participant)) is None
