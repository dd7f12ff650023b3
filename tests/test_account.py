"""The participant's own space, and passwords: change, forgotten, set from the registration e-mail."""
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, AttendanceMarkFactory, OrganisationFactory, RegistrationFactory, TrainingSessionFactory
from training_mgr.auth import services as auth
from training_mgr.auth.models import User, UserToken
from training_mgr.catalogue import services as catalogue
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.participants.inputs import PersonalDetails
from training_mgr.registrations.models import Registration

NEW_PASSWORD = "a brand new passphrase"


def link_in_last_mail(kind):
    body = db.session.scalars(select(OutboundEmail.body_text).where(OutboundEmail.kind == kind).order_by(OutboundEmail.id.desc())).first()
    return re.search(r"http://localhost(/password/\S+)", body).group(1)


# --- my registrations and withdrawing -------------------------------------------------------------

def test_my_registrations_show_their_status_and_only_mine(login, people):
    mine = RegistrationFactory(participant=people.participant.participant, status="waitlisted",
                               training=TrainingSessionFactory(title="My training"))
    RegistrationFactory(participant=people.other_participant.participant, training=TrainingSessionFactory(title="Their training"))
    html = login(people.participant).get("/account").get_data(as_text=True)
    assert "My training" in html and "Waiting list" in html
    assert "Their training" not in html
    assert f"/account/registrations/{mine.id}/withdraw" in html and "data-confirm" in html


def test_withdrawing_frees_the_seat_for_the_first_on_the_waiting_list(login, people):
    training = TrainingSessionFactory(capacity=1)
    mine = RegistrationFactory(training=training, participant=people.participant.participant, status="confirmed")
    waiting = RegistrationFactory(training=training, participant=people.other_participant.participant, status="waitlisted")
    client = login(people.participant)
    response = client.post(f"/account/registrations/{mine.id}/withdraw", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Your registration is withdrawn." in html
    assert "given to the next person on the waiting list" in html
    assert db.session.get(Registration, mine.id).status == "withdrawn"
    assert db.session.get(Registration, waiting.id).status == "confirmed"


def test_someone_elses_registration_cannot_be_withdrawn(login, people):
    theirs = RegistrationFactory(participant=people.other_participant.participant)
    assert login(people.participant).post(f"/account/registrations/{theirs.id}/withdraw").status_code == 404
    assert db.session.get(Registration, theirs.id).status == "confirmed"


def test_a_training_that_has_started_can_no_longer_be_withdrawn_from(login, people):
    training = TrainingSessionFactory(start_date=date.today(), end_date=date.today() + timedelta(days=1))
    mine = RegistrationFactory(training=training, participant=people.participant.participant)
    client = login(people.participant)
    assert "/withdraw" not in client.get("/account").get_data(as_text=True)
    html = client.post(f"/account/registrations/{mine.id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "can no longer be withdrawn" in html
    assert db.session.get(Registration, mine.id).status == "confirmed"


def test_valid_certificates_are_listed(login, people, app):
    from training_mgr.certificates.models import Certificate

    registration = RegistrationFactory(participant=people.participant.participant)
    db.session.add(Certificate(registration=registration, serial="TM-2026-0001", year=2026, sequence=1,
                               code="ABCD-EFGH-JKMN-PQRS", issued_on=date(2026, 1, 15)))
    db.session.commit()
    html = login(people.participant).get("/account").get_data(as_text=True)
    assert "TM-2026-0001" in html
    if "certificates.download" in app.view_functions:
        assert "Download my certificate" in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in ("/account", "/account/profile", "/account/password", "/account/my-data.json"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login"), path


# --- profile ----------------------------------------------------------------------------------------

def test_editing_my_profile(login, people):
    organisation = OrganisationFactory(name="General Commission of Customs")
    client = login(people.participant)
    html = client.get("/account/profile").get_data(as_text=True)
    assert f'value="{people.participant.participant.name}"' in html
    response = client.post("/account/profile", data={
        "name": "Omar Khalil", "name_ar": "عمر خليل", "sex": "male", "organisation": str(organisation.id),
        "position": "Customs inspector", "phone": "07701234567", "locale": "ar",
    })
    assert response.status_code == 302
    participant = db.session.get(type(people.participant.participant), people.participant.participant_id)
    assert (participant.name, participant.name_ar, participant.organisation_id, participant.locale) == (
        "Omar Khalil", "عمر خليل", organisation.id, "ar")
    assert db.session.get(User, people.participant.id).locale == "ar"


def test_a_bad_profile_is_refused_beside_the_field_and_nothing_changes(login, people):
    before = people.participant.participant.name
    response = login(people.participant).post("/account/profile", data={
        "name": "", "sex": "male", "organisation": "424242", "locale": "xx",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in html and 'id="organisation-error"' in html and 'id="locale-error"' in html
    db.session.expire_all()
    assert people.participant.participant.name == before


def test_staff_have_no_participant_profile(login, people):
    assert login(people.officer).get("/account/profile").status_code == 404
    assert login(people.officer).get("/account").status_code == 200


# --- my data --------------------------------------------------------------------------------------

def test_download_all_my_data_holds_mine_and_nobody_elses(login, people):
    me = people.participant.participant
    registration = RegistrationFactory(participant=me, training=TrainingSessionFactory(title="Border law"))
    AttendanceMarkFactory(registration=registration, status="late")
    other = RegistrationFactory(participant=people.other_participant.participant, training=registration.training)
    AttendanceMarkFactory(registration=other, status="absent")

    response = login(people.participant).get("/account/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["participant"]["email"] == me.email and data["participant"]["name"] == me.name
    assert data["account"]["email"] == people.participant.email and "password_hash" not in json.dumps(data)
    [mine] = data["registrations"]
    assert mine["training"]["title"] == "Border law" and mine["status"] == "confirmed"
    assert [m["status"] for m in mine["attendance"]] == ["late"]
    text = response.get_data(as_text=True)
    assert people.other_participant.email not in text and "absent" not in text


# --- passwords ------------------------------------------------------------------------------------

def test_changing_my_password_needs_the_current_one_and_ends_other_sessions(login, people, app):
    elsewhere = login(people.participant)
    client = login(people.participant)
    response = client.post("/account/password", data={"current_password": "wrong", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "The current password is wrong." in response.get_data(as_text=True)

    response = client.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # still logged in here
    assert elsewhere.get("/account").status_code == 302  # logged out there
    assert db.session.get(User, people.participant.id).check_password(NEW_PASSWORD)


def test_a_weak_or_mistyped_new_password_is_refused(login, people):
    client = login(people.participant)
    html = client.post("/account/password", data={"current_password": PASSWORD, "password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "at least" in html.lower()
    html = client.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}).get_data(as_text=True)
    assert "The two passwords differ." in html
    assert db.session.get(User, people.participant.id).check_password(PASSWORD)


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(client, people):
    known = client.post("/password/forgot", data={"email": people.participant.email}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    message = "If an account uses this address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert [m.recipient for m in db.session.scalars(select(OutboundEmail))] == [people.participant.email]


def test_the_login_page_offers_forgot_password(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_reset_link_works_once(client, people):
    client.post("/password/forgot", data={"email": people.participant.email})
    path = link_in_last_mail("password.reset_password")
    token = db.session.scalar(select(UserToken))
    assert token.token_hash not in path  # only the hash is stored; the link carries the secret

    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/login"
    assert db.session.get(User, people.participant.id).check_password(NEW_PASSWORD)

    again = client.post(path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"})
    assert again.status_code == 404 and "not valid any more" in again.get_data(as_text=True)
    assert db.session.get(User, people.participant.id).check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(client, people):
    client.post("/password/forgot", data={"email": people.participant.email})
    path = link_in_last_mail("password.reset_password")
    token = db.session.scalar(select(UserToken))
    token.expires_at = token.expires_at - timedelta(days=30)
    db.session.commit()
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    assert not db.session.get(User, people.participant.id).check_password(NEW_PASSWORD)


@pytest.mark.parametrize("path", ["/password/reset/not-a-token", "/password/set/" + "x" * 5000, "/password/set/%00"])
def test_made_up_links_are_refused_kindly(client, path):
    assert client.get(path).status_code == 404


def test_a_reset_link_is_not_a_set_link(client, people):
    client.post("/password/forgot", data={"email": people.participant.email})
    path = link_in_last_mail("password.reset_password").replace("/reset/", "/set/")
    assert client.get(path).status_code == 404


def test_the_set_password_link_from_registering_opens_the_account(client):
    training = TrainingSessionFactory()
    catalogue.register_online(training, PersonalDetails(
        name="Layla Hassan", name_ar=None, sex="female", organisation_id=OrganisationFactory().id,
        organisation_other=None, position=None, phone=None,
    ), "layla@example.org", "en")
    path = link_in_last_mail("password.set_password")
    assert path.startswith("/password/set/")
    assert "layla@example.org" in client.get(path).get_data(as_text=True)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.post("/login", data={"email": "layla@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/account"
    assert training.title in client.get("/account").get_data(as_text=True)


def test_a_new_password_spends_every_open_link(app, people):
    user = people.participant
    auth.issue_password_link(user, "reset_password")
    auth.issue_password_link(user, "reset_password")
    db.session.commit()
    auth.change_password(user, PASSWORD, NEW_PASSWORD)
    assert all(t.used_at is not None for t in db.session.scalars(select(UserToken)))
