"""Bulk jobs (certificates, reports, imports): a request that starts one answers with the job's page; its progress,
file and failure reason are in the database, so another app server shows them; a job run again after its worker
was killed does its work once; only those who may do the work see the job."""
import io
import os
import re
import signal
import zipfile
from datetime import timedelta

import pytest
from flask_login import FlaskLoginClient
from pypdf import PdfReader
from sqlalchemy import func, select, update

from tests.conftest import make_test_config
from tests.factories import CompletedTrainingFactory, OrganisationFactory, UserFactory, attended
from tests.test_jobs import queued_app, start_worker, wait_for  # noqa: F401  (fixtures: Redis, a worker process)
from training_mgr import create_app
from training_mgr.bulk import services as bulk
from training_mgr.bulk.tasks import resume_stalled_jobs
from training_mgr.bulk.models import BulkJob
from training_mgr.certificates import codes, services as certificate_services, tasks as certificate_tasks
from training_mgr.certificates.models import Certificate
from training_mgr.core import jobs
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.registrations import tasks as registration_tasks
from training_mgr.registrations.models import Registration


class WorkerKilled(BaseException):
    """Stands for a SIGKILL: nothing in the job catches it, and the job is left as the kill found it."""


@pytest.fixture
def training(people):
    return CompletedTrainingFactory(officers=[people.officer])


@pytest.fixture
def other_server(app):
    """A second app on the same database, as another app server: its own engine, sessions and requests."""
    second = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    second.test_client_class = FlaskLoginClient
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def eligible(training, count):
    return [attended(training, ["present"] * 3) for _ in range(count)]


def issue_url(training):
    return f"/officer/trainings/{training.id}/certificates/issue"


def job_of(response) -> BulkJob:
    assert response.status_code == 302, response.status_code
    job_id = int(re.fullmatch(r"/jobs/(\d+)", response.location).group(1))
    db.session.rollback()
    return db.session.get(BulkJob, job_id)


# --- progress, seen from anywhere -----------------------------------------------------------------------------

@pytest.mark.config(CERTIFICATE_PART_SIZE=2)
def test_a_bulk_issue_shows_its_progress_on_another_app_server_as_it_goes(training, people, login, other_server,
                                                                        monkeypatch):
    eligible(training, 5)
    watcher = other_server.test_client(user=people.officer)
    seen = []
    issue_part = certificate_tasks._issue_part

    def issue_and_look_from_the_other_server(record, number):
        issue_part(record, number)
        seen.append(watcher.get(f"/jobs/{record.id}.json").json)

    monkeypatch.setattr(certificate_tasks, "_issue_part", issue_and_look_from_the_other_server)
    record = job_of(login(people.officer).post(issue_url(training), data={"scope": "all"}))

    assert [(s["status"], s["done"], s["total"], s["progress"]) for s in seen] == [
        ("running", 2, 5, "2 of 5 certificates"), ("running", 4, 5, "4 of 5 certificates"),
        ("running", 5, 5, "5 of 5 certificates"),
    ]
    assert watcher.get(f"/jobs/{record.id}.json").json == {
        "id": record.id, "kind": "certificates.issue", "status": "done", "done": 5, "total": 5, "error": None,
        "download_url": None, "progress": "5 of 5 certificates", "note": None,
    }
    page = watcher.get(f"/jobs/{record.id}").text
    assert "5 of 5 certificates" in page and "5 certificates issued." in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing left to watch
    # the certificates page, on any server, leads back to it
    listed = watcher.get(f"/officer/trainings/{training.id}/certificates").text
    assert f'<a href="/jobs/{record.id}">Issuing certificates: done, 5 of 5 certificates</a>' in listed
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 5


def test_a_job_page_refreshes_itself_while_the_job_is_unfinished(training, people, login, monkeypatch):
    monkeypatch.setattr(bulk, "queue", lambda record: None)  # no worker has taken it yet
    eligible(training, 3)
    record = job_of(login(people.officer).post(issue_url(training), data={"scope": "all"}))
    page = login(people.officer).get(f"/jobs/{record.id}").text
    assert record.status == "queued" and "Waiting for its turn" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page  # without JavaScript
    assert f'data-status-url="/jobs/{record.id}.json"' in page and "js/job-progress.js" in page


# --- killed mid-job, run again ----------------------------------------------------------------------------------

@pytest.mark.config(CERTIFICATE_PART_SIZE=2)
def test_a_worker_killed_after_a_part_and_the_job_run_again_issue_each_certificate_once(training, people,
                                                                                       monkeypatch):
    registrations = eligible(training, 7)  # four parts: 2, 2, 2, 1
    issue_part = certificate_tasks._issue_part

    def killed_after_the_second_part(record, number):
        issue_part(record, number)
        if number == 1:  # the part is committed; its worker dies before anything else
            raise WorkerKilled()

    monkeypatch.setattr(certificate_tasks, "_issue_part", killed_after_the_second_part)
    with pytest.raises(WorkerKilled):
        bulk.start("certificates.issue", by_user=people.officer, training=training)
    db.session.rollback()
    record = db.session.scalar(select(BulkJob))
    assert (record.status, record.done, record.total) == ("running", 4, 7)

    # the queue hands the unacknowledged jobs to the next worker: the whole job, and the part it was running
    monkeypatch.setattr(certificate_tasks, "_issue_part", issue_part)
    certificate_tasks.issue_certificates(record.id)
    certificate_tasks.issue_certificate_part(record.id, 1)
    certificate_tasks.issue_certificate_part(record.id, 0)

    db.session.rollback()
    certificates = db.session.scalars(select(Certificate)).all()
    serials = [c.serial for c in certificates]
    assert len(serials) == 7 and len(set(serials)) == 7
    assert sorted(c.registration_id for c in certificates) == sorted(r.id for r in registrations)
    record = db.session.get(BulkJob, record.id)
    assert (record.status, record.done, record.total, record.attempts) == ("done", 7, 7, 2)


def test_a_job_run_again_after_its_worker_was_killed_counts_each_certificate_once(training, people, other_server,
                                                                                 monkeypatch):
    eligible(training, 3)
    certificate_services.issue_certificates(training, by_user=people.officer)
    monkeypatch.setattr(bulk, "PROGRESS_EVERY_SECONDS", 0)  # every step written, as a slow job's would be
    monkeypatch.setattr(bulk, "queue", lambda record: None)
    record_id = bulk.start("certificates.export", by_user=people.officer, training=training,
                           params={"format": "pdf"}).id
    watcher = other_server.test_client(user=people.officer)
    seen, merged_pdf = [], certificate_services.merged_pdf

    def watched(certificates, on_progress, killed_after=None):
        def advance(*args):
            on_progress(*args)
            seen.append(watcher.get(f"/jobs/{record_id}.json").json["progress"])
            if len(seen) == killed_after:
                raise WorkerKilled()
        return merged_pdf(certificates, on_progress=advance)

    monkeypatch.setattr(certificate_services, "merged_pdf", lambda c, on_progress: watched(c, on_progress, 2))
    with pytest.raises(WorkerKilled):
        certificate_tasks.export_certificates(record_id)
    monkeypatch.setattr(certificate_services, "merged_pdf", watched)
    certificate_tasks.export_certificates(record_id)  # the queue gives the job to the next worker: all of it again

    assert seen == ["1 of 3 certificates", "2 of 3 certificates",  # killed here; then run again from the first
                    "2 of 3 certificates", "2 of 3 certificates", "3 of 3 certificates"]
    db.session.rollback()
    record = db.session.get(BulkJob, record_id)
    assert (record.status, record.done, record.total, record.attempts) == ("done", 3, 3, 2)
    assert watcher.get(f"/jobs/{record_id}.json").json["progress"] == "3 of 3 certificates"


@pytest.mark.config(CERTIFICATE_PART_SIZE=2)
def test_a_part_run_twice_counts_its_certificates_once(training, people, monkeypatch):
    eligible(training, 3)  # two parts: 2, 1
    monkeypatch.setattr(bulk, "queue", lambda record: None)
    record = bulk.start("certificates.issue", by_user=people.officer, training=training)
    monkeypatch.setattr(bulk, "queue_parts", lambda record, task: None)
    certificate_tasks.issue_certificates(record.id)  # planned, parts not queued
    for number in (0, 0, 1, 1, 0):  # each part delivered again (a resumed job, a worker lost after its commit)
        certificate_tasks.issue_certificate_part(record.id, number)
    db.session.rollback()
    record = db.session.get(BulkJob, record.id)
    assert (record.status, record.done, record.total) == ("done", 3, 3)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3


@pytest.mark.config(CERTIFICATE_PART_SIZE=3)
def test_two_deliveries_of_one_part_at_once_issue_its_certificates_once(training, people, monkeypatch):
    eligible(training, 3)
    monkeypatch.setattr(bulk, "queue", lambda record: None)
    record = bulk.start("certificates.issue", by_user=people.officer, training=training)
    monkeypatch.setattr(bulk, "queue_parts", lambda record, task: None)
    certificate_tasks.issue_certificates(record.id)  # planned, parts not queued
    issue = certificate_services._issue

    def second_delivery_commits_first(training, registration_ids, **kwargs):
        monkeypatch.setattr(certificate_services, "_issue", issue)
        certificate_tasks.issue_certificate_part(record.id, 0)  # the other worker, while this one renders
        return issue(training, registration_ids, **kwargs)

    monkeypatch.setattr(certificate_services, "_issue", second_delivery_commits_first)
    certificate_tasks.issue_certificate_part(record.id, 0)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3
    record = db.session.get(BulkJob, record.id)
    assert (record.status, record.done) == ("done", 3)


# --- failures ---------------------------------------------------------------------------------------------------

def test_a_job_that_fails_for_good_shows_why_is_logged_and_the_next_job_runs(training, people, login, monkeypatch,
                                                                            caplog, other_server):
    eligible(training, 3)
    officer = login(people.officer)

    def renderer_crashes(*args, **kwargs):
        raise RuntimeError("the renderer crashed")

    monkeypatch.setattr(certificate_services, "render_certificates", renderer_crashes)
    record = job_of(officer.post(issue_url(training), data={"scope": "all"}))
    reason = f"An unexpected error stopped the job (RuntimeError). It was logged as job {record.id}."
    status = other_server.test_client(user=people.officer).get(f"/jobs/{record.id}.json").json
    assert (status["status"], status["error"], status["download_url"]) == ("failed", reason, None)
    page = officer.get(f"/jobs/{record.id}").text
    assert "The job failed." in page and reason in page
    assert "the renderer crashed" in caplog.text and f"bulk job {record.id} failed" in caplog.text
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0

    monkeypatch.undo()
    again = job_of(officer.post(issue_url(training), data={"scope": "all"}))
    assert (again.status, again.done) == ("done", 3)


def test_a_refusal_inside_a_job_is_its_reason(training, people, login):
    officer = login(people.officer)
    record = job_of(officer.post(f"/officer/trainings/{training.id}/certificates/export", data={"format": "pdf"}))
    assert record.status == "failed" and record.error == "No valid certificates to download yet."
    assert "No valid certificates to download yet." in officer.get(f"/jobs/{record.id}").text


def test_a_job_the_queue_lost_is_queued_again_and_one_that_keeps_stopping_is_given_up(training, people,
                                                                                     monkeypatch, app):
    eligible(training, 2)
    queue = bulk.queue
    monkeypatch.setattr(bulk, "queue", lambda record: None)  # Redis was down when it was started
    lost = bulk.start("certificates.issue", by_user=people.officer, training=training)
    stuck = bulk.start("certificates.export", by_user=people.officer, training=training, params={"format": "pdf"})
    stuck.status, stuck.attempts = "running", app.config["JOB_MAX_ATTEMPTS"]
    db.session.commit()
    monkeypatch.setattr(bulk, "queue", queue)

    assert bulk.resume_stalled() == 0  # too early: they may still be waiting for a worker
    later = utcnow() + timedelta(seconds=app.config["JOB_STALLED_AFTER_SECONDS"] + 1)
    assert bulk.resume_stalled(now=later) == 1
    db.session.rollback()
    assert (db.session.get(BulkJob, lost.id).status, db.session.get(BulkJob, lost.id).done) == ("done", 2)
    stuck = db.session.get(BulkJob, stuck.id)
    assert stuck.status == "failed" and "stopped 3 times without finishing" in stuck.error


def _redis_down(monkeypatch, task_name):
    """The queue refuses ``task_name`` as Redis does when it is down; ``monkeypatch.undo()`` brings it back."""
    from kombu.exceptions import OperationalError

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.task(task_name), "apply_async", refused)


def test_a_job_started_while_redis_was_down_runs_at_the_schedulers_next_run_once_redis_answers(
        training, people, login, app, monkeypatch):
    eligible(training, 2)
    _redis_down(monkeypatch, "training_mgr.certificates.tasks.issue_certificates")
    officer = login(people.officer)
    record = job_of(officer.post(issue_url(training), data={"scope": "all"}))
    assert record.status == "queued" and "Waiting for its turn" in officer.get(f"/jobs/{record.id}").text

    assert resume_stalled_jobs() == 0  # the scheduler's run while Redis is still down: nothing lost, nothing spent
    db.session.rollback()
    assert (db.session.get(BulkJob, record.id).status, db.session.get(BulkJob, record.id).attempts) == ("queued", 0)

    monkeypatch.undo()  # Redis answers again; the scheduler's next run comes a minute later
    a_minute_ago = utcnow() - timedelta(seconds=app.config["JOB_RESUME_EVERY_SECONDS"])
    db.session.execute(update(BulkJob).where(BulkJob.id == record.id).values(created_at=a_minute_ago))
    db.session.commit()
    assert a_minute_ago > utcnow() - timedelta(seconds=app.config["JOB_STALLED_AFTER_SECONDS"])  # not stalled yet
    assert resume_stalled_jobs() == 1
    status = officer.get(f"/jobs/{record.id}.json").json
    assert (status["status"], status["progress"]) == ("done", "2 of 2 certificates")


def test_a_job_is_stalled_by_its_last_progress_and_its_page_says_it_will_be_resumed(
        training, people, login, app, monkeypatch):
    eligible(training, 2)
    certificate_services.issue_certificates(training, by_user=people.officer)
    monkeypatch.setattr(bulk, "queue", lambda record: None)
    record_id = bulk.start("certificates.export", by_user=people.officer, training=training,
                           params={"format": "zip"}).id
    monkeypatch.undo()
    zip_of_pdfs = certificate_services.zip_of_pdfs

    def killed_after_the_first(certificates, on_progress):
        def advance(*args):
            on_progress(*args)
            raise WorkerKilled()
        return zip_of_pdfs(certificates, on_progress=advance)

    monkeypatch.setattr(certificate_services, "zip_of_pdfs", killed_after_the_first)
    with pytest.raises(WorkerKilled):
        certificate_tasks.export_certificates(record_id)
    monkeypatch.undo()
    officer = login(people.officer)

    def progress_ago(seconds):  # started an hour ago; its last progress ``seconds`` ago
        now = utcnow()
        db.session.execute(update(BulkJob).where(BulkJob.id == record_id).values(
            created_at=now - timedelta(hours=1), started_at=now - timedelta(hours=1),
            heartbeat_at=now - timedelta(seconds=seconds)))
        db.session.commit()

    stalled_after = app.config["JOB_STALLED_AFTER_SECONDS"]
    progress_ago(5)
    assert resume_stalled_jobs() == 0  # working: an hour since it started counts for nothing
    assert officer.get(f"/jobs/{record_id}.json").json["note"] is None
    assert "will be resumed automatically" not in officer.get(f"/jobs/{record_id}").text

    progress_ago(stalled_after - 10)  # quiet for a while: not stalled yet, and the page says what will happen
    assert resume_stalled_jobs() == 0
    note = ("No progress for a while. If the worker running this job stopped, the job will be resumed automatically: "
            "there is no need to start it again.")
    assert officer.get(f"/jobs/{record_id}.json").json["note"] == note
    assert note in officer.get(f"/jobs/{record_id}").text

    progress_ago(stalled_after + 1)
    assert stalled_after <= 5 * 60  # taken up within minutes of its last progress, not a quarter of an hour
    assert resume_stalled_jobs() == 1
    status = officer.get(f"/jobs/{record_id}.json").json
    assert (status["status"], status["progress"], status["note"]) == ("done", "2 of 2 certificates", None)


# --- files ------------------------------------------------------------------------------------------------------

def test_the_export_job_offers_its_file_on_every_app_server(training, people, login, other_server):
    eligible(training, 3)
    issued, _ = certificate_services.issue_certificates(training, by_user=people.officer)
    officer = login(people.officer)
    record = job_of(officer.post(f"/officer/trainings/{training.id}/certificates/export", data={"format": "zip"}))
    assert f'href="/jobs/{record.id}/download"' in officer.get(f"/jobs/{record.id}").text

    elsewhere = other_server.test_client(user=people.officer)
    status = elsewhere.get(f"/jobs/{record.id}.json").json
    assert (status["status"], status["done"], status["total"]) == ("done", 3, 3)
    download = elsewhere.get(status["download_url"])
    assert download.mimetype == "application/zip"
    assert f'filename="certificates-training-{training.id}.zip"' in download.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert {codes.sha256_hex(archive.read(name)) for name in archive.namelist()} == {c.pdf_sha256 for c in issued}

    merged = job_of(officer.post(f"/officer/trainings/{training.id}/certificates/export", data={"format": "pdf"}))
    assert len(PdfReader(io.BytesIO(officer.get(f"/jobs/{merged.id}/download").data)).pages) == 3


def test_a_programme_report_job_writes_the_file_in_the_language_it_was_asked_in(people, login):
    manager = login(people.manager)
    response = manager.post("/dashboard/report/prepare?from=2022-01-01&to=2022-12-31&lang=ar", data={"format": "pdf"})
    record = job_of(response)
    assert record.status == "done" and record.result_filename == "programme-report-2022-01-01-2022-12-31.pdf"
    pdf = manager.get(f"/jobs/{record.id}/download")
    assert pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert re.search("[\u0600-\u06ff]{4}", text) and "Trainings held" not in text
    bad = manager.post("/dashboard/report/prepare?from=2022-12-31&to=2022-01-01", data={"format": "pdf"})
    assert bad.status_code == 302 and bad.location.startswith("/dashboard?")


def test_an_import_job_imports_once_and_mails_each_person_once(people, login):
    organisation = OrganisationFactory(name="Ministry of Interior")
    csv = ("name,name_ar,sex,organisation,position,email,phone,nominated_by\n"
           f"Ahmed Kadhim,,male,{organisation.name},,ahmed@moi.gov.iq,,\n"
           f"Sara Ali,,female,{organisation.name},,sara@moi.gov.iq,,\n").encode()
    officer = login(people.officer)
    base = f"/officer/trainings/{people.training.id}/registrations/import"
    preview = officer.post(base, data={"file": (io.BytesIO(csv), "list.csv")}, content_type="multipart/form-data")
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', preview.text).group(1)
    record = job_of(officer.post(f"{base}/confirm", data={"payload": payload}))
    assert (record.status, record.done, record.total) == ("done", 2, 2)
    assert "2 nominations imported." in officer.get(f"/jobs/{record.id}").text
    messages = db.session.scalar(select(func.count()).select_from(OutboundEmail))

    registration_tasks.import_nominations(record.id)  # delivered again, after its commit
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == messages

    again = job_of(officer.post(f"{base}/confirm", data={"payload": payload}))  # the same list confirmed twice
    assert again.status == "failed" and again.error.startswith("Nothing was imported")
    assert "line 2" in again.error


# --- who sees a job ---------------------------------------------------------------------------------------------

def test_only_those_who_may_do_the_work_see_its_job_its_status_and_its_file(training, people, login, client):
    eligible(training, 1)
    certificate_services.issue_certificates(training, by_user=people.officer)
    export = bulk.start("certificates.export", by_user=people.officer, training=training, params={"format": "pdf"})
    report = bulk.start("reports.session", by_user=people.officer, training=training, params={"format": "csv"})
    programme = bulk.start("reports.programme", by_user=people.manager, params={"format": "csv", "filters": {}})
    outsider = UserFactory(role="officer")
    expected = {  # job: {user: status}
        export: {people.officer: 200, people.admin: 200, people.manager: 403, people.other_officer: 403,
                 outsider: 403, people.participant: 403},
        report: {people.officer: 200, people.admin: 200, people.manager: 200, people.other_officer: 403,
                 people.participant: 403},
        programme: {people.manager: 200, people.admin: 200, people.officer: 403, people.participant: 403},
    }
    for record, statuses in expected.items():
        for suffix in ("", ".json", "/download"):
            url = f"/jobs/{record.id}{suffix}"
            for user, status in statuses.items():
                assert login(user).get(url).status_code == status, (url, user.role, user.email)
            assert client.get(url).status_code == 302 and "/login" in client.get(url).location
    assert login(people.admin).get("/jobs/999999.json").status_code == 404
    assert login(people.other_officer).post(f"/officer/trainings/{training.id}/certificates/export",
                                            data={"format": "pdf"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(BulkJob)) == 3


@pytest.mark.config(JOB_STALLED_AFTER_SECONDS=0)
def test_without_redis_the_jobs_command_takes_up_a_job_whose_process_died(training, people, runner, monkeypatch):
    eligible(training, 2)
    queue = bulk.queue
    monkeypatch.setattr(bulk, "queue", lambda record: None)  # the request running it was killed before it began
    record = bulk.start("certificates.issue", by_user=people.officer, training=training)
    monkeypatch.setattr(bulk, "queue", queue)
    result = runner.invoke(args=["jobs", "resume"])
    assert result.exit_code == 0 and "Queued 1 stalled job again." in result.output
    db.session.rollback()
    assert (db.session.get(BulkJob, record.id).status, db.session.get(BulkJob, record.id).done) == ("done", 2)


# --- with Redis and real worker processes ------------------------------------------------------------------------

def test_with_redis_a_worker_killed_mid_job_and_started_again_finishes_it_with_no_duplicate_serial(
        queued_app, start_worker):
    from training_mgr.auth.models import User

    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(officers=[officer])
    registrations = eligible(training, 24)
    settings = {"CERTIFICATE_PART_SIZE": 3, "JOB_VISIBILITY_TIMEOUT_SECONDS": 3}
    worker = start_worker(**settings)

    record = bulk.start("certificates.issue", by_user=db.session.get(User, officer.id), training=training)
    assert record.status == "queued"  # the request answers at once: the worker does the work

    def state():
        db.session.rollback()  # see what the workers committed
        found = db.session.get(BulkJob, record.id)
        return found.status, found.done

    wait_for(lambda: state()[1] >= 3, worker, timeout=180)
    os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, mid-job: its parts in hand stay unacknowledged
    worker.wait()
    status, done_when_killed = state()
    assert status == "running" and done_when_killed < 24

    again = start_worker(**settings)
    wait_for(lambda: state()[0] == "done", again, timeout=240)
    db.session.rollback()
    certificates = db.session.scalars(select(Certificate)).all()
    assert len({c.serial for c in certificates}) == len(certificates) == 24
    assert sorted(c.registration_id for c in certificates) == sorted(r.id for r in registrations)
    assert state() == ("done", 24)


def test_a_jobs_file_is_dropped_some_days_after_it_was_made(training, people, login, app):
    eligible(training, 1)
    certificate_services.issue_certificates(training, by_user=people.officer)
    officer = login(people.officer)
    record = job_of(officer.post(f"/officer/trainings/{training.id}/certificates/export", data={"format": "pdf"}))
    assert bulk.forget_old_files() == 0 and officer.get(f"/jobs/{record.id}/download").status_code == 200

    days = app.config["JOB_FILES_KEPT_DAYS"]
    assert bulk.forget_old_files(now=utcnow() + timedelta(days=days, minutes=1)) == 1
    assert officer.get(f"/jobs/{record.id}/download").status_code == 404
    assert officer.get(f"/jobs/{record.id}.json").json["download_url"] is None
    assert "Its file was removed some days after it was made." in officer.get(f"/jobs/{record.id}").text


def test_a_trainings_report_is_prepared_from_its_page_by_a_job(training, people, login):
    eligible(training, 2)
    officer = login(people.officer)
    page = officer.get(f"/officer/trainings/{training.id}").text
    form = re.search(r'<form method="post" action="(/officer/trainings/\d+/report/prepare)"', page)
    assert form and form.group(1) == f"/officer/trainings/{training.id}/report/prepare"
    assert f'href="/officer/trainings/{training.id}/report.pdf"' not in page  # no report drawn inside the request

    record = job_of(officer.post(form.group(1), data={"format": "pdf"}))
    assert record.status == "done" and record.result_filename == f"training-{training.id}-report.pdf"
    pdf = officer.get(f"/jobs/{record.id}/download")
    assert pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert training.title in " ".join(text.split())
    assert officer.post(form.group(1), data={"format": "xlsx"}).status_code == 400


def test_a_participant_list_job_counts_the_rows_it_writes(training, people, login):
    registrations = eligible(training, 3)
    officer = login(people.officer)
    record = job_of(officer.post(f"/officer/trainings/{training.id}/report/prepare", data={"format": "csv"}))
    status = officer.get(f"/jobs/{record.id}.json").json
    assert (status["status"], status["done"], status["total"], status["progress"]) == ("done", 3, 3, "3 of 3 rows")
    csv = officer.get(status["download_url"])
    assert csv.mimetype == "text/csv"
    assert all(r.participant.name in csv.data.decode("utf-8-sig") for r in registrations)
