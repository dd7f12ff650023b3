"""Never overbook: many people press "Register" for the last seats at the same moment, against a real server.

The server runs in threads on 127.0.0.1 with its own database connections (an SQLite file or
PostgreSQL, as the suite is run), so the requests really race each other for the seat lock.
"""
import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations import seats
from training_mgr.registrations.models import Registration

CAPACITY = 10
ALREADY_CONFIRMED = CAPACITY - 3
SIMULTANEOUS = 20


@pytest.fixture
def live_app(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        db.engine.dispose()  # give back the connections the server's threads opened


def _post_registration(port, path, fields, barrier):
    body = urlencode(fields)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    barrier.wait()  # everyone presses the button at once
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def test_simultaneous_registrations_for_the_last_seats_never_overbook_and_lose_nobody(app, live_app):
    organisation = OrganisationFactory()
    training = TrainingSessionFactory(capacity=CAPACITY)
    for _ in range(ALREADY_CONFIRMED):
        RegistrationFactory(training=training, status="confirmed")
    path = f"/sessions/{training.id}/register"
    emails = [f"racer{n}@example.org" for n in range(SIMULTANEOUS)]
    # Half the racers are known people with accounts, registered by a visitor who is not logged in: their
    # seats are held for them to confirm, and a held seat counts as taken, so only the seat lock keeps two
    # of them (or a held one and a new one) from taking the same last seat.
    for email in emails[::2]:
        UserFactory(role="participant", email=email, participant=ParticipantFactory(email=email))
    barrier = threading.Barrier(SIMULTANEOUS)

    with ThreadPoolExecutor(max_workers=SIMULTANEOUS) as pool:
        futures = [
            pool.submit(_post_registration, live_app, path, {
                "name": f"Racer {chr(65 + n)}", "sex": "female" if n % 2 else "male", "organisation": str(organisation.id),
                "email": email, "consent": "y",
            }, barrier)
            for n, email in enumerate(emails)
        ]
        answers = [future.result() for future in futures]

    assert answers == [(302, f"/sessions/{training.id}")] * SIMULTANEOUS  # every request succeeded, no 500

    db.session.rollback()  # see what the server committed
    by_status = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.training_id == training.id).group_by(Registration.status)
    ).all())
    known = SIMULTANEOUS // 2
    assert by_status["pending"] == known  # held: nothing confirmed for them without their proof
    kept = db.session.scalar(select(func.count()).where(
        Registration.training_id == training.id, Registration.hold_keeps_seat.is_(True)))
    assert by_status["confirmed"] + kept == CAPACITY == seats.seats_taken(training.id)  # never overbooked
    assert by_status["confirmed"] + by_status["waitlisted"] + known == ALREADY_CONFIRMED + SIMULTANEOUS
    registered = set(db.session.scalars(
        select(Participant.email).join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training.id, Participant.email.in_(emails))
    ))
    assert registered == set(emails)  # none lost
