"""Erasing a participant on request, and the retention rule: personal data gone everywhere it was shown,
the reports' figures unchanged, certificates still verifiable, every erasure audit-logged without the name."""
import io
import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from tests.factories import (
    CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory,
    UserFactory,
)
from training_mgr.account.services import export_my_data
from training_mgr.attendance import services as attendance
from training_mgr.attendance.services import DayMark
from training_mgr.audit.models import AuditEntry
from training_mgr.auth.models import ApiToken, User, UserToken
from training_mgr.certificates import services as certificates
from training_mgr.certificates.models import Certificate
from training_mgr.core.db import utcnow
from training_mgr.core.security import hash_token
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.erasure import services
from training_mgr.participants.inputs import PersonalDetails
from training_mgr.participants.models import Participant
from training_mgr.registrations import seats
from training_mgr.registrations import services as registrations
from training_mgr.registrations.models import Registration
from training_mgr.reports.figures import ProgrammeFilters, programme_figures, session_figures

#: everything that identified Layla, including the spelling of her name before she corrected it
LAYLA = ["Layla Hassan", "Layla", "ليلى حسن", "ليلى", "layla.hassan@example.org", "770 555 0101", "Border inspector",
         "Laila Hasan", "hospital appointment"]


@pytest.fixture
def layla(people):
    """Layla (with an account, an API token and an open password link) and two colleagues attended a completed
    training, were marked every day, and got certificates; Layla once corrected the spelling of her name."""
    from training_mgr.account.services import update_profile

    organisation = OrganisationFactory(name="Border Points Commission")
    training = CompletedTrainingFactory(title="Human Rights at Borders", officers=[people.officer])
    person = ParticipantFactory(name="Laila Hasan", name_ar="ليلى حسن", sex="female", organisation=organisation,
                                email="layla.hassan@example.org", phone="+964 770 555 0101", position="Border inspector")
    account = UserFactory(role="participant", email=person.email, name="Laila Hasan", participant=person)
    update_profile(account, replace(PersonalDetails.of(person), name="Layla Hassan"), "en")
    db.session.add_all([
        ApiToken(user=account, name="script", token_hash=hash_token("tm_layla"), prefix="tm_layla"),
        UserToken(user=account, purpose="reset_password", token_hash=hash_token("reset-layla"),
                  expires_at=utcnow() + timedelta(hours=1)),
    ])
    db.session.commit()
    others = [ParticipantFactory(name=name, organisation=organisation, sex=sex)
              for name, sex in (("Omar Raad", "male"), ("Huda Kareem", "female"))]
    for participant in [person, *others]:
        registrations.register(training, participant, source="officer", by_user=people.officer, status="confirmed")
    by_participant = {r.participant_id: r for r in db.session.query(Registration).filter_by(training_id=training.id)}
    for day in training.days:
        attendance.record_day(training, day, {r.id: DayMark("present", "") for r in by_participant.values()}, by_user=people.officer)
    # a mark taken back leaves an audit entry naming her whose record is gone
    registration = by_participant[person.id]
    attendance.record_day(training, training.days[1], {registration.id: DayMark("", "")}, by_user=people.officer)
    attendance.record_day(training, training.days[1], {registration.id: DayMark("excused", "hospital appointment")},
                          by_user=people.officer)
    issued, _skipped = certificates.issue_certificates(training, by_user=people.officer)
    assert len(issued) == 3
    certificate = next(c for c in issued if c.registration_id == registration.id)
    assert b"%PDF" in certificate.pdf
    return type("Layla", (), dict(participant=person, account=account, training=training, registration=registration,
                                  certificate=certificate, others=others))


def figures(training):
    """Every count the session report and the programme report show."""
    session = session_figures(training)
    programme = programme_figures(ProgrammeFilters())
    return {
        "session": (session.key, session.by_sex, [(r.organisation and r.organisation.id, r.by_sex) for r in session.organisations],
                    [(d.day.id, d.marks, d.unmarked) for d in session.days], len(session.participants),
                    [(c.serial, c.status) for c in session.certificates]),
        "programme": (programme.totals, programme.persons_trained, programme.by_sex,
                      [(r.organisation and r.organisation.id, r.by_sex) for r in programme.organisations],
                      [(c.course.id, c.trainings, c.persons, c.figures) for c in programme.courses]),
    }


def shows_nothing_of(text, strings=LAYLA):
    found = [s for s in strings if s.casefold() in text.casefold()]
    assert not found, f"still shown: {found}"


def test_an_admin_erases_a_person_and_nothing_personal_is_left_while_the_figures_stay(app, login, people, layla):
    participant_id = layla.participant.id
    before = figures(layla.training)
    assert db.session.query(OutboundEmail).filter_by(recipient="layla.hassan@example.org").count() == 1
    logged_in_layla = login(layla.account)
    assert logged_in_layla.get("/account").status_code == 200
    admin = login(people.admin)

    page = admin.get(f"/admin/participants/{participant_id}/erase")
    assert page.status_code == 200 and "Layla Hassan" in page.text and "cannot be undone" in page.text
    wrong = admin.post(f"/admin/participants/{participant_id}/erase", data={"confirm": str(participant_id + 1)})
    assert wrong.status_code == 422 and "This is not the number of this person" in wrong.text
    assert db.session.get(Participant, participant_id).erased_at is None

    back = f"/officer/trainings/{layla.training.id}/registrations/{layla.registration.id}"
    done = admin.post(f"/admin/participants/{participant_id}/erase", data={"confirm": str(participant_id), "next": back},
                      follow_redirects=True)
    assert done.status_code == 200 and done.request.path == back
    assert f"Erased participant #{participant_id}" in done.text and "details are erased" in done.text
    shows_nothing_of(done.text)

    # the rows: placeholders instead of the person, the counted facts kept
    db.session.expire_all()
    person = db.session.get(Participant, participant_id)
    assert person.name == f"Erased participant #{participant_id}"
    assert person.email == f"erased-participant-{participant_id}@erased.invalid"
    assert (person.phone, person.position) == (None, None) and person.erased_at is not None
    assert (person.sex, person.organisation.name) == ("female", "Border Points Commission")
    registration = db.session.get(Registration, layla.registration.id)
    assert registration.status == "confirmed"
    assert [m.status for m in sorted(registration.marks, key=lambda m: m.session_day_id)] == ["present", "excused", "present"]
    assert all(m.note is None for m in registration.marks)
    account = db.session.get(User, layla.account.id)
    assert not account.active and account.password_hash is None and account.name is None
    assert account.email == f"erased-user-{account.id}@erased.invalid"
    assert db.session.query(ApiToken).filter_by(user_id=account.id, revoked_at=None).count() == 0
    assert db.session.query(UserToken).filter_by(user_id=account.id).count() == 0
    assert db.session.query(OutboundEmail).filter(OutboundEmail.recipient.contains("layla")).count() == 0
    certificate = db.session.get(Certificate, layla.certificate.id)
    assert certificate.pdf is None and certificate.status == "valid" and certificate.pdf_sha256 == layla.certificate.pdf_sha256
    others = db.session.query(Certificate).filter(Certificate.id != certificate.id).all()
    assert all(c.pdf for c in others)  # the colleagues' files are untouched

    # the reports add up as before
    assert figures(layla.training) == before

    # her own session ended, and her data export holds nothing of her
    assert logged_in_layla.get("/account").status_code == 302
    shows_nothing_of(json.dumps(export_my_data(account), ensure_ascii=False))

    # nowhere shown: the officers' list, the API, the CSV and the spreadsheet
    officer = login(people.officer)
    listing = officer.get(f"/officer/trainings/{layla.training.id}/registrations")
    assert listing.status_code == 200 and f"Erased participant #{participant_id}" in listing.text
    shows_nothing_of(listing.text)
    assert "Omar Raad" in listing.text  # the colleagues are still there
    api = officer.get(f"/api/v1/sessions/{layla.training.id}/registrations")
    assert api.status_code == 200 and len(api.json["items"]) == 3
    shows_nothing_of(json.dumps(api.json, ensure_ascii=False))
    csv = officer.get(f"/officer/trainings/{layla.training.id}/participants.csv")
    assert csv.status_code == 200 and "Omar Raad" in csv.text
    shows_nothing_of(csv.data.decode("utf-8-sig"))
    workbook = load_workbook(io.BytesIO(login(people.manager).get("/dashboard/report.xlsx").data))
    cells = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "Omar Raad" in cells
    shows_nothing_of(cells)
    assert officer.get(f"/certificates/{certificate.id}.pdf").status_code == 404  # the file is gone

    # the audit log: the erasure recorded with the id only, and the person's details gone from every entry
    entries = db.session.query(AuditEntry).all()
    shows_nothing_of(" ".join(f"{e.summary} {json.dumps(e.changes, ensure_ascii=False)}" for e in entries))
    [erasure] = [e for e in entries if e.action == "participant.erase"]
    assert (erasure.user_id, erasure.object_type, erasure.object_id) == (people.admin.id, "Participant", participant_id)
    assert any(e.action == "attendance.delete" and f"Erased participant #{participant_id}" in e.summary for e in entries)
    assert any("Omar Raad" in e.summary for e in entries)  # the colleagues' entries keep their names


def test_the_certificate_of_an_erased_person_is_still_valid_with_the_holders_details_withheld(app, client, people, layla):
    services.erase_participant(layla.participant, by_user=people.admin)

    response = client.get(f"/verify/{layla.certificate.code}")
    assert response.status_code == 200
    assert "Valid certificate." in response.text and "withheld" in response.text
    assert layla.certificate.serial in response.text and "Human Rights at Borders" in response.text
    shows_nothing_of(response.text)
    assert "Erased participant" not in response.text  # withheld, not renamed

    arabic = client.get(f"/verify/{layla.certificate.code}?lang=ar")
    assert arabic.status_code == 200
    shows_nothing_of(arabic.text)


def test_a_revoked_certificate_stays_revoked_after_erasure(app, client, people, layla):
    certificates.revoke_certificate(layla.certificate, "Printed with a misspelt name: Laila Hasan", by_user=people.officer)
    services.erase_participant(layla.participant, by_user=people.admin)

    response = client.get(f"/verify/{layla.certificate.code}")
    assert response.status_code == 200 and "Revoked certificate." in response.text and "withheld" in response.text
    shows_nothing_of(response.text)
    revoked = db.session.get(Certificate, layla.certificate.id)
    assert revoked.status == "revoked" and "Laila" not in revoked.revoke_reason


def test_erasing_twice_is_harmless(app, login, people, layla):
    admin = login(people.admin)
    url = f"/admin/participants/{layla.participant.id}/erase"
    assert admin.post(url, data={"confirm": str(layla.participant.id)}).status_code == 302
    again = admin.post(url, data={"confirm": str(layla.participant.id)}, follow_redirects=True)
    assert again.status_code == 200 and "already erased" in again.text
    assert services.erase_participant(db.session.get(Participant, layla.participant.id), by_user=people.admin) is False
    assert db.session.query(AuditEntry).filter_by(action="participant.erase").count() == 1


def test_only_admins_see_the_erase_button(app, login, people, layla):
    url = f"/officer/trainings/{layla.training.id}/registrations/{layla.registration.id}"
    assert "Erase this person" in login(people.admin).get(url).text
    assert "Erase this person" not in login(people.officer).get(url).text
    assert login(people.officer).get(f"/admin/participants/{layla.participant.id}/erase").status_code == 403


def test_a_person_with_a_staff_account_is_not_erased(app, login, people):
    person = ParticipantFactory(name="Sara Jamil", email="sara@example.org")
    UserFactory(role="officer", email="sara.staff@example.org", participant=person)
    response = login(people.admin).post(f"/admin/participants/{person.id}/erase", data={"confirm": str(person.id)})
    assert response.status_code == 422 and "staff account" in response.text
    db.session.expire_all()
    assert db.session.get(Participant, person.id).name == "Sara Jamil"
    assert db.session.get(Participant, person.id).erased_at is None


def test_an_erased_person_is_not_found_registered_again_or_written_to(app, people):
    training = TrainingSessionFactory(officers=[people.officer])
    registration = RegistrationFactory(training=training, participant__name="Zaid Nouri")
    person = registration.participant
    services.erase_participant(person, by_user=people.admin)

    assert registrations.search_participants("Erased participant") == []
    with pytest.raises(registrations.RegistrationError, match="erased"):
        registrations.register(TrainingSessionFactory(), person, source="officer", by_user=people.officer)
    registrations.change_status(registration, "withdrawn", by_user=people.officer, reason="Left the ministry")
    assert db.session.query(OutboundEmail).count() == 0  # nobody to write to


# --- retention ---------------------------------------------------------------------------------------------


def years_ago(years):
    return services.retention_cutoff(date.today(), years=years)


@pytest.fixture
def retention_world(people):
    """With RETENTION_YEARS=5: who is old enough to be anonymised and who is not."""
    def trained(name, *starts):
        person = ParticipantFactory(name=name)
        for start in starts:
            RegistrationFactory(participant=person, training=TrainingSessionFactory(
                start_date=start, end_date=start + timedelta(days=2), status="completed"))
        return person

    old = trained("Old Trainee", years_ago(7), years_ago(6))
    recent = trained("Recent Trainee", years_ago(1))
    both = trained("Old And Recent Trainee", years_ago(8), years_ago(2))
    ended_on_the_cutoff = trained("Ended Exactly Five Years Ago", years_ago(5) - timedelta(days=2))
    never_registered_old = ParticipantFactory(name="Never Registered Long Ago",
                                              created_at=datetime.now(timezone.utc) - timedelta(days=6 * 366))
    never_registered_new = ParticipantFactory(name="Never Registered Lately")
    staff = trained("Staff Member Trained Long Ago", years_ago(9))
    UserFactory(role="officer", participant=staff)
    with_account = trained("Old Trainee With Account", years_ago(9))
    UserFactory(role="participant", email=with_account.email, participant=with_account)
    return dict(erased=[old, never_registered_old, with_account],
                kept=[recent, both, ended_on_the_cutoff, never_registered_new, staff])


@pytest.mark.config(RETENTION_YEARS=5)
def test_retention_anonymises_only_people_whose_latest_training_ended_long_enough_ago(app, retention_world):
    names = {p.id: p.name for p in retention_world["erased"] + retention_world["kept"]}

    result = services.apply_retention()

    assert result.cutoff == years_ago(5) and not result.dry_run
    assert sorted(result.participant_ids) == sorted(p.id for p in retention_world["erased"])
    db.session.expire_all()
    for person in retention_world["erased"]:
        row = db.session.get(Participant, person.id)
        assert row.erased_at is not None and row.name == f"Erased participant #{person.id}"
    for person in retention_world["kept"]:
        row = db.session.get(Participant, person.id)
        assert row.erased_at is None and row.name == names[person.id]
    account = db.session.query(User).filter_by(participant_id=retention_world["erased"][2].id).one()
    assert not account.active and account.email.endswith("@erased.invalid")

    entries = db.session.query(AuditEntry).filter_by(action="participant.anonymise").all()
    assert sorted(e.object_id for e in entries) == sorted(result.participant_ids)
    assert all(e.user_id is None for e in entries)
    logged = " ".join(e.summary + json.dumps(e.changes) for e in db.session.query(AuditEntry))
    shows_nothing_of(logged, [names[p.id] for p in retention_world["erased"]])

    assert services.apply_retention().count == 0  # the next run finds nobody new


@pytest.mark.config(RETENTION_YEARS=5)
def test_a_dry_run_counts_and_changes_nothing(app, runner, retention_world):
    before = {p.id: (p.name, p.email) for p in db.session.query(Participant)}

    result = runner.invoke(args=["participants", "apply-retention", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "3 participants would be anonymised" in result.output and "dry run" in result.output
    db.session.expire_all()
    assert {p.id: (p.name, p.email) for p in db.session.query(Participant)} == before
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("participant.%")).count() == 0

    result = runner.invoke(args=["participants", "apply-retention"])
    assert result.exit_code == 0 and "3 participants anonymised" in result.output
    assert "0 participants anonymised" in runner.invoke(args=["participants", "apply-retention"]).output


@pytest.mark.config(RETENTION_YEARS=0)
def test_retention_is_off_with_zero_years(app, runner, retention_world):
    result = runner.invoke(args=["participants", "apply-retention"])
    assert result.exit_code == 0 and "Retention is off" in result.output
    assert services.apply_retention() is None
    assert db.session.query(Participant).filter(Participant.erased_at.is_not(None)).count() == 0


def test_the_cutoff_of_a_leap_day():
    assert services.retention_cutoff(date(2028, 2, 29), years=7) == date(2021, 2, 28)
    assert services.retention_cutoff(date(2028, 3, 1), years=0) is None


def test_erasure_ends_a_held_seat_and_its_mailed_link(app, people):
    from training_mgr.registrations import holds

    training = TrainingSessionFactory(officers=[people.officer], capacity=5)
    person = ParticipantFactory(name="Sara Jamil")
    registrations.lock_seats(training)
    held = holds.hold(training, person)
    db.session.commit()
    assert seats.seats_taken(training.id) == 1

    services.erase_participant(person, by_user=people.admin)

    db.session.refresh(held)
    assert held.hold_token_hash is None  # the link in her mailbox no longer confirms anything
    assert not holds.is_active(held)
    assert seats.seats_taken(training.id) == 0


def test_an_erased_persons_account_cannot_be_reactivated(layla, people, login):
    services.erase_participant(layla.participant, by_user=people.admin)
    client = login(people.admin)
    response = client.post(f"/admin/users/{layla.account.id}/reactivate", follow_redirects=True)
    assert "cannot be reactivated" in response.get_data(as_text=True)
    assert db.session.get(User, layla.account.id).active is False


def test_an_erased_person_is_not_issued_a_certificate(app, people):
    training = CompletedTrainingFactory(officers=[people.officer])
    registration = RegistrationFactory(training=training, status="confirmed", participant__name="Zaid Nouri")
    for day in training.days:
        attendance.record_day(training, day, {registration.id: DayMark("present", "")}, by_user=people.officer)
    services.erase_participant(registration.participant, by_user=people.admin)

    issued, skipped = certificates.issue_certificates(training, by_user=people.officer)
    assert issued == []
    assert "erased" in certificates.eligibility_of(training, registration).reason
