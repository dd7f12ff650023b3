"""Follow-up survey e-mails: sent N months after the training through the outbox, with one reminder a week later."""
from datetime import date, datetime, timedelta, timezone

from tests.factories import CompletedTrainingFactory, ParticipantFactory, RegistrationFactory, UserFactory
from training_mgr.evaluation import instruments
from training_mgr.evaluation.followup import send_follow_up_surveys
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail


def use_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")


def test_follow_up_invitations_go_out_after_the_months_set_and_a_reminder_a_week_later(app, smtp_server, client):
    use_smtp(app, smtp_server)
    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(officers=[officer])  # 15–17 February 2022
    people = [RegistrationFactory(training=training, participant=ParticipantFactory(locale=locale)).participant
              for locale in ("en", "ar", "en")]
    RegistrationFactory(training=training, status="withdrawn")  # never written to
    instruments.set_up_instrument(training, "follow_up", follow_up_months=2, by_user=officer)

    early = datetime(2022, 4, 16, 8, tzinfo=timezone.utc)
    assert send_follow_up_surveys(now=early) == (0, 0)
    due = datetime(2022, 4, 17, 8, tzinfo=timezone.utc)
    assert send_follow_up_surveys(now=due) == (3, 0)
    assert send_follow_up_surveys(now=due + timedelta(hours=1)) == (0, 0)  # run twice: nothing sent twice
    assert {m["To"] for m in smtp_server.messages} == {p.email for p in people}
    arabic = next(m for m in smtp_server.messages if m["To"] == people[1].email)
    assert "/sessions/%d/evaluation/follow-up?t=" % training.id in arabic.get_body(("plain",)).get_content()

    # the first person answers through the link in the e-mail
    follow_up = instruments.instrument_of(training, "follow_up")
    link = next(m for m in smtp_server.messages if m["To"] == people[0].email).get_body(("plain",)).get_content()
    path = link[link.index("/sessions/"):].split()[0]
    answers = {f"q{q.id}": "4" if q.kind == "likert" else "Used it at Trebil" for q in follow_up.questions}
    follow_up.opens_at = due  # (the test's clock is in 2022; the page checks against now)
    follow_up.closes_at = datetime.now(timezone.utc) + timedelta(days=1)
    db.session.commit()
    assert client.post(path, data={"t": path.split("t=")[1], **answers}).status_code == 200

    assert send_follow_up_surveys(now=due + timedelta(days=6)) == (0, 0)
    assert send_follow_up_surveys(now=due + timedelta(days=7)) == (0, 2)
    assert send_follow_up_surveys(now=due + timedelta(days=14)) == (0, 0)  # one reminder only
    reminders = db.session.query(OutboundEmail).filter_by(kind="evaluation.follow_up_reminder").all()
    assert {m.recipient for m in reminders} == {people[1].email, people[2].email}
    assert len(smtp_server.messages) == 5


def test_a_training_without_a_follow_up_survey_sends_nothing(app):
    CompletedTrainingFactory()
    assert send_follow_up_surveys(now=datetime(2023, 1, 1, tzinfo=timezone.utc)) == (0, 0)
    assert db.session.query(OutboundEmail).count() == 0


def test_the_due_day_is_counted_in_calendar_months(app):
    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(start_date=date(2022, 11, 28), officers=[officer])  # ends 30 November
    follow_up = instruments.set_up_instrument(training, "follow_up", follow_up_months=3, by_user=officer)
    assert instruments.follow_up_due_on(training, follow_up) == date(2023, 2, 28)
