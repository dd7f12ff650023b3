"""An organisation's nomination quota holds on every approval path: the nominees page, the general registrations
list one at a time and in bulk, and promotion from the waiting list. Passing it takes an explicit, audited
approval of one person, with a reason, on the registration's page."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import OrganisationFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db
from training_mgr.nominations import services as nominations
from training_mgr.nominations.inputs import InvitationDetails, NomineeDetails
from training_mgr.registrations import services as registrations


@pytest.fixture
def quota(app):
    """A training confirming by approval; the Ministry of Interior may nominate one official and nominated two."""
    officer = UserFactory(role="officer")
    interior = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    training = TrainingSessionFactory(officers=[officer], confirmation_mode="approval", capacity=10,
                                      start_date=date.today() + timedelta(days=30))
    invitation, token = nominations.invite(training, InvitationDetails(
        organisation_id=interior.id, focal_point_name="Colonel Salim Hadi", focal_point_email="focal@moi.gov.iq",
        seats=1, deadline=date.today() + timedelta(days=10)), by_user=officer)
    training.focal_point_page = f"/nominations/{token}"  # the focal point's own page (kept for the test only)
    within, _ = nominations.nominate(invitation, NomineeDetails(name="First Nominee", sex="male", email="first@moi.gov.iq"))
    waiting, _ = nominations.nominate(invitation, NomineeDetails(name="Second Nominee", sex="female",
                                                                  email="second@moi.gov.iq"))
    return officer, training, within.registration, waiting.registration


def status_of(registration):
    db.session.expire_all()
    return db.session.get(type(registration), registration.id).status


def test_the_list_refuses_to_approve_a_nominee_on_the_waiting_list_and_names_the_quota(login, quota):
    officer, training, _within, waiting = quota
    page = login(officer).post(f"/officer/trainings/{training.id}/registrations/{waiting.id}/status",
                               data={"status": "confirmed", "back": "list"})
    assert page.status_code == 422
    assert ("Second Nominee is on the waiting list of Ministry of Interior: its nomination quota of 1 seat is used up."
            in page.text)
    assert 'name="beyond_quota"' in page.text  # the way past it is offered, not taken
    assert status_of(waiting) == "pending"


def test_an_officer_approves_beyond_the_quota_only_ticked_and_with_a_reason_and_it_is_audited(login, quota):
    officer, training, _within, waiting = quota
    client = login(officer)
    url = f"/officer/trainings/{training.id}/registrations/{waiting.id}/status"
    no_reason = client.post(url, data={"status": "confirmed", "beyond_quota": "y"})
    assert no_reason.status_code == 422 and "Give the reason for approving beyond the quota." in no_reason.text
    assert status_of(waiting) == "pending"

    done = client.post(url, data={"status": "confirmed", "beyond_quota": "y",
                                  "reason": "Customs left two seats unused"}, follow_redirects=True)
    assert "Second Nominee is now Confirmed." in done.text
    assert status_of(waiting) == "confirmed"
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.beyond_quota")).all()
    assert (entry.user_id, entry.object_id, entry.training_id) == (officer.id, waiting.id, training.id)
    assert "Customs left two seats unused" in entry.summary


def test_a_nominee_within_the_quota_is_approved_from_the_list_as_before(login, quota):
    officer, training, within, _waiting = quota
    login(officer).post(f"/officer/trainings/{training.id}/registrations/{within.id}/status",
                        data={"status": "confirmed", "back": "list"})
    assert status_of(within) == "confirmed"
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.beyond_quota")).all()


def test_bulk_approval_confirms_those_within_the_quota_and_says_who_is_beyond_it(login, quota):
    officer, training, within, waiting = quota
    other = RegistrationFactory(training=training, status="pending")  # not nominated: no quota of its own
    page = login(officer).post(f"/officer/trainings/{training.id}/registrations/bulk", data={
        "registration_ids": [within.id, waiting.id, other.id], "status": "confirmed", "confirm": "yes"},
        follow_redirects=True).text
    assert "2 changed to Confirmed, 0 already so, 1 not changed." in page
    assert "its nomination quota of 1 seat is used up." in page
    assert "To approve beyond the quota, do it on the registration&#39;s page, with a reason." in page
    assert (status_of(within), status_of(waiting), status_of(other)) == ("confirmed", "pending", "confirmed")


def test_a_nominee_moves_into_the_quota_when_one_within_it_is_rejected(login, quota):
    officer, training, within, waiting = quota
    client = login(officer)
    client.post(f"/officer/trainings/{training.id}/registrations/{within.id}/status",
                data={"status": "rejected", "reason": "Not eligible"})
    client.post(f"/officer/trainings/{training.id}/registrations/{waiting.id}/status", data={"status": "confirmed"})
    assert (status_of(within), status_of(waiting)) == ("rejected", "confirmed")
    # the rejected one cannot come back past the quota either: the seat went to the other
    with pytest.raises(registrations.BeyondQuota):
        registrations.change_status(db.session.get(type(within), within.id), "confirmed", by_user=officer)


def test_a_freed_seat_is_not_given_to_a_nominee_beyond_the_quota(login, quota):
    officer, training, within, waiting = quota
    training.capacity = 2
    seated = RegistrationFactory(training=training, status="confirmed")
    db.session.commit()
    registrations.change_status(within, "confirmed", by_user=officer)  # 2 of 2 seats
    registrations.change_status(db.session.get(type(waiting), waiting.id), "waitlisted", by_user=officer)
    promoted = registrations.change_status(seated, "withdrawn", by_user=officer, reason="Fell ill")
    assert promoted == [] and status_of(waiting) == "waitlisted"


def test_the_nominees_page_refuses_the_waiting_list_with_the_same_message(login, quota):
    officer, training, _within, waiting = quota
    from training_mgr.nominations.models import Nomination

    nomination = db.session.scalar(select(Nomination).where(Nomination.registration_id == waiting.id))
    page = login(officer).post(f"/officer/trainings/{training.id}/nominations/nominees/{nomination.id}/approve",
                               follow_redirects=True).text
    assert "Second Nominee is on the waiting list of Ministry of Interior" in page
    assert status_of(waiting) == "pending"


def test_an_override_adds_a_seat_and_the_nominee_within_the_quota_keeps_theirs(app, login, quota):
    officer, training, within, waiting = quota
    focal_point_page = training.focal_point_page
    client = login(officer)
    client.post(f"/officer/trainings/{training.id}/registrations/{waiting.id}/status",
                data={"status": "confirmed", "beyond_quota": "y", "reason": "Customs left two seats unused"})
    assert status_of(waiting) == "confirmed"
    assert registrations.quota_refusal(db.session.get(type(within), within.id)) is None  # First is still within it
    nominees = client.get(f"/officer/trainings/{training.id}/nominations/nominees").text
    assert "Seat added beyond the quota by the organisers" in nominees and "Waiting list" not in nominees
    page = app.test_client().get(focal_point_page).text
    assert "Seat added beyond the quota by the organisers" in page and "Within the quota" in page
    assert "Waiting list" not in page
    done = client.post(f"/officer/trainings/{training.id}/registrations/{within.id}/status",
                       data={"status": "confirmed"}, follow_redirects=True)
    assert "First Nominee is now Confirmed." in done.text and status_of(within) == "confirmed"
    assert not db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.beyond_quota", AuditEntry.object_id == within.id)).all()
