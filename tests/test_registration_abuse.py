"""Scripted abuse of the public forms: registration and password-reset limits per address and per e-mail, and
the bot trap (a honeypot and a minimum fill time) that needs no third party and no JavaScript."""
import re
import time

import pytest
from sqlalchemy import func, select

from tests.factories import OrganisationFactory, ParticipantFactory, TrainingSessionFactory, UserFactory
from training_mgr.core.bottrap import make_stamp, stamp_age
from training_mgr.extensions import db, limiter
from training_mgr.mail.models import OutboundEmail
from training_mgr.participants.models import Participant
from training_mgr.registrations.models import Registration

OFFICE = "203.0.113.40"  # one office behind one NAT address, or one script


def person_name(n: int) -> str:
    """Names are letters only: "Person Ab", "Person Ac" …"""
    return f"Person {chr(65 + n // 26)}{chr(97 + n % 26)}"


@pytest.fixture
def organisation(app):
    return OrganisationFactory(name="Border Points Commission")


def form_data(organisation, n=0, **overrides):
    data = {
        "name": person_name(n), "name_ar": "", "sex": "female", "organisation": str(organisation.id),
        "organisation_other": "", "position": "Border officer", "email": f"person{n}@ministry.example",
        "phone": "", "consent": "y", "website": "", "form_stamp": make_stamp(time.time() - 30),
    }
    data.update(overrides)
    return data


def register(client, training, data, address=OFFICE):
    return client.post(f"/sessions/{training.id}/register", data=data, environ_base={"REMOTE_ADDR": address})


def count(model, *where):
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def seats_and_people_written_to(training):
    seats = count(Registration, Registration.training_id == training.id)
    recipients = {m.recipient for m in db.session.scalars(select(OutboundEmail))}
    return seats, recipients


# --- limits per address and per e-mail -----------------------------------------------------------


@pytest.mark.config(RATELIMIT_ENABLED=True, FORM_MIN_FILL_SECONDS=3)
def test_eighty_scripted_registrations_from_one_address_take_a_handful_of_seats(app, client, organisation):
    training = TrainingSessionFactory(capacity=80)
    statuses = [register(client, training, form_data(organisation, n)).status_code for n in range(80)]

    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    seats, recipients = seats_and_people_written_to(training)
    assert seats == 5
    assert recipients == {f"person{n}@ministry.example" for n in range(5)}  # nobody else was mailed


@pytest.mark.config(RATELIMIT_ENABLED=True, FORM_MIN_FILL_SECONDS=3)
def test_twenty_colleagues_behind_one_office_address_all_register_within_the_hour(app, organisation, monkeypatch):
    training = TrainingSessionFactory(capacity=25)
    start = time.time()
    for n in range(20):  # one every three minutes
        monkeypatch.setattr(limiter.storage, "clock", lambda at=start + n * 180: at)
        response = register(app.test_client(), training, form_data(organisation, n))
        assert response.status_code == 302, (n, response.status_code)
    assert seats_and_people_written_to(training)[0] == 20


@pytest.mark.config(RATELIMIT_ENABLED=True, FORM_MIN_FILL_SECONDS=3)
def test_one_address_cannot_flood_a_known_persons_mailbox(app, organisation):
    victim = ParticipantFactory(email="victim@ministry.example", organisation=organisation)
    trainings = [TrainingSessionFactory() for _ in range(6)]

    def post(n):
        return register(app.test_client(), trainings[n], form_data(organisation, n, email=victim.email),
                        address=f"198.51.100.{n}").status_code

    assert [post(n) for n in range(3)] == [302] * 3
    mails = count(OutboundEmail, OutboundEmail.recipient == victim.email)
    assert [post(n) for n in range(3, 6)] == [429] * 3  # from new addresses each: the per-e-mail limit holds
    assert count(OutboundEmail, OutboundEmail.recipient == victim.email) == mails  # and nothing more was sent


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_refused_forms_do_not_use_up_the_offices_allowance(app, client, organisation):
    training = TrainingSessionFactory(capacity=10)
    for n in range(8):  # typing mistakes: the form comes back, nothing is registered or sent
        response = register(client, training, form_data(organisation, n, email="not-an-address"))
        assert response.status_code == 200
    assert register(client, training, form_data(organisation, 1)).status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_a_script_asking_for_password_links_sends_a_handful(app, client):
    UserFactory(email="officer@example.org", role="officer")
    statuses = [client.post("/password/forgot", data={"email": f"user{n}@example.org"},
                            environ_base={"REMOTE_ADDR": OFFICE}).status_code for n in range(30)]
    assert statuses == [302] * 5 + [429] * 25  # five a minute from one address


@pytest.mark.config(RATELIMIT_ENABLED=True, REGISTRATION_LIMIT_PER_ADDRESS="2 per minute")
def test_the_429_page_for_registration_says_when_to_try_again_in_the_readers_language(app, client, organisation):
    training = TrainingSessionFactory(capacity=10)
    for n in range(2):
        register(client, training, form_data(organisation, n))
    response = register(client, training, form_data(organisation, 2))
    assert response.status_code == 429
    assert re.search(r"Please try again in (1 minute|\d+ seconds)\.", response.text)
    arabic = client.post(f"/sessions/{training.id}/register?lang=ar", data=form_data(organisation, 3),
                         environ_base={"REMOTE_ADDR": OFFICE})
    assert arabic.status_code == 429 and 'dir="rtl"' in arabic.text
    assert "دقيقة" in arabic.text or "ثانية" in arabic.text  # a minute, or seconds, in Arabic words


# --- the bot trap --------------------------------------------------------------------------------


def test_the_form_carries_a_honeypot_people_never_meet_and_a_signed_stamp(client, organisation):
    training = TrainingSessionFactory()
    page = client.get(f"/sessions/{training.id}/register").text
    trap = re.search(r'<div class="trap-field" aria-hidden="true">(.*?)</div>', page, re.S).group(1)
    assert "Leave this field empty" in trap  # what a browser without CSS shows
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", trap).group(0)
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field and 'value=""' in field
    assert re.search(r'name="form_stamp" type="hidden" value="[^"]+"', page)
    assert ".trap-field" in client.get("/static/css/app.css").text


@pytest.mark.config(FORM_MIN_FILL_SECONDS=3)
@pytest.mark.parametrize("trap", [
    {"website": "http://spam.example"},  # the honeypot filled
    {"form_stamp": None},  # posted at once, faster than a person reads
    {"form_stamp": ""},  # no stamp
    {"form_stamp": "12345.abcdef"},  # a stamp not made by the app
])
def test_a_trapped_post_registers_and_mails_nothing_and_gives_the_form_back(app, client, organisation, trap):
    training = TrainingSessionFactory()
    data = form_data(organisation, 7, **trap)
    if data["form_stamp"] is None:
        data["form_stamp"] = make_stamp()  # drawn just now
    response = register(client, training, data)

    assert response.status_code == 200
    assert "Your form could not be sent. Please check your answers and send it again." in response.text
    assert 'value="person7@ministry.example"' in response.text and 'value="Person Ah"' in response.text  # refilled
    assert count(Participant) == 0 and count(Registration) == 0 and count(OutboundEmail) == 0

    # the refilled form has a fresh stamp: the person who was only quick sends it again a moment later
    stamp = re.search(r'name="form_stamp" type="hidden" value="([^"]+)"', response.text).group(1)
    assert abs(stamp_age(stamp)) < 2  # drawn just now


@pytest.mark.config(FORM_MIN_FILL_SECONDS=3)
def test_a_person_taking_their_time_gets_through(client, organisation):
    training = TrainingSessionFactory()
    assert register(client, training, form_data(organisation, 1, form_stamp=make_stamp(time.time() - 4))).status_code == 302
    assert count(Registration) == 1


@pytest.mark.config(FORM_MIN_FILL_SECONDS=3)
def test_the_password_form_is_trapped_too(app, client):
    UserFactory(email="officer@example.org", role="officer")
    response = client.post("/password/forgot", data={"email": "officer@example.org", "website": "x",
                                                     "form_stamp": make_stamp(time.time() - 30)})
    assert response.status_code == 200 and "Your form could not be sent" in response.text
    assert count(OutboundEmail) == 0
    response = client.post("/password/forgot", data={"email": "officer@example.org", "website": "",
                                                     "form_stamp": make_stamp(time.time() - 30)})
    assert response.status_code == 302 and count(OutboundEmail) == 1


@pytest.mark.config(RATELIMIT_ENABLED=True, FORM_MIN_FILL_SECONDS=3)
def test_a_stamp_is_good_for_a_double_click_but_not_for_a_burst(app, organisation):
    training = TrainingSessionFactory(capacity=20)
    stamp = make_stamp(time.time() - 30)  # one form drawn, one wait, then a script posts it again and again
    statuses = [register(app.test_client(), training, form_data(organisation, n, form_stamp=stamp),
                         address=f"198.51.100.{n}").status_code for n in range(6)]
    assert statuses == [302, 302, 200, 200, 200, 200]
    assert count(Registration) == 2


@pytest.mark.config(FORM_MIN_FILL_SECONDS=3, FORM_MAX_AGE_HOURS=12)
def test_a_stamp_kept_longer_than_a_person_would_is_refused(client, organisation):
    training = TrainingSessionFactory()
    response = register(client, training, form_data(organisation, 1, form_stamp=make_stamp(time.time() - 13 * 3600)))
    assert response.status_code == 200 and "Your form could not be sent" in response.text
    assert register(client, training, form_data(organisation, 1, form_stamp=make_stamp(time.time() - 11 * 3600))).status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_an_ipv6_client_counts_by_its_network_not_by_each_address_it_can_pick(app, organisation):
    training = TrainingSessionFactory(capacity=20)
    statuses = [register(app.test_client(), training, form_data(organisation, n), address=f"2001:db8:1:2::{n + 1:x}").status_code
                for n in range(7)]
    assert statuses == [302] * 5 + [429] * 2  # seven addresses of one /64 share the allowance of one address
    assert register(app.test_client(), training, form_data(organisation, 9), address="2001:db8:1:3::1").status_code == 302
