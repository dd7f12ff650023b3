"""The audit log reads as sentences about people, in the reader's language, filtered and exported."""
import re
from datetime import date, datetime, timezone

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db


def test_an_attendance_change_reads_as_a_sentence_and_is_exported(app, login):
    officer = UserFactory(role="officer", name="Layla")
    start = date(2022, 2, 15)
    training = TrainingSessionFactory(officers=[officer], start_date=start, end_date=date(2022, 2, 17), status="closed")
    registration = RegistrationFactory(training=training, participant=ParticipantFactory(name="Ahmed"))
    db.session.add(AuditEntry(user_id=officer.id, action="attendance.update", object_type="AttendanceMark", object_id=61,
                              training_id=training.id, summary="Ahmed, 2022-02-16: present → late",
                              created_at=datetime(2022, 2, 16, 9, tzinfo=timezone.utc)))
    db.session.commit()
    client = login(officer)
    page = client.get(f"/officer/trainings/{training.id}/audit").get_data(as_text=True)
    assert "Programme officer <bdi>Layla</bdi> marked <bdi>Ahmed</bdi> late on Feb 16, 2022." in page
    assert "AttendanceMark #61" not in page and "<code>attendance.update</code>" not in page
    arabic = client.get(f"/officer/trainings/{training.id}/audit?lang=ar").get_data(as_text=True)
    assert "<code>" not in arabic and "متأخر" in arabic  # the mark in Arabic, once translations are compiled

    export = client.get(f"/officer/trainings/{training.id}/audit.csv?action=attendance.update&lang=en")
    assert export.mimetype == "text/csv"
    assert "Programme officer Layla marked Ahmed late on Feb 16, 2022." in export.get_data(as_text=True)
    assert registration.id


def test_the_log_is_filtered_by_person_and_date(app, login):
    officer = UserFactory(role="officer", name="Layla")
    training = TrainingSessionFactory(officers=[officer])
    for name, day in (("Ahmed", 10), ("Omar", 20)):
        db.session.add(AuditEntry(user_id=officer.id, action="registration.confirmed", object_type="Registration",
                                  object_id=1, training_id=training.id, summary=f"{name}: pending → confirmed",
                                  created_at=datetime(2022, 2, day, 9, tzinfo=timezone.utc)))
    db.session.commit()
    client = login(officer)
    by_person = client.get(f"/officer/trainings/{training.id}/audit?person=omar").get_data(as_text=True)
    assert "changed the registration of <bdi>Omar</bdi> from pending to confirmed." in by_person
    assert "Ahmed" not in by_person
    by_date = client.get(f"/officer/trainings/{training.id}/audit?date_from=2022-02-05&date_to=2022-02-12").get_data(as_text=True)
    assert "Ahmed" in by_date and "Omar" not in by_date


def test_admins_filter_the_whole_log_by_training(app, login):
    admin = UserFactory(role="admin")
    first, second = TrainingSessionFactory(title="First"), TrainingSessionFactory(title="Second")
    for training, name in ((first, "Ahmed"), (second, "Omar")):
        db.session.add(AuditEntry(user_id=admin.id, action="registration.confirmed", object_type="Registration",
                                  object_id=1, training_id=training.id, summary=f"{name}: pending → confirmed"))
    db.session.commit()
    page = login(admin).get(f"/admin/audit?training_id={second.id}").get_data(as_text=True)
    assert "Omar" in page and "Ahmed" not in page
    assert login(admin).get("/admin/audit.csv").status_code == 200


def test_certificates_issued_revoked_and_reissued_are_named_in_the_log(app, login):
    from tests.factories import CompletedTrainingFactory, attended
    from training_mgr.certificates import services as certificates

    officer = UserFactory(role="officer", name="Layla")
    training = CompletedTrainingFactory(officers=[officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Ahmed"))
    issued, _skipped = certificates.issue_certificates(training, by_user=officer)
    replacement = certificates.reissue_certificate(issued[0], "Name misspelt", by_user=officer)
    certificates.revoke_certificate(replacement, "Issued in error", by_user=officer)
    page = login(officer).get(f"/officer/trainings/{training.id}/audit").get_data(as_text=True)
    page = re.sub(r'value="[^"]*"', "", page)  # the action filter's option values are the codes
    assert "Certificate issued" in page and "Certificate reissued" in page and "Certificate revoked" in page
    assert "certificate.issued" not in page and "certificate.reissued" not in page and "certificate.revoked" not in page
