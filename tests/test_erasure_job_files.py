"""Erasing a person deletes every prepared file that can name them: the participant lists, reports and certificates
made by bulk jobs of the trainings they were registered in, and the programme-wide reports and lists, however long
job files are otherwise kept; the job page says the file went because personal data was erased."""
import pytest
from sqlalchemy import select

from tests.factories import CompletedTrainingFactory, ParticipantFactory, RegistrationFactory, UserFactory
from training_mgr.bulk.models import BulkJob
from training_mgr.erasure.services import erase_participant
from training_mgr.extensions import db


def prepared(client, url, fmt) -> int:
    """Start the job of a prepared file (run at once: no worker configured); the job's id."""
    answer = client.post(url, data={"format": fmt})
    assert answer.status_code == 302
    return int(answer.location.rstrip("/").rsplit("/", 1)[-1])


@pytest.mark.config(JOB_FILES_KEPT_DAYS=365)
def test_erasing_a_person_deletes_the_participant_lists_that_name_them(app, people, login):
    training = CompletedTrainingFactory(officers=[people.officer])
    layla = RegistrationFactory(training=training, participant=ParticipantFactory(name="Layla Hassan",
                                                                                email="layla@moi.gov.iq"))
    elsewhere = CompletedTrainingFactory(officers=[people.officer])
    RegistrationFactory(training=elsewhere, participant=ParticipantFactory(name="Omar Kareem"))
    db.session.commit()
    officer, manager = login(people.officer), login(people.manager)
    training_csv = prepared(officer, f"/officer/trainings/{training.id}/report/prepare", "csv")
    other_csv = prepared(officer, f"/officer/trainings/{elsewhere.id}/report/prepare", "csv")
    programme_csv = prepared(manager, "/dashboard/report/prepare", "csv")
    for job_id, client in ((training_csv, officer), (programme_csv, manager)):
        before = client.get(f"/jobs/{job_id}/download")
        assert before.status_code == 200 and "Layla Hassan" in before.text and "layla@moi.gov.iq" in before.text

    erase_participant(layla.participant, by_user=UserFactory(role="admin"))
    db.session.commit()

    for job_id, client in ((training_csv, officer), (programme_csv, manager)):
        assert client.get(f"/jobs/{job_id}/download").status_code == 404
        page = client.get(f"/jobs/{job_id}").text
        assert "Its file was removed because the personal data of someone it named was erased." in page
        assert f"/jobs/{job_id}/download" not in page
    kept = officer.get(f"/jobs/{other_csv}/download")  # a training the person was never in keeps its list
    assert kept.status_code == 200 and "Omar Kareem" in kept.text
    assert db.session.scalar(select(BulkJob.erased).where(BulkJob.id == other_csv)) is False
