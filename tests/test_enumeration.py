"""Nobody can tell from the log-in, password-reset or registration answers whether an address has an account:
not from the words, not from the page, not from how long the answer takes."""
import re
import time

import pytest

from tests.factories import PASSWORD, OrganisationFactory, ParticipantFactory, TrainingSessionFactory, UserFactory
from training_mgr.auth.models import User
from training_mgr.extensions import db


def log_in(client, email, password="not-the-password"):
    return client.post("/login", data={"email": email, "password": password})


def fastest_seconds(actions, tries=7):
    """The fastest of ``tries`` runs of each action, taken in turns so that a busy machine slows all alike."""
    timings = [[] for _ in actions]
    for _ in range(tries):
        for action, taken in zip(actions, timings):
            started = time.perf_counter()
            action()
            taken.append(time.perf_counter() - started)
    return [min(taken) for taken in timings]


# the production hash (werkzeug's default, scrypt), not the cheap one the other tests use
@pytest.mark.config(PASSWORD_HASH_METHOD=None)
def test_a_log_in_takes_as_long_for_an_unknown_address_as_for_a_known_one(app, client):
    for email, active in (("known@example.org", True), ("inactive@example.org", False)):
        user = UserFactory(email=email, role="officer", active=active)
        user.set_password(PASSWORD)  # as an account gets its password in production
    UserFactory(email="new@example.org", role="participant", password_hash=None)  # no password chosen yet
    db.session.commit()
    assert db.session.scalar(db.select(User.password_hash).filter_by(email="known@example.org")).startswith("scrypt:")
    log_in(client, "warm-up@example.org")  # the first unknown address makes the dummy hash once per process

    addresses = ("known@example.org", "nobody@example.org", "inactive@example.org", "new@example.org")
    known, *others = fastest_seconds([lambda address=address: log_in(client, address) for address in addresses])
    for address, other in zip(addresses[1:], others):
        ratio = max(known, other) / min(known, other)
        print(f"known {known * 1000:.0f} ms, {address} {other * 1000:.0f} ms: ratio {ratio:.2f}")
        assert ratio < 2, address


def test_a_failed_log_in_reads_the_same_for_a_known_and_an_unknown_address(client):
    UserFactory(email="known@example.org", role="officer")
    UserFactory(email="gone@example.org", role="officer", active=False)
    pages = {
        email: log_in(client, email).get_data(as_text=True).replace(email, "EMAIL")
        for email in ("known@example.org", "gone@example.org", "nobody@example.org")
    }
    assert "Wrong e-mail or password." in pages["nobody@example.org"]
    assert len(set(pages.values())) == 1


def test_the_password_reset_answer_is_the_same_for_a_known_and_an_unknown_address(client):
    UserFactory(email="known@example.org", role="officer")
    answers = []
    for email in ("known@example.org", "nobody@example.org"):
        response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
        answers.append((response.status_code, [r.location for r in response.history],
                        response.get_data(as_text=True).replace(email, "EMAIL")))
    assert "If an account uses this address" in answers[0][2]
    assert answers[0] == answers[1]


def test_the_registration_answer_is_the_same_for_a_known_and_an_unknown_address(client):
    organisation = OrganisationFactory()
    training = TrainingSessionFactory(capacity=10)
    ParticipantFactory(email="known@example.org", organisation=organisation)
    UserFactory(email="staff@example.org", role="officer")
    answers = []
    for email in ("known@example.org", "staff@example.org", "brand.new@example.org"):
        data = {
            "name": "Layla Hassan", "sex": "female", "organisation": str(organisation.id), "position": "Officer",
            "email": email, "consent": "y",
        }
        response = client.post(f"/sessions/{training.id}/register", data=data, follow_redirects=True)
        page = response.get_data(as_text=True).replace(email, "EMAIL")
        # the seats-left figure is left out: the posts follow one another on the same training
        answers.append((response.status_code, [r.location for r in response.history],
                        re.sub(r"\d+ seats left", "N seats left", page)))
    assert answers[0][0] == 200 and answers[0][1]  # redirected to the training's page with a message
    assert answers[0] == answers[1] == answers[2]
