"""Certificates: eligibility, issuing with serials and codes, revoking, reissuing, the officer's page,
downloads by role, exports and the command line."""
import re
import threading
import zipfile
from datetime import date, datetime, timezone
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import CompletedTrainingFactory, ParticipantFactory, UserFactory, attended
from training_mgr.audit.models import AuditEntry
from training_mgr.certificates import codes, services
from training_mgr.certificates.models import Certificate
from training_mgr.extensions import db


@pytest.fixture
def training(people):
    return CompletedTrainingFactory(officers=[people.officer])


def reasons(training):
    return {row.registration.participant.name: row.reason for row in services.eligibility(training)}


# --- eligibility ---------------------------------------------------------------------------------


def test_eligibility_counts_late_as_attended_and_leaves_excused_days_out(training):
    late = attended(training, ["present", "late", "late"], participant=ParticipantFactory(name="Late Twice"))
    excused = attended(training, ["present", "excused", "present"], participant=ParticipantFactory(name="Excused Once"))
    absent = attended(training, ["present", "absent", "present"], participant=ParticipantFactory(name="Absent Once"))
    assert reasons(training) == {
        "Late Twice": None,
        "Excused Once": None,
        "Absent Once": "Attended 2 of 3 days, 80% needed",
    }
    rows = {row.registration.id: row for row in services.eligibility(training)}
    assert (rows[excused.id].rule.attended, rows[excused.id].rule.counted) == (2, 2)
    assert rows[late.id].eligible and not rows[absent.id].eligible


def test_rule_toggles_change_who_is_eligible(training):
    attended(training, ["present", "late", "late"], participant=ParticipantFactory(name="Late Twice"))
    attended(training, ["present", "excused", "present"], participant=ParticipantFactory(name="Excused Once"))
    training.cert_late_counts = False
    training.cert_excused_excluded = False
    db.session.commit()
    assert reasons(training) == {
        "Late Twice": "Attended 1 of 3 days, 80% needed",
        "Excused Once": "Attended 2 of 3 days, 80% needed",
    }
    training.cert_min_attendance = 60
    db.session.commit()
    assert reasons(training)["Excused Once"] is None


def test_not_confirmed_no_marks_all_excused_and_already_certified_have_their_reason(training, people):
    attended(training, ["present"] * 3, status="withdrawn", participant=ParticipantFactory(name="Withdrawn"))
    attended(training, ["present"] * 3, status="waitlisted", participant=ParticipantFactory(name="Waiting"))
    attended(training, [], participant=ParticipantFactory(name="Never Marked"))
    attended(training, ["excused"] * 3, participant=ParticipantFactory(name="Always Excused"))
    certified = attended(training, ["present"] * 3, participant=ParticipantFactory(name="Certified"))
    services.issue_certificates(training, [certified.id], by_user=people.officer)
    assert reasons(training) == {
        "Withdrawn": "Not confirmed (withdrawn)",
        "Waiting": "Not confirmed (waiting list)",
        "Never Marked": "No attendance recorded",
        "Always Excused": "Every day was excused, so no day counts",
        "Certified": "Already has a valid certificate",
    }


def test_certificates_are_only_issued_for_a_completed_training(people):
    open_training = CompletedTrainingFactory(status="open", officers=[people.officer])
    attended(open_training, ["present"] * 3)
    with pytest.raises(services.CertificateError, match="completed"):
        services.issue_certificates(open_training, by_user=people.officer)
    assert db.session.scalar(select(Certificate)) is None


# --- serials, codes, dates ------------------------------------------------------------------------


def test_issue_numbers_serials_per_completion_year_and_dates_them_on_completion(training, people):
    first = attended(training, ["present"] * 3)
    second = attended(training, ["present"] * 3)
    issued, skipped = services.issue_certificates(training, by_user=people.officer)
    assert skipped == []
    assert sorted(c.serial for c in issued) == ["TM-2022-0001", "TM-2022-0002"]
    assert {c.registration_id for c in issued} == {first.id, second.id}
    assert all(c.issued_on == date(2022, 2, 17) for c in issued)  # the last day, not today
    for certificate in issued:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", certificate.code)
        assert certificate.pdf.startswith(b"%PDF-")
        assert certificate.pdf_sha256 == codes.sha256_hex(certificate.pdf)
    assert len({c.code for c in issued}) == 2


@pytest.mark.config(CERTIFICATE_SERIAL_PREFIX="IOM")
def test_serial_prefix_comes_from_configuration_and_numbers_continue_across_trainings(people):
    one = CompletedTrainingFactory(officers=[people.officer])
    two = CompletedTrainingFactory(officers=[people.officer], start_date=date(2022, 12, 30))
    attended(one, ["present"] * 3)
    attended(two, ["present"] * 3)
    [a], _ = services.issue_certificates(one, by_user=people.officer)
    [b], _ = services.issue_certificates(two, by_user=people.officer)
    assert (a.serial, b.serial) == ("IOM-2022-0001", "IOM-2023-0001")  # two ends on 1 January 2023


def test_completion_date_falls_back_to_the_day_it_was_marked_completed_in_the_training_time_zone(people):
    training = CompletedTrainingFactory(end_date=None, days=[], timezone="Asia/Baghdad",
                                        completed_at=datetime(2022, 2, 16, 22, 30, tzinfo=timezone.utc))
    assert services.completion_date(training) == date(2022, 2, 17)  # 01:30 in Baghdad


def test_codes_are_random_80_bit_and_typed_codes_are_normalised():
    generated = {codes.new_verification_code() for _ in range(200)}
    assert len(generated) == 200
    code = "7K3M-Q9PX-2HD0-W41B"
    assert codes.normalise_code("7k3m q9px 2hdo w4lb") == code
    assert codes.normalise_code("7K3MQ9PX2HD0W4IB") == code
    assert codes.normalise_code("7K3M-Q9PX-2HD0") is None
    assert codes.normalise_code("7K3M-Q9PX-2HD0-W4U1") is None  # U is not in the alphabet
    assert codes.normalise_code("") is None


def _issue_in_thread(app, training_id, results, errors, barrier):
    with app.app_context():
        from training_mgr.trainings.models import TrainingSession

        training = db.session.get(TrainingSession, training_id)
        services.eligibility(training)
        barrier.wait()
        try:
            issued, _ = services.issue_certificates(training)
            results.extend((c.serial, c.registration_id) for c in issued)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            db.session.remove()


def _run_concurrently(app, training_ids):
    results, errors = [], []
    barrier = threading.Barrier(len(training_ids))
    threads = [threading.Thread(target=_issue_in_thread, args=(app, sid, results, errors, barrier)) for sid in training_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def test_two_officers_issuing_at_once_never_share_a_serial(app, people):
    one = CompletedTrainingFactory(officers=[people.officer])
    two = CompletedTrainingFactory(officers=[people.officer])
    for training in (one, two):
        for _ in range(3):
            attended(training, ["present"] * 3)
    results = _run_concurrently(app, [one.id, two.id])
    serials = sorted(serial for serial, _ in results)
    assert serials == [f"TM-2022-{n:04d}" for n in range(1, 7)]


def test_issuing_the_same_training_twice_at_once_gives_each_person_one_valid_certificate(app, training):
    people_ids = [attended(training, ["present"] * 3).id for _ in range(3)]
    results = _run_concurrently(app, [training.id, training.id])
    assert sorted(registration_id for _, registration_id in results) == sorted(people_ids)
    db.session.expire_all()
    valid = db.session.scalars(select(Certificate.registration_id).where(Certificate.status == "valid")).all()
    assert sorted(valid) == sorted(people_ids)


# --- revoke and reissue ---------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_is_audited(training, people):
    attended(training, ["present"] * 3)
    [certificate], _ = services.issue_certificates(training, by_user=people.officer)
    with pytest.raises(services.CertificateError, match="reason"):
        services.revoke_certificate(certificate, "   ", by_user=people.officer)
    services.revoke_certificate(certificate, "Attendance sheet was wrong", by_user=people.officer)
    assert certificate.status == "revoked" and certificate.revoked_at is not None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["certificate.issued", "certificate.revoked"]
    with pytest.raises(services.CertificateError, match="already revoked"):
        services.revoke_certificate(certificate, "again", by_user=people.officer)


def test_reissue_gives_a_new_serial_and_code_and_revokes_the_old_one(training, people):
    attended(training, ["present"] * 3)
    [old], _ = services.issue_certificates(training, by_user=people.officer)
    new = services.reissue_certificate(old, "Name corrected", by_user=people.officer)
    db.session.refresh(old)
    assert old.status == "revoked" and old.revoke_reason == "Name corrected"
    assert new.replaces_id == old.id and new.status == "valid"
    assert (new.serial, old.serial) == ("TM-2022-0002", "TM-2022-0001")
    assert new.code != old.code and new.pdf_sha256 != old.pdf_sha256
    assert codes.replacement_of(old).id == new.id


# --- the officer's page ---------------------------------------------------------------------------


def test_officer_page_lists_eligibility_and_reasons(training, people, login):
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Present Always"))
    attended(training, ["present", "absent", "absent"], participant=ParticipantFactory(name="Mostly Absent"))
    page = login(people.officer).get(f"/officer/trainings/{training.id}/certificates").get_data(as_text=True)
    assert "Present Always" in page and "Eligible" in page
    assert "Attended 1 of 3 days, 80% needed" in page
    assert "Issue to everyone eligible (1)" in page


def test_searching_the_page_compares_names_as_an_arabic_reader_does(training, people, login):
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Ahmed Kadhim", name_ar="أحمد كاظم"))
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Zaid Yaseen", name_ar="زيد ياسين"))
    client = login(people.officer)
    for typed in ("احمد", "أَحمد", "AHMED"):
        page = client.get(f"/officer/trainings/{training.id}/certificates", query_string={"q": typed}).get_data(as_text=True)
        assert "Ahmed Kadhim" in page and "Zaid Yaseen" not in page, typed


def test_page_explains_why_an_unfinished_training_cannot_issue(people, login):
    page = login(people.officer).get(f"/officer/trainings/{people.training.id}/certificates").get_data(as_text=True)
    assert "once the training is marked as completed" in page
    assert "Issue to everyone eligible" not in page


def test_officer_issues_to_one_then_to_the_ticked_then_to_everyone(training, people, login):
    a, b, c, d = (attended(training, ["present"] * 3) for _ in range(4))
    client = login(people.officer)
    url = f"/officer/trainings/{training.id}/certificates/issue"
    response = client.post(url, data={"one": a.id}, follow_redirects=True)
    assert "1 certificate issued." in response.get_data(as_text=True)
    client.post(url, data={"scope": "selected", "registration_ids": [b.id, c.id]})
    assert {x.registration_id for x in db.session.scalars(select(Certificate))} == {a.id, b.id, c.id}
    response = client.post(url, data={"scope": "all"}, follow_redirects=True)
    assert "1 certificate issued." in response.get_data(as_text=True)
    response = client.post(url, data={"scope": "selected"}, follow_redirects=True)
    assert "Tick the people" in response.get_data(as_text=True)
    assert db.session.query(Certificate).count() == 4


def test_revoke_form_requires_a_reason_beside_the_field(training, people, login):
    attended(training, ["present"] * 3)
    [certificate], _ = services.issue_certificates(training, by_user=people.officer)
    client = login(people.officer)
    response = client.post(f"/officer/certificates/{certificate.id}/revoke", data={"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    assert db.session.get(Certificate, certificate.id).status == "valid"
    response = client.post(f"/officer/certificates/{certificate.id}/revoke", data={"reason": "Fraud"}, follow_redirects=True)
    assert f"Certificate {certificate.serial} revoked." in response.get_data(as_text=True)
    response = client.post(f"/officer/certificates/{certificate.id}/reissue", data={"reason": "Again"})
    assert "Only a valid certificate can be reissued." in response.get_data(as_text=True)


def test_managers_read_the_page_without_actions_and_other_officers_are_refused(training, people, login):
    attended(training, ["present"] * 3)
    [certificate], _ = services.issue_certificates(training, by_user=people.officer)
    page = login(people.manager).get(f"/officer/trainings/{training.id}/certificates")
    assert page.status_code == 200 and "Revoke" not in page.get_data(as_text=True)
    assert login(people.manager).post(f"/officer/trainings/{training.id}/certificates/issue", data={"scope": "all"}).status_code == 403
    assert login(people.other_officer).get(f"/officer/trainings/{training.id}/certificates").status_code == 403
    assert login(people.other_officer).get(f"/officer/certificates/{certificate.id}/revoke").status_code == 403
    assert login(people.participant).get(f"/officer/trainings/{training.id}/certificates").status_code == 403


# --- downloads -----------------------------------------------------------------------------------


def test_download_is_for_the_owner_and_the_trainings_officers_and_admins_only(training, people, client, login):
    registration = attended(training, ["present"] * 3, participant=people.participant.participant)
    [certificate], _ = services.issue_certificates(training, by_user=people.officer)
    url = f"/certificates/{certificate.id}.pdf"
    expected = {
        people.participant: 200, people.officer: 200, people.admin: 200,
        people.other_participant: 403, people.other_officer: 403, people.manager: 403,
    }
    for user, status in expected.items():
        response = login(user).get(url)
        assert response.status_code == status, user.email
        if status == 200:
            assert response.data == certificate.pdf  # the stored bytes, never re-rendered
    assert client.get(url).status_code == 302 and "/login" in client.get(url).location
    assert login(people.admin).get("/certificates/999999.pdf").status_code == 404
    services.revoke_certificate(certificate, "Wrong person", by_user=people.officer)
    assert login(people.participant).get(url).status_code == 404
    assert login(people.officer).get(url).status_code == 200
    assert registration.id == certificate.registration_id


# --- exports and the command line -----------------------------------------------------------------


def test_exports_merge_or_zip_the_stored_files(training, people, login):
    for _ in range(2):
        attended(training, ["present"] * 3)
    issued, _ = services.issue_certificates(training, by_user=people.officer)
    client = login(people.officer)
    merged = client.get(f"/officer/trainings/{training.id}/certificates.pdf")
    assert merged.mimetype == "application/pdf" and len(PdfReader(BytesIO(merged.data)).pages) == 2
    archive = zipfile.ZipFile(BytesIO(client.get(f"/officer/trainings/{training.id}/certificates.zip").data))
    stored = {c.pdf_sha256 for c in issued}
    assert {codes.sha256_hex(archive.read(name)) for name in archive.namelist()} == stored
    assert all(name.startswith("TM-2022-") and name.endswith(".pdf") for name in archive.namelist())
    assert login(people.manager).get(f"/officer/trainings/{training.id}/certificates.zip").status_code == 403


def test_cli_issues_to_everyone_eligible_and_exports_by_extension(training, runner, tmp_path):
    attended(training, ["present"] * 3)
    attended(training, ["present"] * 3)
    attended(training, ["absent"] * 3)
    result = runner.invoke(args=["certificates", "issue", str(training.id)])
    assert result.exit_code == 0, result.output
    assert "Issued 2 certificates" in result.output
    assert "Issued 0 certificates" in runner.invoke(args=["certificates", "issue", str(training.id)]).output

    pdf_path, zip_path = tmp_path / "all.pdf", tmp_path / "all.zip"
    assert runner.invoke(args=["certificates", "export", str(training.id), "--output", str(pdf_path)]).exit_code == 0
    assert len(PdfReader(pdf_path).pages) == 2
    assert runner.invoke(args=["certificates", "export", str(training.id), "--output", str(zip_path)]).exit_code == 0
    assert len(zipfile.ZipFile(zip_path).namelist()) == 2
    bad = runner.invoke(args=["certificates", "export", str(training.id), "--output", str(tmp_path / "all.txt")])
    assert bad.exit_code != 0 and ".pdf or .zip" in bad.output
    assert runner.invoke(args=["certificates", "issue", "9999"]).exit_code != 0


def test_cli_refuses_a_training_that_is_not_completed(people, runner):
    result = runner.invoke(args=["certificates", "issue", str(people.training.id)])
    assert result.exit_code != 0 and "completed" in result.output


def test_officer_of_another_training_cannot_issue_here(training, people, login):
    attended(training, ["present"] * 3)
    outsider = UserFactory(role="officer")
    assert login(outsider).post(f"/officer/trainings/{training.id}/certificates/issue", data={"scope": "all"}).status_code == 403
    assert db.session.scalar(select(Certificate)) is None
