"""Registering oneself online: the rules (without HTTP) and the form (with it)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.auth.models import User, UserToken
from training_mgr.catalogue import services as catalogue
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.participants.inputs import PersonalDetails
from training_mgr.participants.models import Participant
from training_mgr.registrations import seats
from training_mgr.registrations import services as registrations
from training_mgr.registrations.models import Registration


def details(organisation, **overrides):
    values = {
        "name": "Layla Hassan", "name_ar": "ليلى حسن", "sex": "female", "organisation_id": organisation.id,
        "organisation_other": None, "position": "Border officer", "phone": "+964 770 123 4567",
    }
    values.update(overrides)
    return PersonalDetails(**values)


def form_data(org, **overrides):
    data = {
        "name": "Layla Hassan", "name_ar": "ليلى حسن", "sex": "female", "organisation": str(org.id),
        "organisation_other": "", "position": "Border officer", "email": "Layla.Hassan@Example.org ",
        "phone": "+964 770 123 4567", "consent": "y",
    }
    data.update(overrides)
    return data


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def organisation(app):
    return OrganisationFactory(name="Border Points Commission", name_ar="هيئة المنافذ الحدودية")


# --- the rules, without HTTP ----------------------------------------------------------------------

def test_automatic_training_confirms_until_full_then_waitlists(app, organisation):
    training = TrainingSessionFactory(capacity=2)
    outcomes = [
        catalogue.register_online(training, details(organisation, name=f"Person {n}"), f"p{n}@example.org", "en").registration.status
        for n in range(4)
    ]
    assert outcomes == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert seats.seats_left(training) == 0


def test_approval_training_leaves_registrations_pending(app, organisation):
    training = TrainingSessionFactory(confirmation_mode="approval")
    outcome = catalogue.register_online(training, details(organisation), "layla@example.org", "en")
    assert outcome.registration.status == "pending"
    assert outcome.registration.source == "online"


def test_a_freed_seat_goes_to_the_first_on_the_waiting_list(app, organisation):
    training = TrainingSessionFactory(capacity=1)
    first = catalogue.register_online(training, details(organisation), "first@example.org", "en").registration
    second = catalogue.register_online(training, details(organisation, name="Second"), "second@example.org", "en").registration
    third = catalogue.register_online(training, details(organisation, name="Third"), "third@example.org", "en").registration
    assert (second.status, third.status) == ("waitlisted", "waitlisted")

    promoted = registrations.change_status(first, "withdrawn", by_user=first.participant.user)
    assert [r.id for r in promoted] == [second.id]
    assert db.session.get(Registration, second.id).status == "confirmed"
    assert db.session.get(Registration, third.id).status == "waitlisted"


@pytest.mark.parametrize("change", [
    {"registration_opens_at": utcnow() + timedelta(days=1)},
    {"registration_closes_at": utcnow() - timedelta(minutes=1)},
    {"status": "closed"},
])
def test_registration_outside_the_window_is_refused_and_stores_nothing(app, organisation, change):
    training = TrainingSessionFactory(**change)
    with pytest.raises(registrations.RegistrationError):
        catalogue.register_online(training, details(organisation), "layla@example.org", "en")
    assert count(Participant) == 0 and count(Registration) == 0 and count(OutboundEmail) == 0


def test_the_same_person_twice_gets_a_clear_refusal_and_no_second_registration(app, organisation):
    training = TrainingSessionFactory()
    participant = catalogue.register_online(training, details(organisation), "layla@example.org", "en").registration.participant
    with pytest.raises(catalogue.AlreadyRegistered, match="already registered"):
        catalogue.register_online(training, details(organisation), "LAYLA@example.org ", "en", by_user=participant.user)
    assert count(Registration) == 1 and count(Participant) == 1


def test_someone_else_registering_a_registered_person_again_changes_nothing_and_tells_the_person(app, organisation):
    """Not logged in as the person: no refusal that would tell the visitor the address is registered."""
    training = TrainingSessionFactory()
    catalogue.register_online(training, details(organisation), "layla@example.org", "en")
    outcome = catalogue.register_online(training, details(organisation, name="Somebody Else"), "LAYLA@example.org ", "en")
    assert outcome.awaits_the_person and outcome.registration.status == "confirmed"
    assert count(Registration) == 1 and count(Participant) == 1
    assert db.session.scalar(select(Participant.name)) == "Layla Hassan"
    notice = db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id.desc())).first()
    assert (notice.recipient, notice.kind) == ("layla@example.org", "registration.exists")
    assert "Confirmed" in notice.body_text


def test_a_new_person_gets_a_participant_account_without_password_and_a_hashed_single_link(app, organisation):
    training = TrainingSessionFactory()
    outcome = catalogue.register_online(training, details(organisation), "Layla@Example.org", "ar")
    participant = outcome.registration.participant
    assert participant.email == "layla@example.org" and participant.locale == "ar" and participant.consent_at is not None
    user = db.session.scalar(select(User).where(User.email == "layla@example.org"))
    assert user.role == "participant" and user.participant_id == participant.id and user.password_hash is None
    token = db.session.scalar(select(UserToken).where(UserToken.user_id == user.id))
    assert token.purpose == "set_password" and len(token.token_hash) == 64 and token.used_at is None
    assert outcome.password_link_sent
    kinds = sorted(m.kind for m in db.session.scalars(select(OutboundEmail)))
    assert kinds == ["password.set_password", "registration.confirmed"]
    # the plain token is only in the e-mail, never stored
    link_mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "password.set_password"))
    assert token.token_hash not in link_mail.body_text


def test_a_known_email_reuses_the_participant_and_does_not_overwrite_their_details(app, organisation):
    """Anyone can type an address into the public form; that must not rewrite someone's profile."""
    known = ParticipantFactory(email="layla@example.org", name="Layla Hassan", position="Captain")
    UserFactory(role="participant", email=known.email, participant=known)
    training = TrainingSessionFactory()
    outcome = catalogue.register_online(
        training, details(organisation, name="Somebody Else", position="Impostor"), "layla@example.org", "en"
    )
    assert outcome.registration.participant_id == known.id
    assert outcome.awaits_the_person and outcome.registration.is_held  # confirmed only by the person (test_registration_holds)
    assert not outcome.password_link_sent  # the account already has a password
    db.session.refresh(known)
    assert (known.name, known.position) == ("Layla Hassan", "Captain")
    assert count(Participant) == 1


def test_a_logged_in_participant_updates_their_own_details_by_registering(app, organisation):
    known = ParticipantFactory(email="layla@example.org", name="Layla Hasan", position="Captain")
    user = UserFactory(role="participant", email=known.email, participant=known)
    outcome = catalogue.register_online(TrainingSessionFactory(), details(organisation), "layla@example.org", "en", by_user=user)
    assert outcome.registration.status == "confirmed" and not outcome.awaits_the_person
    db.session.refresh(known)
    assert (known.name, known.position, known.organisation_id) == ("Layla Hassan", "Border officer", organisation.id)


def test_a_staff_address_registers_nothing_and_keeps_its_own_account(app, organisation):
    officer = UserFactory(role="officer", email="officer@example.org")
    outcome = catalogue.register_online(TrainingSessionFactory(), details(organisation), "Officer@example.org", "en")
    assert outcome.registration is None and outcome.awaits_the_person and not outcome.password_link_sent
    db.session.refresh(officer)
    assert officer.role == "officer" and officer.participant_id is None
    assert count(Participant) == 0 and count(Registration) == 0


# --- the form -----------------------------------------------------------------------------------

def test_the_form_has_every_field_with_phone_friendly_attributes(client, organisation):
    training = TrainingSessionFactory()
    html = client.get(f"/sessions/{training.id}/register").get_data(as_text=True)
    for label in ("Full name in Latin letters", "Full name in Arabic script", "Sex", "Organisation", "Position or rank",
                  "Email", "Telephone", "privacy notice"):
        assert label in html
    assert 'inputmode="email"' in html and 'autocomplete="email"' in html
    assert 'type="tel"' in html and 'inputmode="tel"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "Border Points Commission" in html and 'value="other"' in html
    assert 'href="/privacy"' in html


NEUTRAL_ANSWER = "A message about this registration is on its way to"


def mail_kinds():
    return sorted(m.kind for m in db.session.scalars(select(OutboundEmail)))


def test_registering_through_the_form(client, organisation):
    training = TrainingSessionFactory()
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    assert response.status_code == 302 and response.location == f"/sessions/{training.id}"
    page = client.get(response.location).get_data(as_text=True)
    # the same answer as for a known address (test_registration_holds): the e-mails say what happened
    assert NEUTRAL_ANSWER in page and "layla.hassan@example.org" in page
    assert mail_kinds() == ["password.set_password", "registration.confirmed"]
    participant = db.session.scalar(select(Participant))
    assert (participant.name, participant.name_ar, participant.sex, participant.position, participant.phone) == (
        "Layla Hassan", "ليلى حسن", "female", "Border officer", "+964 770 123 4567")
    assert participant.organisation_id == organisation.id and participant.email == "layla.hassan@example.org"
    assert db.session.scalar(select(Registration.status)) == "confirmed"


def test_full_training_waitlists_and_says_so_by_mail(client, organisation):
    training = TrainingSessionFactory(capacity=1)
    RegistrationFactory(training=training)
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    assert NEUTRAL_ANSWER in client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert "registration.waitlisted" in mail_kinds()


def test_approval_training_says_by_mail_that_an_officer_will_decide(client, organisation):
    training = TrainingSessionFactory(confirmation_mode="approval")
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    assert NEUTRAL_ANSWER in client.get(f"/sessions/{training.id}").get_data(as_text=True)
    received = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "registration.received"))
    assert "A programme officer will review it" in received.body_text


def test_a_logged_in_participant_is_told_their_status_on_the_page(login, organisation):
    participant = ParticipantFactory(email="layla@example.org", organisation=organisation)
    client = login(UserFactory(role="participant", email=participant.email, participant=participant))
    training = TrainingSessionFactory(capacity=1)
    RegistrationFactory(training=training)
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    assert "you are on the waiting list" in client.get(f"/sessions/{training.id}").get_data(as_text=True)


def test_registering_twice_shows_a_message_beside_the_email(login, organisation):
    participant = ParticipantFactory(email="layla.hassan@example.org", organisation=organisation)
    client = login(UserFactory(role="participant", email=participant.email, participant=participant))
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation, email="layla.hassan@example.org"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already registered for this training" in html
    assert 'id="email-error"' in html
    assert count(Registration) == 1


def test_registering_someone_twice_without_logging_in_answers_as_the_first_time(client, organisation):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation, email="layla.hassan@example.org"))
    assert response.status_code == 302
    assert NEUTRAL_ANSWER in client.get(response.location).get_data(as_text=True)
    assert count(Registration) == 1


def test_other_organisation_is_kept_as_typed_for_an_officer_to_map(client, organisation):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register",
                data=form_data(organisation, organisation="other", organisation_other="Directorate of Residency Affairs"))
    participant = db.session.scalar(select(Participant))
    assert participant.organisation_id is None
    assert participant.organisation_other == "Directorate of Residency Affairs"


def test_other_organisation_needs_its_name(client, organisation):
    training = TrainingSessionFactory()
    html = client.post(f"/sessions/{training.id}/register", data=form_data(organisation, organisation="other")).get_data(as_text=True)
    assert "Please type the name of your organisation." in html
    assert count(Participant) == 0


def test_an_empty_form_shows_each_error_beside_its_field_and_stores_nothing(client, organisation):
    training = TrainingSessionFactory()
    response = client.post(f"/sessions/{training.id}/register", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for field in ("name", "sex", "organisation", "email", "consent"):
        assert f'id="{field}-error"' in html, field
    assert "Your agreement is needed to register." in html
    assert count(Participant) == 0 and count(Registration) == 0 and count(User) == 0 and count(OutboundEmail) == 0


# an Arabic name goes in its own field (tests/test_registration_names.py)
@pytest.mark.parametrize("name", ["Ahmed Al-Rubaie", "Zoë O’Brien-Smith", "J. R. R. Tolkien", "Þórunn Ástvaldsdóttir"])
def test_names_in_any_script_are_accepted(client, organisation, name):
    training = TrainingSessionFactory()
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation, name=name))
    assert response.status_code == 302
    assert db.session.scalar(select(Participant.name)) == name


@pytest.mark.parametrize("field,value,message", [
    ("name", "x" * 201, "200"),
    ("name", "Agent 007", "Use letters only"),
    ("name", "Layla\x00Hassan", "characters that are not allowed"),
    ("name", "<script>alert(1)</script>", "Use letters only"),
    ("name_ar", "ليلى ٧", "Use letters only"),
    ("position", "Chief\x00", "characters that are not allowed"),
    ("position", "p" * 201, "200"),
    ("email", "not-an-email", "valid e-mail"),
    ("email", "a" * 250 + "@example.org", "254"),
    ("email", "layla\x00@example.org", None),
    ("phone", "call me maybe", "telephone number"),
    ("phone", "1" * 41, None),
    ("sex", "unknown", "Please choose one."),
    ("organisation", "999999", "Choose an organisation from the list."),
    ("organisation", "not-a-number", "Choose an organisation from the list."),
    ("organisation_other", "o" * 201, "200"),
])
def test_bad_input_is_refused_beside_its_field_without_a_crash(client, organisation, field, value, message):
    training = TrainingSessionFactory()
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    if message:
        assert message in html
    assert count(Participant) == 0 and count(Registration) == 0


def test_repeated_and_oddly_typed_fields_do_not_crash(client, organisation):
    training = TrainingSessionFactory()
    response = client.post(
        f"/sessions/{training.id}/register",
        data={**form_data(organisation), "sex": ["female", "male"], "consent": ["y", "n"], "unexpected": "x"},
    )
    assert response.status_code in (200, 302)
    response = client.post(f"/sessions/{training.id}/register", data=b"\xff\xfe garbage", content_type="application/octet-stream")
    assert response.status_code == 200


def test_arabic_indic_digits_in_the_phone_are_understood(client, organisation):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation, phone="+٩٦٤ ٧٧٠ ١٢٣ ٤٥٦٧"))
    assert db.session.scalar(select(Participant.phone)) == "+964 770 123 4567"


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_a_post_without_the_csrf_token_is_refused_kindly(client, organisation):
    training = TrainingSessionFactory()
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    assert response.status_code in (200, 400)
    assert count(Participant) == 0


def test_closed_registration_says_why_instead_of_showing_the_form(client, organisation):
    training = TrainingSessionFactory(registration_closes_at=utcnow() - timedelta(days=1))
    html = client.get(f"/sessions/{training.id}/register").get_data(as_text=True)
    assert "The registration deadline for this training has passed." in html
    assert 'name="email"' not in html
    client.post(f"/sessions/{training.id}/register", data=form_data(organisation))
    assert count(Participant) == 0


def test_a_draft_training_does_not_exist_for_the_public(client):
    training = TrainingSessionFactory(status="draft")
    assert client.get(f"/sessions/{training.id}/register").status_code == 404
    assert client.get("/sessions/999999/register").status_code == 404


def test_a_logged_in_participant_finds_the_form_filled_in_for_their_own_address(login, organisation):
    participant = ParticipantFactory(email="layla@example.org", name="Layla Hassan", organisation=organisation)
    user = UserFactory(role="participant", email=participant.email, participant=participant)
    training = TrainingSessionFactory()
    client = login(user)
    html = client.get(f"/sessions/{training.id}/register").get_data(as_text=True)
    assert 'value="Layla Hassan"' in html and 'value="layla@example.org"' in html and "readonly" in html
    # a typed-in other address is ignored: the registration is for the logged-in person
    response = client.post(f"/sessions/{training.id}/register", data=form_data(organisation, email="someone.else@example.org"))
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.participant_id)) == participant.id
    assert count(Participant) == 1
