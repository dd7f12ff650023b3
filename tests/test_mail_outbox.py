"""The outbox under trouble: a message refused for good is failed at once with its reason and never holds up
the others; passing trouble is retried a bounded number of times; two senders never send one message twice;
admins see what failed and retry or discard it."""
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.core.db import as_utc, utcnow
from training_mgr.extensions import db
from training_mgr.mail import admin, services as mail
from training_mgr.mail.models import OutboundEmail
from training_mgr.registrations import notifications

REFUSED = "550 5.1.1 <gone@example.org>: no such user here"


def use_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")


def outbox(*recipients, **fields):
    """Messages already in the outbox (as a failed delivery after their commit leaves them), oldest first."""
    messages = [OutboundEmail(recipient=r, kind="registration.confirmed", subject=f"Your place is confirmed: {r}",
                              body_text="Dear participant,", locale="en", next_attempt_at=utcnow(), **fields)
                for r in recipients]
    db.session.add_all(messages)
    db.session.commit()
    return messages


def delivered_to(smtp_server):
    return [m["To"] for m in smtp_server.messages]


def reload(message):
    db.session.expire_all()
    return db.session.get(OutboundEmail, message.id)


# --- one bad message never blocks the others ------------------------------------------------------

def test_a_refused_recipient_is_failed_at_once_and_the_messages_behind_it_go_out(app, runner, smtp_server, login):
    use_smtp(app, smtp_server)
    smtp_server.refuse["gone@example.org"] = REFUSED
    gone, first, second = outbox("gone@example.org", "first@example.org", "second@example.org")

    assert runner.invoke(args=["mail", "send-pending"]).output.strip() == "Sent 2, failed 1."
    assert delivered_to(smtp_server) == ["first@example.org", "second@example.org"]
    gone = reload(gone)
    assert (gone.status, gone.attempts, gone.next_attempt_at) == ("failed", 1, None)
    assert gone.last_error == "SMTPRecipientsRefused: " + REFUSED  # the server's own words
    # given up for good: later runs, even of everything, leave it alone
    assert runner.invoke(args=["mail", "send-pending", "--all"]).output.strip() == "Sent 0, failed 0."
    assert reload(gone).attempts == 1

    page = login(UserFactory(role="admin")).get("/admin/mail")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "gone@example.org" in text and "Your place is confirmed: gone@example.org" in text
    assert REFUSED.replace("<", "&lt;").replace(">", "&gt;") in text
    assert "first@example.org" not in text  # sent: nothing to look at


def test_everyone_still_hears_of_a_cancellation_when_one_address_is_refused(app, smtp_server):
    use_smtp(app, smtp_server)
    smtp_server.refuse["gone@example.org"] = REFUSED
    training = TrainingSessionFactory(title="Course Z")
    for email in ("gone@example.org", "first@example.org", "second@example.org"):  # the refused one comes first
        RegistrationFactory(training=training, participant=ParticipantFactory(email=email))
    training.status, training.cancel_reason = "cancelled", "The venue is closed."
    assert notifications.training_cancelled(training) == 3  # sent right after this commit

    assert sorted(delivered_to(smtp_server)) == ["first@example.org", "second@example.org"]
    statuses = {m.recipient: m.status for m in db.session.scalars(select(OutboundEmail))}
    assert statuses == {"gone@example.org": "failed", "first@example.org": "sent", "second@example.org": "sent"}


def test_a_temporary_refusal_is_retried_later_then_given_up_with_its_reason(app, smtp_server):
    use_smtp(app, smtp_server)
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_server.refuse["busy@example.org"] = "451 4.3.0 Mailbox busy, try again later"
    busy, other = outbox("busy@example.org", "other@example.org")

    assert mail.send_pending() == (1, 1)
    busy = reload(busy)
    assert (busy.status, busy.attempts) == ("pending", 1) and "451" in busy.last_error
    assert as_utc(busy.next_attempt_at) > utcnow() + timedelta(minutes=4)
    assert mail.send_pending() == (0, 0)  # not due yet

    busy.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert mail.send_pending() == (0, 1)
    busy = reload(busy)
    assert (busy.status, busy.attempts, busy.next_attempt_at) == ("failed", 2, None)
    assert "Mailbox busy" in busy.last_error
    assert delivered_to(smtp_server) == ["other@example.org"]


def test_an_invalid_address_fails_at_once_and_reaches_nobody(app, smtp_server):
    use_smtp(app, smtp_server)
    no_at, two, good = outbox("not-an-address", "two@example.org, three@example.org", "good@example.org")

    assert mail.send_pending() == (1, 2)
    assert delivered_to(smtp_server) == ["good@example.org"]
    for message in (no_at, two):
        message = reload(message)
        assert (message.status, message.attempts) == ("failed", 1)
        assert message.last_error.startswith("UndeliverableAddress")


def test_a_message_that_breaks_the_sender_never_stops_the_run(app, smtp_server, monkeypatch):
    """Whatever a message makes go wrong — a header that cannot be encoded, an error nobody foresaw — the
    messages behind it are still sent in the same run; the first kind is failed at once, the second retried."""
    use_smtp(app, smtp_server)
    real_send = mail._smtp_send

    def send(config, message):
        if message.recipient == "encoding@example.org":
            raise UnicodeEncodeError("ascii", "ي", 0, 1, "ordinal not in range(128)")
        if message.recipient == "unforeseen@example.org":
            raise RuntimeError("something nobody foresaw")
        real_send(config, message)

    monkeypatch.setattr(mail, "_smtp_send", send)
    encoding, unforeseen, good = outbox("encoding@example.org", "unforeseen@example.org", "good@example.org")

    assert mail.send_pending() == (1, 2)
    assert delivered_to(smtp_server) == ["good@example.org"]
    encoding, unforeseen = reload(encoding), reload(unforeseen)
    assert (encoding.status, encoding.next_attempt_at) == ("failed", None) and "UnicodeEncodeError" in encoding.last_error
    assert unforeseen.status == "pending" and "something nobody foresaw" in unforeseen.last_error
    assert as_utc(unforeseen.next_attempt_at) > utcnow()


def test_a_long_error_is_kept_shortened(app, smtp_server):
    use_smtp(app, smtp_server)
    smtp_server.refuse["gone@example.org"] = "550 " + "x" * 900
    [gone] = outbox("gone@example.org")
    mail.send_pending()
    assert reload(gone).status == "failed" and len(reload(gone).last_error) <= 2000


# --- never sent twice -------------------------------------------------------------------------

def test_a_message_another_sender_is_sending_is_left_to_it_even_by_send_all(app, runner, smtp_server):
    use_smtp(app, smtp_server)
    [message] = outbox("layla@example.org", claimed_until=utcnow() + timedelta(minutes=5), attempts=1)
    assert runner.invoke(args=["mail", "send-pending", "--all"]).output.strip() == "Sent 0, failed 0."
    assert smtp_server.messages == []
    # a sender that died while sending lets go when its claim runs out: the message is sent again then
    message = reload(message)
    message.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert runner.invoke(args=["mail", "send-pending", "--all"]).output.strip() == "Sent 1, failed 0."
    assert delivered_to(smtp_server) == ["layla@example.org"]


def test_two_runs_at_the_same_moment_send_each_message_once(app, smtp_server, monkeypatch):
    use_smtp(app, smtp_server)
    real_send = mail._smtp_send
    monkeypatch.setattr(mail, "_smtp_send", lambda config, message: time.sleep(0.1) or real_send(config, message))
    recipients = [f"p{i}@example.org" for i in range(6)]
    outbox(*recipients)
    results, start = [], threading.Barrier(2)

    def run():
        with app.app_context():
            start.wait()
            results.append(mail.send_pending(include_future=True))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(delivered_to(smtp_server)) == recipients  # each once
    assert sum(sent for sent, _failed in results) == 6
    assert {m.status for m in db.session.scalars(select(OutboundEmail))} == {"sent"}


# --- the admins' page -------------------------------------------------------------------------

def test_admins_list_failed_and_retrying_messages_and_search_them(app, login, monkeypatch):
    outbox("sent@example.org", status="sent", attempts=1)
    outbox("fresh@example.org")  # not tried yet: nothing wrong with it
    outbox("gone@example.org", status="failed", attempts=1, last_error="SMTPRecipientsRefused: 550 no such user")
    outbox("busy@example.org", attempts=2, last_error="SMTPRecipientsRefused: 451 try later")
    client = login(UserFactory(role="admin"))

    text = client.get("/admin/mail").get_data(as_text=True)
    assert "gone@example.org" in text and "busy@example.org" in text
    assert "sent@example.org" not in text and "fresh@example.org" not in text
    assert "550 no such user" in text and "451 try later" in text

    found = client.get("/admin/mail?q=GONE").get_data(as_text=True)
    assert "gone@example.org" in found and "busy@example.org" not in found
    failed_only = client.get("/admin/mail?state=failed").get_data(as_text=True)
    assert "gone@example.org" in failed_only and "busy@example.org" not in failed_only

    monkeypatch.setattr(admin, "PER_PAGE", 1)
    first, second = (client.get(f"/admin/mail?page={n}").get_data(as_text=True) for n in (1, 2))
    assert ("gone@example.org" in first) != ("gone@example.org" in second)
    assert ("busy@example.org" in first) != ("busy@example.org" in second)


def test_an_admin_retries_a_failed_message_and_it_goes_out(app, login, smtp_server):
    use_smtp(app, smtp_server)
    admin_user = UserFactory(role="admin")
    [message] = outbox("back@example.org", status="failed", attempts=8, last_error="SMTPRecipientsRefused: 550 no such user")

    response = login(admin_user).post(f"/admin/mail/{message.id}/retry?q=back", follow_redirects=True)
    assert response.request.path == "/admin/mail" and response.request.args["q"] == "back"
    assert "The message to back@example.org was sent." in response.get_data(as_text=True)
    assert delivered_to(smtp_server) == ["back@example.org"]
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry"))
    assert entry.user_id == admin_user.id and entry.object_id == message.id and "back@example.org" in entry.summary


def test_a_retry_that_fails_again_says_why(app, login, smtp_server):
    use_smtp(app, smtp_server)
    smtp_server.refuse["gone@example.org"] = REFUSED
    [message] = outbox("gone@example.org", status="failed", attempts=1, last_error="SMTPRecipientsRefused: 550")
    response = login(UserFactory(role="admin")).post(f"/admin/mail/{message.id}/retry", follow_redirects=True)
    assert "The message to gone@example.org failed again" in response.get_data(as_text=True)
    assert "no such user here" in response.get_data(as_text=True)
    assert reload(message).status == "failed"


def test_an_admin_discards_a_message_after_confirming(app, login):
    admin_user = UserFactory(role="admin")
    [message] = outbox("gone@example.org", status="failed", attempts=1, last_error="SMTPRecipientsRefused: 550 no such user")
    client = login(admin_user)

    page = client.get(f"/admin/mail/{message.id}/discard")
    assert page.status_code == 200
    assert "Discard this message?" in page.get_data(as_text=True) and "gone@example.org" in page.get_data(as_text=True)
    assert db.session.get(OutboundEmail, message.id) is not None  # asking changes nothing

    response = client.post(f"/admin/mail/{message.id}/discard", follow_redirects=True)
    assert "The message to gone@example.org was discarded." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboundEmail, message.id) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.discard"))
    assert entry.user_id == admin_user.id and entry.changes["recipient"] == "gone@example.org"
    assert "550 no such user" in entry.changes["last_error"]
    assert client.get(f"/admin/mail/{message.id}/discard").status_code == 404


def test_a_sent_message_cannot_be_retried_or_discarded(app, login, smtp_server):
    use_smtp(app, smtp_server)
    [message] = outbox("done@example.org", status="sent", attempts=1)
    client = login(UserFactory(role="admin"))
    response = client.post(f"/admin/mail/{message.id}/retry", follow_redirects=True)
    assert "was sent meanwhile" in response.get_data(as_text=True)
    client.post(f"/admin/mail/{message.id}/discard")
    assert reload(message).status == "sent" and smtp_server.messages == []


def test_only_admins_open_the_outbox(app, login):
    for role in ("officer", "manager", "participant"):
        assert login(UserFactory(role=role)).get("/admin/mail").status_code == 403
