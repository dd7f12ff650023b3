"""Background jobs: in-process without Redis; on a real Redis with a real `flask worker` process when it is set."""
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests.conftest import free_port, make_test_config, stop_process_group as _stop
from tests.factories import OrganisationFactory, TrainingSessionFactory
from training_mgr import create_app
from training_mgr.core import jobs
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.mail.tasks import send_outbound_emails, send_pending_emails
from training_mgr.worker import beat_schedule

FLASK = str(Path(sys.executable).with_name("flask"))


def form_data(organisation, email="layla@example.org"):
    return {
        "name": "Layla Hassan", "name_ar": "ليلى حسن", "sex": "female", "organisation": str(organisation.id),
        "organisation_other": "", "position": "Border officer", "email": email, "phone": "", "consent": "y",
    }


def slow_down(smtp_server, seconds):
    """Make the SMTP test server take ``seconds`` to accept each message, as a slow relay does."""
    accept = smtp_server.handle_DATA

    async def handle_DATA(server, session, envelope):
        await asyncio.sleep(seconds)
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = handle_DATA


# --- without Redis: in-process --------------------------------------------------------------------

def test_without_redis_the_request_sends_its_mail_before_it_answers(app, client, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    assert jobs.is_eager(app)
    training = TrainingSessionFactory(title="Course E")

    client.post(f"/sessions/{training.id}/register", data=form_data(OrganisationFactory()))

    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Set your password", "Your place is confirmed: Course E"]
    assert set(db.session.scalars(select(OutboundEmail.status))) == {"sent"}


def test_a_job_that_meets_a_transient_error_is_tried_again(app, monkeypatch):
    from training_mgr.mail import services

    calls = []

    def deliver(ids):
        calls.append(ids)
        if len(calls) < 3:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database restarting"))
        return (1, 0)

    monkeypatch.setattr(services, "deliver", deliver)
    # Celery's "may this thread wait for a result" flag is one per process, and requests served on threads
    # elsewhere in this process (the concurrency tests) can leave it set; nothing here runs inside a job
    assert send_outbound_emails.delay([7]).get(disable_sync_subtasks=False) == (1, 0)
    assert calls == [[7], [7], [7]]


def test_a_job_that_fails_for_good_is_not_retried(app, monkeypatch):
    from training_mgr.mail import services

    calls = []
    monkeypatch.setattr(services, "deliver", lambda ids: calls.append(ids) or 1 / 0)
    result = send_outbound_emails.delay([7])
    with pytest.raises(ZeroDivisionError):
        result.get(disable_sync_subtasks=False)  # see the test above
    assert calls == [[7]]


def test_the_recurring_jobs_are_scheduled_from_the_configuration(app):
    schedule = beat_schedule({"MAIL_SEND_PENDING_EVERY_SECONDS": 60, "HOLD_RELEASE_EVERY_SECONDS": 300,
                              "RETENTION_EVERY_SECONDS": 0})
    assert {entry["task"]: entry["schedule"] for entry in schedule.values()} == {
        "training_mgr.mail.tasks.send_pending_emails": 60.0,
        "training_mgr.registrations.tasks.release_expired_holds": 300.0,
    }
    scheduled = {entry["task"] for entry in jobs.celery_app(app).conf.beat_schedule.values()}
    assert scheduled == {"training_mgr.mail.tasks.send_pending_emails", "training_mgr.erasure.tasks.apply_retention",
                         "training_mgr.registrations.tasks.release_expired_holds",
                         "training_mgr.bulk.tasks.resume_stalled_jobs",
                         "training_mgr.bulk.tasks.forget_old_job_files",
                         "training_mgr.nominations.tasks.send_deadline_reminders",
                         "training_mgr.questions.tasks.erase_expired_sensitive_answers",
                         "training_mgr.evaluation.tasks.send_follow_up_surveys",
                         "training_mgr.messages.tasks.send_due_messages"}
    assert scheduled <= set(jobs.celery_app(app).tasks)


def test_the_worker_command_explains_that_it_needs_redis(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1 and "TRAINING_MGR_REDIS_URL" in result.output


def test_with_redis_down_a_registration_still_answers_and_its_mail_goes_out_later(
        new_database_url, smtp_server, caplog):
    app = create_app(make_test_config(
        new_database_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port,
    ))
    with app.app_context():
        db.create_all()
        training = TrainingSessionFactory(title="Course D")
        started = time.monotonic()
        # buffered: the client closes the answer, as a server does once it is sent, and the e-mail is handed over then
        response = app.test_client().post(f"/sessions/{training.id}/register", data=form_data(OrganisationFactory()),
                                          buffered=True)
        answered_in = time.monotonic() - started

        assert response.status_code in (200, 302) and answered_in < 2
        assert "after a commit failed" in caplog.text
        assert smtp_server.messages == []
        assert [m.status for m in db.session.scalars(select(OutboundEmail))] == ["pending", "pending"]
        # the outbox kept them: the recurring job sends them once the queue is back
        assert send_pending_emails() == (2, 0)
        assert sorted(m["Subject"] for m in smtp_server.messages) == ["Set your password", "Your place is confirmed: Course D"]
        db.session.remove()
        db.engine.dispose()


# --- with Redis and a worker process --------------------------------------------------------------

@pytest.fixture
def queued_app(new_database_url, redis_url, smtp_server):
    """An app that queues its jobs on Redis, with its own database (a file or a PostgreSQL database that a
    worker process can open too), sending to the SMTP test server."""
    app = create_app(make_test_config(
        new_database_url, REDIS_URL=redis_url, MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port,
        MAIL_DEFAULT_SENDER="trainings@example.org",
    ))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def start_worker(queued_app, tmp_path):
    """``start_worker(**settings)``: `flask --app training_mgr worker` (with its scheduler) running against
    ``queued_app``'s database, Redis and mail server, with these extra settings; stopped after the test."""
    processes = []

    def start(**settings):
        config = queued_app.config
        env = {**os.environ, **{f"TRAINING_MGR_{key}": str(config[key]) for key in (
            "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER", "SECRET_KEY",
            "PUBLIC_BASE_URL")}, "TRAINING_MGR_JOB_SCHEDULE_FILE": str(tmp_path / "schedule")}
        env.update({f"TRAINING_MGR_{key}": str(value) for key, value in settings.items()})
        log = tmp_path / "worker.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [FLASK, "--app", "training_mgr", "worker", "--concurrency", "2"],
                env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )
        process.log = log
        processes.append(process)
        return process

    try:
        yield start
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture
def worker(start_worker):
    return start_worker()


def outbox() -> list[tuple[str, int]]:
    """(status, attempts) of every message in the outbox, as the worker has committed them."""
    db.session.rollback()  # see what the worker committed
    return [(m.status, m.attempts) for m in db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id))]


def wait_for(condition, process, timeout=60):  # a worker starting on a busy machine takes a while
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the worker stopped:\n{process.log.read_text()}"
        assert time.monotonic() < deadline, f"timed out; the worker said:\n{process.log.read_text()}"
        time.sleep(0.1)


def test_with_redis_the_worker_mails_the_confirmation_once_and_the_request_does_not_wait(queued_app, worker, smtp_server):
    slow_down(smtp_server, 4)  # a request that waited for even one message would take 4 s
    training = TrainingSessionFactory(title="Course W")
    client = queued_app.test_client()

    started = time.monotonic()
    response = client.post(f"/sessions/{training.id}/register", data=form_data(OrganisationFactory()))
    answered_in = time.monotonic() - started

    assert response.status_code in (200, 302)
    assert answered_in < 2.5, f"the request took {answered_in:.1f} s: it waited for the mail server"
    ids = db.session.scalars(select(OutboundEmail.id).order_by(OutboundEmail.id)).all()
    assert len(ids) == 2
    # the same job again, as after a worker was lost mid-job: the claim keeps each message to one sending
    duplicate = send_outbound_emails.apply_async((ids,), ignore_result=False)

    # the worker records a message as sent just after the mail server has it: wait for both
    wait_for(lambda: duplicate.ready() and outbox() == [("sent", 1), ("sent", 1)], worker)
    time.sleep(0.5)  # anything sent twice would have arrived by now
    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Set your password", "Your place is confirmed: Course W"]
    assert all(m["To"] == "layla@example.org" for m in smtp_server.messages)
    assert outbox() == [("sent", 1), ("sent", 1)]


def test_the_scheduler_in_the_worker_retries_what_is_due_in_the_outbox(queued_app, start_worker, smtp_server):
    # a message left pending (its first attempt failed, say): only the recurring job sends it
    db.session.add(OutboundEmail(recipient="later@example.org", kind="registration.confirmed", subject="Retried",
                                 body_text="Hello", locale="en"))
    db.session.commit()
    worker = start_worker(MAIL_SEND_PENDING_EVERY_SECONDS=1)

    wait_for(lambda: outbox() == [("sent", 1)], worker)  # recorded as sent just after the mail server has it
    assert [(m["To"], m["Subject"]) for m in smtp_server.messages] == [("later@example.org", "Retried")]
