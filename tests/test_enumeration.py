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


# --- no answer waits for the mail server ----------------------------------------------------------------------
# A form that mails only a known address would answer later for it, by the time the mail server takes. The answer
# is sent first, and the e-mail handed over after it (``core.jobs.after_response``): these tests keep the response
# open (``buffered=False``), look at what happened before it was sent, then close it as the server does.

def use_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")


def attempted_mail() -> int:
    """How many messages of the outbox a sender has tried to send so far."""
    from training_mgr.mail.models import OutboundEmail

    return db.session.scalar(db.select(db.func.count()).where(OutboundEmail.attempts > 0))


@pytest.mark.config(RATELIMIT_ENABLED=True)  # as in production: its counters are part of the work
def test_a_password_reset_for_a_known_address_does_the_same_work_before_answering_as_for_an_unknown_one(
        app, client, smtp_server, count_queries):
    use_smtp(app, smtp_server)
    UserFactory(email="known@example.org", role="officer")
    statements = {}
    for email in ("nobody@example.org", "known@example.org"):
        with count_queries() as made:
            response = client.post("/password/forgot", data={"email": email}, buffered=False)
        assert response.status_code == 302
        statements[email] = made
        assert smtp_server.messages == [] and attempted_mail() == 0  # nothing looked up, made or sent yet
        response.close()  # the answer has gone: now the link is made and mailed, to the known address only
    assert statements["known@example.org"] == statements["nobody@example.org"]
    assert [m["To"] for m in smtp_server.messages] == ["known@example.org"]
    assert "/password/reset/" in smtp_server.messages[0].get_body(("plain",)).get_content()


def test_registering_a_known_or_a_new_address_answers_before_any_mail_is_sent(app, client, smtp_server):
    use_smtp(app, smtp_server)
    organisation = OrganisationFactory()
    training = TrainingSessionFactory(capacity=10)
    ParticipantFactory(email="known@example.org", organisation=organisation)
    UserFactory(email="staff@example.org", role="officer")
    data = {"name": "Layla Hassan", "sex": "female", "organisation": str(organisation.id), "position": "Officer",
            "consent": "y"}
    # a known participant (a link to confirm a held seat), the same again (a new link: the resend), a staff account
    # (told to log in) and a new address (a confirmation and a link to choose a password)
    for email in ("known@example.org", "known@example.org", "staff@example.org", "new@example.org"):
        tried = attempted_mail()
        response = client.post(f"/sessions/{training.id}/register", data={**data, "email": email}, buffered=False)
        assert response.status_code == 302
        assert smtp_server.messages == [] and attempted_mail() == tried
        response.close()
        assert smtp_server.messages and all(m["To"] == email for m in smtp_server.messages)
        smtp_server.messages.clear()


def test_a_nomination_of_a_known_official_answers_before_the_nominee_is_mailed(app, smtp_server):
    from datetime import date, timedelta

    from training_mgr.nominations import services as nominations
    from training_mgr.nominations.inputs import InvitationDetails

    use_smtp(app, smtp_server)
    organisation = OrganisationFactory()
    training = TrainingSessionFactory(confirmation_mode="approval", capacity=20, start_date=date.today() + timedelta(days=40))
    ParticipantFactory(email="known@example.org", organisation=organisation)
    _invitation, token = nominations.invite(training, InvitationDetails(
        organisation_id=organisation.id, focal_point_name="Colonel Salim Hadi", focal_point_email="focal@example.org",
        seats=3, deadline=date.today() + timedelta(days=10), locale="en"), by_user=None)
    smtp_server.messages.clear()
    focal_point = app.test_client()
    for email in ("known@example.org", "new@example.org"):
        tried = attempted_mail()
        response = focal_point.post(f"/nominations/{token}", data={"name": "Ahmed Kadhim", "sex": "male", "email": email},
                                    buffered=False)
        assert response.status_code == 302
        assert smtp_server.messages == [] and attempted_mail() == tried
        response.close()
        assert [m["To"] for m in smtp_server.messages] == [email]
        smtp_server.messages.clear()


def test_the_mail_goes_out_once_the_answer_is_sent_even_if_the_server_never_closes_it(app, smtp_server):
    """Werkzeug's development server skips closing an answer when the browser has already reset the connection
    (as Chromium does after a redirect): the e-mail goes out once the answer's last byte has gone all the same."""
    from werkzeug.test import EnvironBuilder

    use_smtp(app, smtp_server)
    UserFactory(email="known@example.org", role="officer")
    environ = EnvironBuilder(path="/password/forgot", method="POST", data={"email": "known@example.org"}).get_environ()
    statuses = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses == ["302 FOUND"] and smtp_server.messages == []
    assert b"".join(body)  # the server sends every byte, and never calls body.close()
    assert [m["To"] for m in smtp_server.messages] == ["known@example.org"]
