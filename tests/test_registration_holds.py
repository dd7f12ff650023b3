"""Registering someone already known on the public form: a held seat, confirmed only by that person.

Anyone can type anyone's e-mail address into the public form. For an address that belongs to a participant
or an account, nothing is confirmed and nothing stored about the person changes until they open the
one-time link mailed to them or log in; an unconfirmed hold is released when its time is up.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.factories import PASSWORD, OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.auth.models import User
from training_mgr.catalogue import services as catalogue
from training_mgr.core.db import utcnow
from training_mgr.core.security import hash_token
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.participants.inputs import PersonalDetails
from training_mgr.participants.models import Participant
from training_mgr.registrations import holds, seats
from training_mgr.registrations import services as registrations
from training_mgr.registrations.models import Registration

NEUTRAL_ANSWER = "A message about this registration is on its way to"
LINK = re.compile(r"https?://[^\s\"<>]+/registration/confirm/[A-Za-z0-9_-]+")


@pytest.fixture
def organisation(app):
    return OrganisationFactory(name="Border Points Commission")


@pytest.fixture
def layla(app):
    """A known participant with an account and a password."""
    participant = ParticipantFactory(email="layla@example.org", name="Layla Hassan", name_ar="ليلى حسن", position="Captain",
                                     phone="+964 770 000 0000", organisation=OrganisationFactory(name="Ministry of Interior"))
    UserFactory(role="participant", email=participant.email, participant=participant, name="Layla Hassan")
    return participant


def impostor_form(organisation, email="Layla@Example.org", **overrides):
    data = {
        "name": "Mallory Impostor", "name_ar": "", "sex": "male", "organisation": str(organisation.id),
        "organisation_other": "", "position": "Impostor", "email": email, "phone": "+1 555 0100 999", "consent": "y",
    }
    data.update(overrides)
    return data


def impostor_details(organisation):
    return PersonalDetails(name="Mallory Impostor", name_ar=None, sex="male", organisation_id=organisation.id,
                           organisation_other=None, position="Impostor", phone="+1 555 0100 999")


def mails_to(recipient, kind=None):
    query = select(OutboundEmail).where(OutboundEmail.recipient == recipient).order_by(OutboundEmail.id)
    if kind:
        query = query.where(OutboundEmail.kind == kind)
    return db.session.scalars(query).all()


def link_in(message) -> str:
    links = set(LINK.findall(message.body_text))
    assert len(links) == 1, message.body_text
    assert LINK.search(message.body_html).group(0) in links
    return links.pop()


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def stored(participant):
    db.session.refresh(participant)
    return (participant.name, participant.name_ar, participant.sex, participant.organisation_id, participant.position,
            participant.phone)


def expire(registration):
    db.session.execute(update(Registration).where(Registration.id == registration.id)
                       .values(held_until=utcnow() - timedelta(minutes=1)))
    db.session.commit()


# --- what a visitor can do with someone else's address --------------------------------------------

def test_someone_elses_address_changes_nothing_confirms_nothing_and_mails_the_person_a_link(client, organisation, layla):
    training = TrainingSessionFactory(capacity=5)
    before = stored(layla)

    response = client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))

    assert response.status_code == 302
    assert NEUTRAL_ANSWER in client.get(response.location).get_data(as_text=True)
    assert stored(layla) == before  # name, organisation, position, phone as they were
    registration = db.session.scalar(select(Registration))
    assert registration.participant_id == layla.id
    assert registration.status == "pending" and registration.is_held  # not confirmed
    assert db.session.scalar(select(func.count(Participant.id))) == 1
    [message] = mails_to("layla@example.org")  # one message, to the person, not to whoever typed the address
    assert message.kind == "registration.held" and "Dear Layla Hassan," in message.body_text
    assert "Mallory" not in message.body_text
    link = link_in(message)
    assert registration.hold_token_hash not in link  # only the hash is stored, only the token is mailed
    assert link.rsplit("/", 1)[1] not in (registration.hold_token_hash or "")


def test_the_answer_is_the_same_for_a_new_and_a_known_address(client, organisation, layla):
    training = TrainingSessionFactory()
    for email in ("someone.new@example.org", "layla@example.org"):
        client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation, email=email))
        page = client.get(f"/sessions/{training.id}").get_data(as_text=True)
        flashed = re.search(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S).group(1)
        assert flashed.replace(email, "EMAIL").split() == (
            f"Thank you. {NEUTRAL_ANSWER} EMAIL. Please read it: it says whether your place is confirmed, or how to confirm it."
        ).split()


def test_opening_the_link_shows_what_is_stored_and_confirming_takes_the_seat(client, organisation, layla):
    training = TrainingSessionFactory(capacity=5)
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    link = path_of(link_in(mails_to("layla@example.org", "registration.held")[0]))

    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Layla Hassan" in html and "Captain" in html and "Ministry of Interior" in html
    assert "Mallory" not in html and "Impostor" not in html  # what the visitor typed is not shown, nor kept
    assert db.session.scalar(select(Registration.status)) == "pending"  # opening alone changes nothing

    response = client.post(link, data={"confirm": "Confirm my seat"})
    assert response.status_code == 302
    assert "your place is confirmed" in client.get(response.location).get_data(as_text=True)
    registration = db.session.scalar(select(Registration))
    assert registration.status == "confirmed" and not registration.is_held and registration.hold_token_hash is None
    assert seats.seats_left(training) == 4
    assert [m.kind for m in mails_to("layla@example.org")] == ["registration.held", "registration.confirmed"]
    assert stored(layla)[4] == "Captain"


def test_a_used_link_is_refused_politely(client, organisation, layla):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    link = path_of(link_in(mails_to("layla@example.org", "registration.held")[0]))
    client.post(link, data={"confirm": "Confirm my seat"})

    for again in (client.get(link), client.post(link, data={"confirm": "Confirm my seat"})):
        assert again.status_code == 404
        html = again.get_data(as_text=True)
        assert "This link cannot be used any more" in html and "Log in" in html
    assert db.session.scalar(select(Registration.status)) == "confirmed"
    assert [m.kind for m in mails_to("layla@example.org")] == ["registration.held", "registration.confirmed"]


def test_an_unknown_or_altered_link_is_refused(client, organisation, layla):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    link = path_of(link_in(mails_to("layla@example.org", "registration.held")[0]))
    assert client.get(link[:-1] + ("A" if link[-1] != "A" else "B")).status_code == 404
    assert client.get("/registration/confirm/" + "x" * 5000).status_code == 404


def test_it_was_not_me_releases_the_seat_at_once(client, organisation, layla):
    training = TrainingSessionFactory(capacity=1)
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    waiting = catalogue.register_online(training, impostor_details(organisation), "next@example.org", "en").registration
    assert waiting.status == "waitlisted"  # the held seat is kept for Layla
    link = path_of(link_in(mails_to("layla@example.org", "registration.held")[0]))

    response = client.post(link, data={"decline": "It was not me: release the seat"})

    assert response.status_code == 302
    assert db.session.scalar(select(Registration).where(Registration.participant_id == layla.id)) is None
    assert db.session.get(Registration, waiting.id).status == "confirmed"  # the seat went to the waiting list
    assert client.get(link).status_code == 404


def test_asking_again_mails_a_new_link_that_replaces_the_old_without_making_the_hold_longer(client, organisation, layla):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    held_until = db.session.scalar(select(Registration.held_until))
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))

    first, second = mails_to("layla@example.org", "registration.held")
    assert link_in(first) != link_in(second)
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert db.session.scalar(select(Registration.held_until)) == held_until
    assert client.get(path_of(link_in(first))).status_code == 404
    assert client.get(path_of(link_in(second))).status_code == 200


@pytest.mark.config(PUBLIC_BASE_URL="https://training.example.org")
def test_the_link_points_at_the_public_base_url_whatever_host_the_form_was_sent_to(client, organisation, layla):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation), headers={"Host": "localhost:8080"})
    message = mails_to("layla@example.org", "registration.held")[0]
    assert link_in(message).startswith("https://training.example.org/registration/confirm/")
    assert "localhost" not in message.body_text and "localhost" not in message.body_html


def test_the_link_mail_goes_out_over_smtp_in_the_persons_language(app, client, smtp_server, organisation, layla):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    layla.locale = "ar"
    db.session.commit()
    training = TrainingSessionFactory(title="Human Rights at Borders", title_ar="حقوق الإنسان على الحدود")
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))

    [message] = smtp_server.messages
    assert message["To"] == "layla@example.org" and message["Content-Language"] == "ar"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "ليلى حسن" in text and "حقوق الإنسان على الحدود" in text
    assert '<html lang="ar" dir="rtl">' in html
    assert LINK.search(text).group(0) == LINK.search(html).group(0)


# --- how long a hold lasts -------------------------------------------------------------------------

def test_a_held_seat_counts_against_capacity_so_the_person_is_not_overtaken(client, organisation, layla):
    training = TrainingSessionFactory(capacity=1)
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    assert seats.seats_left(training) == 0
    assert "The training is full" in client.get(f"/sessions/{training.id}").get_data(as_text=True)
    later = catalogue.register_online(training, impostor_details(organisation), "later@example.org", "en").registration
    assert later.status == "waitlisted"


@pytest.mark.config(REGISTRATION_HOLD_HOURS=1)
def test_the_hold_lasts_the_configured_time(app, organisation, layla):
    catalogue.register_online(TrainingSessionFactory(), impostor_details(organisation), "layla@example.org", "en")
    held_until = db.session.scalar(select(Registration.held_until))
    assert abs((held_until.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) - timedelta(hours=1)) < timedelta(minutes=1)


def test_an_expired_hold_takes_no_seat_and_the_sweep_releases_it_to_the_waiting_list(app, runner, organisation, layla):
    training = TrainingSessionFactory(capacity=1)
    held = catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en").registration
    waiting = catalogue.register_online(training, impostor_details(organisation), "waiting@example.org", "en").registration
    assert waiting.status == "waitlisted"

    expire(held)
    assert seats.seats_left(training) == 1  # counts for nothing at once, before any sweep
    assert seats.seats_taken_by_session([training.id]) == {}

    result = runner.invoke(args=["registrations", "release-expired"])
    assert result.exit_code == 0 and result.stdout.strip() == "Released 1 held registration."
    assert db.session.get(Registration, held.id) is None
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    assert "registration.promoted" in [m.kind for m in mails_to("waiting@example.org")]
    assert runner.invoke(args=["registrations", "release-expired"]).output.strip() == "Released 0 held registrations."


def test_an_expired_link_is_refused_and_the_person_can_register_again(client, organisation, layla):
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    link = path_of(link_in(mails_to("layla@example.org", "registration.held")[0]))
    expire(db.session.scalar(select(Registration)))

    assert client.get(link).status_code == 404
    assert client.post(link, data={"confirm": "Confirm my seat"}).status_code == 404
    # the expired hold does not block a new request: a new hold, a new link
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    registration = db.session.scalar(select(Registration))
    assert holds.is_active(registration) and len(mails_to("layla@example.org", "registration.held")) == 2


def confirm_with_known_token(registration, token="known-token"):
    registration.hold_token_hash = hash_token(token)
    db.session.commit()
    return catalogue.confirm_held_registration(token).registration


def test_in_an_approval_training_a_hold_keeps_no_seat_and_confirming_leaves_it_for_an_officer(app, organisation, layla):
    training = TrainingSessionFactory(confirmation_mode="approval", capacity=1)
    held = catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en").registration
    assert not held.hold_keeps_seat and seats.seats_left(training) == 1
    assert confirm_with_known_token(held).status == "pending"
    assert [m.kind for m in mails_to("layla@example.org")][-1] == "registration.received"


def test_a_hold_asked_for_when_the_training_was_full_is_waitlisted_on_confirming(app, organisation, layla):
    training = TrainingSessionFactory(capacity=1)
    RegistrationFactory(training=training)
    held = catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en").registration
    assert not held.hold_keeps_seat
    registration = confirm_with_known_token(held)
    assert registration.status == "waitlisted" and registration.waitlisted_at is not None


# --- staff addresses ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "officer", "manager"])
def test_a_staff_address_never_becomes_a_participant(client, login, organisation, role):
    staff = UserFactory(role=role, email=f"{role}@example.org", name="Staff Member")
    training = TrainingSessionFactory()

    response = client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation, email=f"{role.upper()}@example.org"))
    assert response.status_code == 302 and NEUTRAL_ANSWER in client.get(response.location).get_data(as_text=True)
    # logged in as themself, the same
    login(staff).post(f"/sessions/{training.id}/register", data=impostor_form(organisation, email=f"{role}@example.org"))

    db.session.refresh(staff)
    assert staff.role == role and staff.participant_id is None and staff.name == "Staff Member"
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 1
    notices = mails_to(f"{role}@example.org")
    assert notices and {m.kind for m in notices} == {"registration.login_needed"}
    assert "staff account" in notices[0].body_text


def test_a_staff_member_who_is_also_a_participant_confirms_by_link_and_stays_staff(client, organisation):
    officer = UserFactory(role="officer", email="officer@example.org")
    ParticipantFactory(email="officer@example.org", name="Officer As Participant")  # added by a colleague once
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation, email="officer@example.org"))
    link = path_of(link_in(mails_to("officer@example.org", "registration.held")[0]))
    client.post(link, data={"confirm": "Confirm my seat"})

    assert db.session.scalar(select(Registration.status)) == "confirmed"
    db.session.refresh(officer)
    assert officer.role == "officer" and officer.participant_id is None
    assert db.session.scalar(select(func.count(User.id))) == 1


# --- the person themself -----------------------------------------------------------------------------

def test_logging_in_as_the_person_confirms_the_held_seat(app, organisation, layla):
    training = TrainingSessionFactory(title="Human Rights at Borders")
    app.test_client().post(f"/sessions/{training.id}/register", data=impostor_form(organisation))
    assert db.session.scalar(select(Registration.status)) == "pending"

    person = app.test_client()
    response = person.post("/login", data={"email": "layla@example.org", "password": PASSWORD}, follow_redirects=True)

    assert response.status_code == 200
    assert "Your place in “Human Rights at Borders” is confirmed." in response.get_data(as_text=True)
    registration = db.session.scalar(select(Registration))
    assert registration.status == "confirmed" and not registration.is_held
    assert registration.status_changed_by.email == "layla@example.org"
    assert stored(layla)[0] == "Layla Hassan"


def test_logging_in_after_the_hold_expired_confirms_nothing(app, organisation, layla):
    training = TrainingSessionFactory()
    held = catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en").registration
    expire(held)
    app.test_client().post("/login", data={"email": "layla@example.org", "password": PASSWORD})
    assert db.session.scalar(select(Registration.status)) == "pending"
    assert seats.seats_taken(training.id) == 0


def test_a_logged_in_participant_registering_themself_is_not_held(login, organisation, layla):
    training = TrainingSessionFactory()
    client = login(layla.user)
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation, name="Layla Hassan", sex="female"))
    registration = db.session.scalar(select(Registration))
    assert registration.status == "confirmed" and not registration.is_held
    assert [m.kind for m in mails_to("layla@example.org")] == ["registration.confirmed"]


def test_registering_themself_confirms_a_seat_held_for_them(login, organisation, layla):
    training = TrainingSessionFactory()
    catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en")
    client = login(layla.user)
    response = client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation, name="Layla Hassan", sex="female"))
    assert response.status_code == 302
    assert "your place is confirmed" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(select(Registration.status)) == "confirmed"


def test_a_known_participant_without_an_account_gets_one_when_confirming(client, organisation):
    ParticipantFactory(email="imported@example.org", name="Imported Person")  # from a nomination list
    training = TrainingSessionFactory()
    client.post(f"/sessions/{training.id}/register", data=impostor_form(organisation, email="imported@example.org"))
    assert db.session.scalar(select(func.count(User.id))) == 0  # nothing made before the person confirms
    link = path_of(link_in(mails_to("imported@example.org", "registration.held")[0]))
    client.post(link, data={"confirm": "Confirm my seat"})
    user = db.session.scalar(select(User))
    assert user.email == "imported@example.org" and user.role == "participant" and user.participant.name == "Imported Person"
    assert sorted(m.kind for m in mails_to("imported@example.org")) == [
        "password.set_password", "registration.confirmed", "registration.held"]


# --- what officers and the API see -------------------------------------------------------------------

def test_the_api_shows_a_held_registration_as_pending_and_its_seat_as_taken(login, organisation, layla):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(capacity=3, officers=[officer])
    RegistrationFactory(training=training)
    catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en")
    client = login(officer)

    items = client.get(f"/api/v1/sessions/{training.id}/registrations").get_json()["items"]
    assert sorted(item["status"] for item in items) == ["confirmed", "pending"]
    [session] = [s for s in client.get("/api/v1/sessions").get_json()["items"] if s["id"] == training.id]
    assert session["seats_taken"] == 2


def test_an_officer_deciding_on_a_held_registration_ends_the_hold(app, organisation, layla):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(capacity=1, officers=[officer])
    held = catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en").registration
    waiting = catalogue.register_online(training, impostor_details(organisation), "waiting@example.org", "en").registration

    registrations.change_status(held, "rejected", by_user=officer, reason="Not nominated")

    assert not db.session.get(Registration, held.id).is_held
    assert db.session.get(Registration, waiting.id).status == "confirmed"  # the kept seat went to the waiting list


def test_the_officers_list_says_a_held_registration_waits_for_the_person_and_offers_no_approval(login, organisation, layla):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(capacity=2, officers=[officer])
    catalogue.register_online(training, impostor_details(organisation), "layla@example.org", "en")
    catalogue.register_online(TrainingSessionFactory(), impostor_details(organisation), "other@example.org", "en")

    html = login(officer).get(f"/officer/trainings/{training.id}/registrations").get_data(as_text=True)

    assert "Layla Hassan" in html and "waiting for the person to confirm by e-mail" in html
    assert "Approve<span" not in html  # no approve button on its row (the bulk action's rules refuse it too)
    assert "Seats left: 1 of 2" in html
