"""A stuck seat or serial-number lock gives the user a clear "try again" within 5 s, never a hang or a 500.

PostgreSQL only: the waits are bounded with its lock_timeout and statement_timeout. SQLite has neither
(a writer waits up to its busy_timeout for the one write lock), so these tests are skipped there.
"""
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from tests.factories import CompletedTrainingFactory, OrganisationFactory, TrainingSessionFactory, attended
from training_mgr.certificates.models import Certificate, CertificateCounter
from training_mgr.core.db import bounded_lock_wait
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations.models import Registration

BUSY = "This training is busy, please try again in a moment."
#: the user must have an answer within this many seconds
ANSWER_WITHIN = 5


@pytest.fixture(autouse=True)
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("lock_timeout and statement_timeout exist on PostgreSQL only; set TRAINING_MGR_TEST_DATABASE_URL to run")


@contextmanager
def stuck_lock(statement, **params):
    """A second connection runs ``statement`` (taking a row lock) and keeps its transaction open.

    Released at the end of the block, or after twice the allowed answer time: without the bounds the
    request would wait for ever, and the test must fail, not hang.
    """
    connection = db.engine.connect()
    connection.execute(text(statement), params)
    release = threading.Timer(2 * ANSWER_WITHIN, connection.rollback)
    release.start()
    try:
        yield
    finally:
        release.cancel()
        release.join()
        connection.rollback()
        connection.close()


@pytest.mark.config(FORM_MIN_FILL_SECONDS=0)
def test_registering_while_the_seat_lock_is_stuck_answers_try_again_within_5_seconds(client):
    organisation = OrganisationFactory()
    training = TrainingSessionFactory(capacity=10)
    with stuck_lock("SELECT id FROM training_sessions WHERE id = :id FOR UPDATE", id=training.id):
        started = time.monotonic()
        response = client.post(f"/sessions/{training.id}/register", data={
            "name": "Layla Hassan", "sex": "female", "organisation": str(organisation.id),
            "email": "layla@example.org", "consent": "y",
        })
        elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert BUSY in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0  # nothing half-saved
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_issuing_certificates_while_the_serial_lock_is_stuck_answers_try_again_within_5_seconds(login, people):
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3)
    year = training.end_date.year
    db.session.add(CertificateCounter(year=year, last_sequence=0))
    db.session.commit()
    with stuck_lock("SELECT year FROM certificate_counters WHERE year = :year FOR UPDATE", year=year):
        started = time.monotonic()
        officer = login(people.officer)
        response = officer.post(f"/officer/trainings/{training.id}/certificates/issue", data={"scope": "all"})
        elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN
    # a bulk job (run in the request without Redis): its page gives the reason; a worker would try again later
    assert response.status_code == 302 and response.location.startswith("/jobs/")
    page = officer.get(response.location).get_data(as_text=True)
    assert "The job failed." in page and BUSY in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_the_bounds_hold_only_around_the_lock(app):
    """The rest of the transaction (a long report, say) keeps the connection's own limits."""
    with bounded_lock_wait():
        assert db.session.execute(text("SHOW lock_timeout")).scalar() == "3s"
        assert db.session.execute(text("SHOW statement_timeout")).scalar() == "5s"
    assert db.session.execute(text("SHOW lock_timeout")).scalar() == "0"
    assert db.session.execute(text("SHOW statement_timeout")).scalar() == "0"
    db.session.rollback()
