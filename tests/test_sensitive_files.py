"""A stored file that prints sensitive answers — the letters' ZIP, whose visa-support letters print passport numbers —
is deleted when those answers are erased: by the daily retention job once the training's retention period is over
(even if the answers went earlier, and however many days job files are otherwise kept), and when the person is erased.
"""
import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import ParticipantFactory, RegistrationFactory, UserFactory
from tests.pdf_reading import pdftotext_lines
from training_mgr.audit.models import AuditEntry
from training_mgr.bulk.models import BulkJob
from training_mgr.extensions import db
from training_mgr.questions import services as questions
from training_mgr.questions.tasks import erase_expired_sensitive_answers

END = date(2026, 2, 17)
#: the default retention: 90 days after the training's last day, erased the day after
LAST_DAY_KEPT = END + timedelta(days=90)


@pytest.fixture
def letters(app, people, login):
    """The people's training, ended on END, asking for passport numbers; Layla gave hers; the officer has made the ZIP
    of all letters. Returns (training, officer's client, Layla's registration, the letters' job)."""
    training = people.training
    training.start_date, training.end_date = END - timedelta(days=2), END
    db.session.commit()
    [passport] = questions.add_builtin_questions(training, ["passport_number"], by_user=people.officer)
    layla = RegistrationFactory(training=training, participant=ParticipantFactory(name="Layla Hassan"))
    RegistrationFactory(training=training, participant=ParticipantFactory(name="Omar Kareem"))
    questions.record_answers(layla, {passport.id: "A1234567"})
    officer = login(people.officer)
    answer = officer.post(f"/officer/trainings/{training.id}/letters/prepare")
    job = db.session.scalar(select(BulkJob).where(BulkJob.kind == "letters.export"))
    assert answer.location.endswith(f"/jobs/{job.id}")
    return training, officer, layla, job


def passports_in(response) -> bool:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return any("A1234567" in "\n".join(pdftotext_lines(archive.read(name))) for name in archive.namelist())


def other_file(training) -> BulkJob:
    """The training's report, kept by a job of its own: it prints no answers."""
    record = BulkJob(kind="reports.session", training_id=training.id, status="done", result=b"%PDF-1.7 report",
                     result_filename="report.pdf", result_mimetype="application/pdf")
    db.session.add(record)
    db.session.commit()
    return record


def test_the_retention_job_deletes_the_letters_zip_with_the_passport_numbers(app, letters):
    training, officer, _layla, job = letters
    report = other_file(training)
    download = f"/jobs/{job.id}/download"
    assert passports_in(officer.get(download))

    questions.erase_expired_sensitive_answers(today=LAST_DAY_KEPT)
    assert officer.get(download).status_code == 200  # kept to the last day of the retention period

    assert questions.erase_expired_sensitive_answers(today=LAST_DAY_KEPT + timedelta(days=1)) == 1
    assert officer.get(download).status_code == 404
    page = officer.get(f"/jobs/{job.id}").text
    assert "deleted when they were erased" in page and download not in page
    assert officer.get(f"/jobs/{report.id}/download").status_code == 200  # a file without answers stays
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answers.erase_sensitive_files"))
    assert entry.details == {"count": 1, "days": 90} and entry.object_id == training.id
    assert "deleted 1 prepared file printing sensitive answers (letters)" in officer.get(
        f"/officer/trainings/{training.id}/audit").text


@pytest.mark.config(JOB_FILES_KEPT_DAYS=365)
def test_a_zip_made_after_the_answers_went_is_not_kept_past_the_retention_date(app, letters):
    training, officer, _layla, _job = letters
    questions.erase_expired_sensitive_answers(today=LAST_DAY_KEPT + timedelta(days=1))
    # made again once the answers are gone (an officer reprinting invitations): the training is past its retention
    officer.post(f"/officer/trainings/{training.id}/letters/prepare")
    newer = db.session.scalars(select(BulkJob).where(BulkJob.kind == "letters.export").order_by(BulkJob.id)).all()[-1]
    assert officer.get(f"/jobs/{newer.id}/download").status_code == 200

    erase_expired_sensitive_answers.delay()  # the daily job, today: long after the retention date
    assert officer.get(f"/jobs/{newer.id}/download").status_code == 404


def test_erasing_a_person_deletes_the_letters_that_printed_their_passport(app, letters, people):
    from training_mgr.erasure.services import erase_participant

    training, officer, layla, job = letters
    report = other_file(training)
    erase_participant(layla.participant, by_user=UserFactory(role="admin"))
    assert officer.get(f"/jobs/{job.id}/download").status_code == 404
    assert officer.get(f"/jobs/{report.id}/download").status_code == 404  # the training's report can name her too
