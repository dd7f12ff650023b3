"""E-mail to participants: their language, text and HTML, sent after the commit, kept and retried when SMTP fails."""
import re
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.catalogue import services as catalogue
from training_mgr.core.db import as_utc, utcnow
from training_mgr.extensions import db
from training_mgr.mail import services as mail
from training_mgr.mail.models import OutboundEmail
from training_mgr.participants.inputs import PersonalDetails
from training_mgr.registrations import notifications
from training_mgr.registrations import services as registrations
from training_mgr.registrations.models import Registration


def use_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def details(organisation, name="Layla Hassan", name_ar="ليلى حسن"):
    return PersonalDetails(name=name, name_ar=name_ar, sex="female", organisation_id=organisation.id,
                           organisation_other=None, position=None, phone=None)


def parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_registration_mail_is_sent_over_smtp_in_text_and_html(app, smtp_server):
    use_smtp(app, smtp_server)
    training = TrainingSessionFactory(title="Human Rights at Borders", city="Baghdad")
    catalogue.register_online(training, details(OrganisationFactory()), "layla@example.org", "en")

    by_subject = {m["Subject"]: m for m in smtp_server.messages}
    confirmed = by_subject["Your place is confirmed: Human Rights at Borders"]
    assert confirmed["To"] == "layla@example.org" and confirmed["From"] == "trainings@example.org"
    text, html = parts(confirmed)
    assert "Dear Layla Hassan," in text and "Human Rights at Borders" in text and "Baghdad" in text
    assert f"/sessions/{training.id}" in text and "/account" in text
    assert '<html lang="en" dir="ltr">' in html and "Human Rights at Borders" in html
    assert "Set your password" in by_subject
    assert all(m.status == "sent" and m.sent_at is not None for m in db.session.scalars(select(OutboundEmail)))


def test_mail_is_in_the_participants_language(app, smtp_server):
    use_smtp(app, smtp_server)
    training = TrainingSessionFactory(title="Human Rights at Borders", title_ar="حقوق الإنسان على الحدود")
    catalogue.register_online(training, details(OrganisationFactory()), "layla@example.org", "ar")

    confirmed = next(m for m in smtp_server.messages if "حقوق الإنسان على الحدود" in m["Subject"])
    text, html = parts(confirmed)
    assert confirmed["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in html
    assert "ليلى حسن" in text  # greeted by the Arabic name
    assert "Human Rights at Borders" not in text


def test_each_status_change_has_its_own_message(app, smtp_server):
    use_smtp(app, smtp_server)
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(capacity=1, title="Course X", officers=[officer])
    first = RegistrationFactory(training=training, status="confirmed")
    waiting = registrations.register(training, ParticipantFactory(), source="officer", by_user=officer)
    assert waiting.status == "waitlisted"
    registrations.change_status(first, "withdrawn", by_user=officer, reason="Sick leave")
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects == [
        "You are on the waiting list: Course X",
        "Your registration is withdrawn: Course X",
        "A place is free for you: Course X",
    ]
    assert "Sick leave" in parts(smtp_server.messages[1])[0]

    registrations.change_status(db.session.get(Registration, waiting.id), "rejected", by_user=officer, reason="Not eligible")
    assert smtp_server.messages[-1]["Subject"] == "Your registration was not accepted: Course X"


def test_pending_registration_says_it_was_received(app, smtp_server):
    use_smtp(app, smtp_server)
    training = TrainingSessionFactory(confirmation_mode="approval", title="Course Y")
    catalogue.register_online(training, details(OrganisationFactory()), "layla@example.org", "en")
    assert "Registration received: Course Y" in [m["Subject"] for m in smtp_server.messages]


def test_cancelling_a_training_tells_everyone_still_registered(app, smtp_server):
    use_smtp(app, smtp_server)
    training = TrainingSessionFactory(title="Course Z")
    for status in ("confirmed", "waitlisted", "pending", "withdrawn", "rejected"):
        RegistrationFactory(training=training, status=status, participant=ParticipantFactory(email=f"{status}@example.org"))
    training.status, training.cancel_reason = "cancelled", "The venue is closed."
    assert notifications.training_cancelled(training) == 3
    cancelled = [m for m in smtp_server.messages if m["Subject"] == "Training cancelled: Course Z"]
    assert sorted(m["To"] for m in cancelled) == ["confirmed@example.org", "pending@example.org", "waitlisted@example.org"]
    assert "The venue is closed." in parts(cancelled[0])[0]


def test_nothing_is_sent_for_a_change_that_was_rolled_back(app, smtp_server):
    use_smtp(app, smtp_server)
    registration = RegistrationFactory()
    notifications.registration_changed(registration, "confirmed")
    db.session.rollback()
    db.session.commit()  # a later, unrelated commit does not send it either
    assert smtp_server.messages == []
    assert db.session.scalar(select(OutboundEmail)) is None


def test_a_refused_registration_sends_nothing(app, smtp_server):
    use_smtp(app, smtp_server)
    training = TrainingSessionFactory()
    layla = catalogue.register_online(training, details(OrganisationFactory()), "layla@example.org", "en").registration.participant
    sent = len(smtp_server.messages)
    with pytest.raises(catalogue.AlreadyRegistered):
        catalogue.register_online(training, details(OrganisationFactory()), "layla@example.org", "en", by_user=layla.user)
    assert len(smtp_server.messages) == sent


def test_unreachable_smtp_keeps_the_registration_and_retries_later(app, runner, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())
    training = TrainingSessionFactory(title="Course R")
    outcome = catalogue.register_online(training, details(OrganisationFactory()), "layla@example.org", "en")

    assert db.session.get(Registration, outcome.registration.id).status == "confirmed"
    first, second = db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)).all()
    assert first.status == "pending" and first.attempts == 1 and "ConnectionRefusedError" in first.last_error
    assert as_utc(first.next_attempt_at) > utcnow() + timedelta(minutes=4)
    # the server is down: the second is not tried now (the person is not kept waiting), but later
    assert second.status == "pending" and second.attempts == 0

    assert runner.invoke(args=["mail", "send-pending"]).output.strip() == "Sent 0, failed 1."  # only the due one
    db.session.expire_all()
    assert (first.attempts, second.attempts) == (1, 1)
    use_smtp(app, smtp_server)
    result = runner.invoke(args=["mail", "send-pending", "--all"])
    assert result.output.strip() == "Sent 2, failed 0."
    assert {m["Subject"] for m in smtp_server.messages} == {"Your place is confirmed: Course R", "Set your password"}
    db.session.expire_all()
    assert [m.status for m in db.session.scalars(select(OutboundEmail))] == ["sent", "sent"]


def test_due_messages_are_retried_with_growing_delays_then_given_up(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_MAX_ATTEMPTS=3)
    registration = RegistrationFactory()
    notifications.registration_changed(registration, "confirmed")
    db.session.commit()
    message = db.session.scalar(select(OutboundEmail))
    delays = []
    for _ in range(2):
        db.session.refresh(message)
        delays.append(message.next_attempt_at)
        message.next_attempt_at = message.next_attempt_at - timedelta(days=1)  # let it come due
        db.session.commit()
        assert mail.send_pending() == (0, 1)
    db.session.refresh(message)
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 3, None)
    assert [mail.retry_delay(n) for n in (1, 2, 3, 10)] == [
        timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45), timedelta(hours=12)]


def test_a_message_being_sent_is_not_sent_twice(app, smtp_server):
    use_smtp(app, smtp_server)
    registration = RegistrationFactory()
    notifications.registration_changed(registration, "confirmed")
    db.session.commit()
    message_id = db.session.scalar(select(OutboundEmail.id))
    # delivered once after the commit; delivering again (a cron run at the same moment) does nothing
    assert mail.deliver([message_id], ignore_schedule=False) == (0, 0)
    assert len(smtp_server.messages) == 1


def test_without_a_mail_server_each_message_is_printed_on_the_console_with_its_links(app, capfd):
    registration = RegistrationFactory(participant=ParticipantFactory(email="logged@example.org"))
    notifications.registration_changed(registration, "confirmed")
    db.session.commit()
    printed = capfd.readouterr().err
    assert "E-mail to logged@example.org" in printed
    message = db.session.scalars(select(OutboundEmail)).one()
    assert f"Subject: {message.subject}" in printed
    links = re.findall(r"https?://\S+", message.body_text)
    assert links and all(link in printed for link in links)
    assert message.status == "sent"
