"""The officer's "add a registration" form takes a person's name by the public form's rule
(``participants.forms``): either script or both, each checked for its script."""
from sqlalchemy import select

from tests.factories import OrganisationFactory, TrainingSessionFactory, UserFactory
from training_mgr.extensions import db
from training_mgr.participants.models import Participant


def _add(login, **names):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    organisation = OrganisationFactory()
    return login(officer).post(f"/officer/trainings/{training.id}/registrations/add-new", data={
        **names, "sex": "female", "email": "zainab@example.org", "organisation_id": organisation.id})


def test_an_arabic_name_alone_is_enough(app, login):
    response = _add(login, name="", name_ar="زينب الكرخي")
    assert response.status_code == 302, response.text
    participant = db.session.scalar(select(Participant).where(Participant.email == "zainab@example.org"))
    assert (participant.name, participant.name_ar) == ("زينب الكرخي", "زينب الكرخي")


def test_no_name_at_all_is_refused_beside_the_name(app, login):
    response = _add(login, name="", name_ar="")
    assert response.status_code == 422
    assert "Give the name in Latin letters, in Arabic script, or both." in response.text
    assert db.session.scalar(select(Participant).where(Participant.email == "zainab@example.org")) is None


def test_each_name_is_checked_for_its_script(app, login):
    response = _add(login, name="زينب", name_ar="Zainab")
    assert response.status_code == 422
    assert "Type your name in Latin letters here" in response.text
    assert "Type your name in Arabic script here" in response.text
