"""Nominations by focal points: an officer invites an organisation with a quota and a deadline, the focal point
nominates through a link of their own (no account), nominees become pending registrations and confirm their own
details, and the officer approves within the quota, warned about gender balance and repeat attendance."""
import io
import re
import threading
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.factories import (
    CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory,
    UserFactory,
)
from training_mgr.certificates.models import Certificate
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.nominations import balance, reminders, services
from training_mgr.nominations.inputs import InvitationDetails, NomineeDetails
from training_mgr.nominations.models import Nomination, NominationInvitation
from training_mgr.participants.models import Participant
from training_mgr.registrations.models import Registration


@pytest.fixture
def world(app):
    officer = UserFactory(role="officer", email="officer@example.org")
    interior = OrganisationFactory(name="Ministry of Interior", acronym="MOI", name_ar="وزارة الداخلية")
    customs = OrganisationFactory(name="General Commission of Customs", acronym="GCC")
    training = TrainingSessionFactory(officers=[officer], confirmation_mode="approval", capacity=20,
                                      start_date=date.today() + timedelta(days=40))
    return SimpleNamespace(officer=officer, interior=interior, customs=customs, training=training)


def invite(training, organisation, seats=3, deadline=None, email="focal@moi.gov.iq", locale="en"):
    return services.invite(training, InvitationDetails(
        organisation_id=organisation.id, focal_point_name="Colonel Salim Hadi", focal_point_email=email,
        seats=seats, deadline=deadline or date.today() + timedelta(days=10), locale=locale), by_user=None)


def nominee(name="Ahmed Kadhim", sex="male", email="ahmed@moi.gov.iq", **extra):
    return {"name": name, "sex": sex, "email": email, **extra}


def mails_to(recipient, kind=None):
    query = select(OutboundEmail).where(OutboundEmail.recipient == recipient).order_by(OutboundEmail.id)
    if kind:
        query = query.where(OutboundEmail.kind == kind)
    return db.session.scalars(query).all()


def link_in(message) -> str:
    """The link in an e-mail, without its language (``?lang=``)."""
    return re.search(r"https?://\S+/nominations/\S+", message.body_text).group(0).split("?")[0]


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- inviting ------------------------------------------------------------------------------------

def test_an_officer_invites_an_organisation_and_the_focal_point_is_mailed_a_link_that_works(app, login, world):
    officer = login(world.officer)
    response = officer.post(f"/officer/trainings/{world.training.id}/nominations/invite", data={
        "organisation_id": world.interior.id, "focal_point_name": "Colonel Salim Hadi",
        "focal_point_email": "Focal@MOI.gov.iq", "seats": 4, "deadline": (date.today() + timedelta(days=9)).isoformat(),
        "locale": "ar"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Ministry of Interior is invited" in response.text
    [message] = mails_to("focal@moi.gov.iq", "nomination.invitation")
    link = link_in(message)
    assert link.startswith("http://localhost/nominations/")  # PUBLIC_BASE_URL, not the request's host
    assert link in response.text  # shown to the officer once
    assert message.locale == "ar" and "?lang=ar" in message.body_text  # the page opens in Arabic
    token = link.rsplit("/", 1)[1]
    invitation = db.session.scalar(select(NominationInvitation))
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64  # only the hash is kept
    page = app.test_client().get(f"/nominations/{token}")
    assert page.status_code == 200
    assert "Ministry of Interior" in page.text and "Seats left" in page.text

    listing = officer.get(f"/officer/trainings/{world.training.id}/nominations")
    assert "Colonel Salim Hadi" in listing.text and "focal@moi.gov.iq" in listing.text


def test_a_bad_invitation_is_refused_beside_its_field(login, world):
    officer = login(world.officer)
    response = officer.post(f"/officer/trainings/{world.training.id}/nominations/invite", data={
        "organisation_id": world.interior.id, "focal_point_name": "X", "focal_point_email": "focal@moi.gov.iq",
        "seats": 4, "deadline": (date.today() - timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert "The deadline must be in the future." in response.text
    assert db.session.scalar(select(NominationInvitation)) is None


def test_the_command_prints_an_absolute_link(app, runner, world):
    result = runner.invoke(args=["nominations", "invite", str(world.training.id), "--organisation", "moi",
                                 "--email", "focal@moi.gov.iq", "--seats", "3", "--deadline",
                                 (date.today() + timedelta(days=5)).isoformat()])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]  # (without a mail server the e-mail is logged before it)
    assert re.fullmatch(r"http://localhost/nominations/[A-Za-z0-9_-]{40,}", link)
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200
    invitation = db.session.scalar(select(NominationInvitation))
    assert (invitation.seats, invitation.organisation_id) == (3, world.interior.id)

    unknown = runner.invoke(args=["nominations", "invite", str(world.training.id), "--organisation", "Nowhere",
                                  "--email", "x@example.org", "--seats", "1"])
    assert unknown.exit_code != 0 and "No organisation" in unknown.output


# --- the link ------------------------------------------------------------------------------------

def test_an_unknown_revoked_or_expired_link_gets_a_clear_page(app, login, world):
    client = app.test_client()
    assert client.get("/nominations/not-a-real-token").status_code == 404

    invitation, token = invite(world.training, world.interior)
    login(world.officer).post(f"/officer/trainings/{world.training.id}/nominations/{invitation.id}/revoke")
    revoked = client.get(f"/nominations/{token}")
    assert revoked.status_code == 410 and "withdrawn by the organisers" in revoked.text
    assert client.post(f"/nominations/{token}", data=nominee()).status_code == 410
    assert db.session.scalar(select(Registration)) is None

    invitation, token = invite(world.training, world.customs, email="focal@customs.gov.iq")
    invitation.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/nominations/{token}")
    assert expired.status_code == 410 and "deadline for nominations has passed" in expired.text


def test_the_page_is_in_arabic_when_asked(app, world):
    _invitation, token = invite(world.training, world.interior)
    page = app.test_client().get(f"/nominations/{token}?lang=ar")
    assert page.status_code == 200
    assert 'lang="ar"' in page.text and 'dir="rtl"' in page.text
    assert "وزارة الداخلية" in page.text


# --- nominating ------------------------------------------------------------------------------------

def test_a_nominee_arrives_as_a_pending_registration_and_is_mailed_to_confirm_their_details(app, world):
    _invitation, token = invite(world.training, world.interior)
    client = app.test_client()
    response = client.post(f"/nominations/{token}", data=nominee(name_ar="أحمد كاظم", position="Captain"),
                           follow_redirects=True)
    assert response.status_code == 200 and "Ahmed Kadhim is nominated." in response.text
    registration = db.session.scalar(select(Registration))
    assert (registration.status, registration.source) == ("pending", "nomination")
    assert registration.nominated_by == "Colonel Salim Hadi, Ministry of Interior"
    assert registration.participant.organisation_id == world.interior.id
    [message] = mails_to("ahmed@moi.gov.iq", "nomination.nominee")
    confirm = link_in(message).removeprefix("http://localhost")

    page = client.get(confirm)
    assert page.status_code == 200 and "Colonel Salim Hadi" in page.text
    client.post(confirm, data=nominee(name="Ahmed Kadhim Al-Rubaie", position="Major"))
    participant = db.session.get(Participant, registration.participant_id)
    db.session.refresh(participant)
    assert (participant.name, participant.position) == ("Ahmed Kadhim Al-Rubaie", "Major")
    assert db.session.scalar(select(Nomination)).confirmed_at is not None
    assert client.get("/nominations/confirm/forged-token").status_code == 404


def test_bad_details_are_shown_beside_the_field_and_nothing_is_stored(app, world):
    _invitation, token = invite(world.training, world.interior)
    response = app.test_client().post(f"/nominations/{token}", data=nominee(email="not-an-address", sex=""))
    assert response.status_code == 422
    assert "Type a valid e-mail address" in response.text and "Please choose one." in response.text
    assert 'value="Ahmed Kadhim"' in response.text  # the form is refilled
    assert db.session.scalar(select(Registration)) is None


def test_someone_already_registered_is_refused_without_showing_their_stored_name(app, world):
    known = ParticipantFactory(name="Stored Name", email="known@moi.gov.iq")
    RegistrationFactory(training=world.training, participant=known, status="pending")
    _invitation, token = invite(world.training, world.interior)
    response = app.test_client().post(f"/nominations/{token}", data=nominee(email="known@moi.gov.iq"))
    assert response.status_code == 422
    assert "already registered or nominated" in response.text and "Stored Name" not in response.text


def test_over_quota_nominations_go_to_the_waiting_list_and_move_up_when_a_seat_frees(app, world):
    invitation, token = invite(world.training, world.interior, seats=2)
    client = app.test_client()
    for n in range(3):
        client.post(f"/nominations/{token}", data=nominee(name=f"Official {'ABC'[n]}", email=f"o{n}@moi.gov.iq"))
    page = client.get(f"/nominations/{token}")
    assert page.text.count("Within the quota") == 2 and page.text.count("Waiting list") >= 1
    assert '<dd class="col-6 col-sm-8" id="seats-left">0</dd>' in page.text
    use = balance.quota_use(invitation)
    assert (use.used, use.waiting, use.left) == (2, 1, 0)

    first = invitation.nominations[0]
    assert client.post(f"/nominations/{token}/nominees/{first.id}/remove").status_code == 302
    db.session.expire_all()
    assert balance.quota_use(invitation).used == 2 and balance.quota_use(invitation).waiting == 0
    third = db.session.scalar(select(Nomination).where(Nomination.email == "o2@moi.gov.iq"))
    assert balance.quota_positions(invitation)[third.id] is True


def test_the_focal_point_edits_until_the_deadline_but_never_another_organisations_nominee(app, world):
    invitation, token = invite(world.training, world.interior)
    _other, other_token = invite(world.training, world.customs, email="focal@customs.gov.iq")
    client = app.test_client()
    client.post(f"/nominations/{token}", data=nominee())
    nomination = db.session.scalar(select(Nomination))
    edit = f"/nominations/{token}/nominees/{nomination.id}"
    assert client.post(edit, data=nominee(name="Ahmed K. Jabbar", phone="+964 770 123 4567")).status_code == 302
    db.session.refresh(nomination)
    assert nomination.name == "Ahmed K. Jabbar" and nomination.registration.participant.name == "Ahmed K. Jabbar"

    assert client.get(f"/nominations/{other_token}/nominees/{nomination.id}").status_code == 404
    assert client.post(f"/nominations/{other_token}/nominees/{nomination.id}/remove").status_code == 404
    assert "Ahmed K. Jabbar" not in client.get(f"/nominations/{other_token}").text

    invitation.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post(edit, data=nominee(name="Too Late")).status_code == 410
    db.session.refresh(nomination)
    assert nomination.name == "Ahmed K. Jabbar"


# --- the spreadsheet --------------------------------------------------------------------------------

def test_a_spreadsheet_nominates_everyone_in_it(app, world):
    _invitation, token = invite(world.training, world.interior, seats=2)
    data = xlsx([["name", "name_ar", "sex", "position", "email", "phone"],
                 ["Hiba Jassim", "هبة جاسم", "أنثى", "Inspector", "hiba@moi.gov.iq", 9647701112233],
                 ["Omar Saleh", None, "M", None, "omar@moi.gov.iq", None],
                 ["Zainab Ali", None, "female", None, "zainab@moi.gov.iq", None]])
    response = app.test_client().post(f"/nominations/{token}/upload", data={
        "file": (io.BytesIO(data), "nominations.xlsx")}, content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "3 officials nominated." in response.text and "1 of them is on your organisation" in response.text
    nominations = db.session.scalars(select(Nomination).order_by(Nomination.id)).all()
    assert [(n.name, n.sex) for n in nominations] == [("Hiba Jassim", "female"), ("Omar Saleh", "male"), ("Zainab Ali", "female")]
    assert nominations[0].phone == "9647701112233"
    assert len(mails_to("zainab@moi.gov.iq", "nomination.nominee")) == 1


def test_a_spreadsheet_of_one_official_says_so_in_the_singular(app, world):
    _invitation, token = invite(world.training, world.interior, seats=2)
    data = xlsx([["name", "sex", "email"], ["Hiba Jassim", "female", "hiba@moi.gov.iq"]])
    response = app.test_client().post(f"/nominations/{token}/upload", data={
        "file": (io.BytesIO(data), "nominations.xlsx")}, content_type="multipart/form-data", follow_redirects=True)
    assert "1 official nominated." in response.text


def test_a_spreadsheet_with_bad_rows_is_refused_whole_with_every_bad_row_listed(app, world):
    RegistrationFactory(training=world.training, participant=ParticipantFactory(email="taken@moi.gov.iq"))
    _invitation, token = invite(world.training, world.interior)
    data = xlsx([["name", "sex", "email"],
                 ["Good Person", "female", "good@moi.gov.iq"],
                 ["", "female", "noname@moi.gov.iq"],
                 ["Bad Sex", "unknown", "badsex@moi.gov.iq"],
                 ["Bad Mail", "male", "not-an-address"],
                 ["Twice", "male", "good@moi.gov.iq"],
                 ["Taken", "male", "taken@moi.gov.iq"]])
    response = app.test_client().post(f"/nominations/{token}/upload", data={
        "file": (io.BytesIO(data), "list.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Nothing was nominated" in response.text
    for line in (3, 4, 5, 6, 7):
        assert f"Line {line}:" in response.text
    assert "Line 2:" not in response.text
    assert db.session.scalar(select(Nomination)) is None


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(app, world):
    _invitation, token = invite(world.training, world.interior)
    response = app.test_client().post(f"/nominations/{token}/upload", data={
        "file": (io.BytesIO(b"%PDF-1.4 not a sheet"), "list.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "not an XLSX spreadsheet" in response.text


# --- warnings ------------------------------------------------------------------------------------

def test_only_men_nominated_warns_when_the_target_can_no_longer_be_met(app, login, world):
    officer = login(world.officer)
    officer.post(f"/officer/trainings/{world.training.id}/nominations/target", data={"percent": 30})
    assert db.session.get(type(world.training), world.training.id).women_target_percent == 30
    _invitation, token = invite(world.training, world.interior, seats=3)
    client = app.test_client()
    client.post(f"/nominations/{token}", data=nominee(name="Man One", email="m1@moi.gov.iq"))
    client.post(f"/nominations/{token}", data=nominee(name="Man Two", email="m2@moi.gov.iq"))
    assert "Gender balance" not in client.get(f"/nominations/{token}").text  # one seat left could still go to a woman
    client.post(f"/nominations/{token}", data=nominee(name="Man Three", email="m3@moi.gov.iq"))
    page = client.get(f"/nominations/{token}")
    assert "Gender balance: the target is at least 30% women" in page.text
    officer_page = officer.get(f"/officer/trainings/{world.training.id}/nominations/nominees").text
    assert "Ministry of Interior can no longer reach it" in officer_page
    assert "Gender balance of all organisations" in officer_page


def test_balance_counts_per_organisation_and_overall():
    row = balance.Balance(organisation=None, women=1, nominated=3, seats=4, target=50)
    assert row.can_be_met  # one woman and one free seat: 2 of 4
    assert not balance.Balance(organisation=None, women=0, nominated=3, seats=4, target=50).can_be_met


def test_a_nominee_who_attended_this_course_before_is_flagged_with_the_date_and_certificate(app, login, world):
    past = CompletedTrainingFactory(course=world.training.course)
    by_email = ParticipantFactory(name="Hiba Jassim", email="hiba@moi.gov.iq")
    registration = RegistrationFactory(training=past, participant=by_email, status="confirmed")
    db.session.add(Certificate(registration_id=registration.id, serial="TM-2022-0007", year=2022, sequence=7,
                               code="AAAA-BBBB-CCCC-DDDD", issued_on=past.end_date, pdf=b"%PDF", pdf_sha256="0" * 64))
    by_name = ParticipantFactory(name="Omar Saleh", email="omar.old@gmail.com", organisation=world.interior)
    RegistrationFactory(training=past, participant=by_name, status="confirmed")
    stranger = ParticipantFactory(name="Omar Saleh", email="omar.other@example.org")  # same name, another organisation
    RegistrationFactory(training=past, participant=stranger, status="confirmed")
    db.session.commit()
    _invitation, token = invite(world.training, world.interior)
    client = app.test_client()
    client.post(f"/nominations/{token}", data=nominee(name="Hiba Jassim", sex="female", email="hiba@moi.gov.iq"))
    client.post(f"/nominations/{token}", data=nominee(name="omar saleh", email="omar@moi.gov.iq"))
    client.post(f"/nominations/{token}", data=nominee(name="New Person", email="new@moi.gov.iq"))

    found = balance.already_trained(world.training, db.session.scalars(select(Nomination)).all())
    flagged = {db.session.get(Nomination, nomination_id).email: [p.start_date for p in pasts] for nomination_id, pasts in found.items()}
    assert flagged == {"hiba@moi.gov.iq": [date(2022, 2, 15)], "omar@moi.gov.iq": [date(2022, 2, 15)]}

    page = login(world.officer).get(f"/officer/trainings/{world.training.id}/nominations/nominees").text
    assert page.count("Already trained") == 2 and "TM-2022-0007" in page
    assert "Already trained: attended this course" in client.get(f"/nominations/{token}").text


# --- deciding ------------------------------------------------------------------------------------

def test_the_officer_approves_within_the_quota_but_not_from_the_waiting_list(app, login, world):
    invitation, token = invite(world.training, world.interior, seats=1)
    client = app.test_client()
    client.post(f"/nominations/{token}", data=nominee(name="First One", email="first@moi.gov.iq"))
    client.post(f"/nominations/{token}", data=nominee(name="Second One", email="second@moi.gov.iq"))
    first, second = invitation.nominations
    officer = login(world.officer)
    page = officer.get(f"/officer/trainings/{world.training.id}/nominations/nominees").text
    assert page.count(">Approve<") == 1
    officer.post(f"/officer/trainings/{world.training.id}/nominations/nominees/{second.id}/approve")
    officer.post(f"/officer/trainings/{world.training.id}/nominations/nominees/{first.id}/approve")
    db.session.expire_all()
    assert (first.registration.status, second.registration.status) == ("confirmed", "pending")
    assert len(mails_to("first@moi.gov.iq", "registration.confirmed")) == 1
    # the focal point can no longer take back an approved nominee
    assert client.post(f"/nominations/{token}/nominees/{first.id}/remove", follow_redirects=True).status_code == 200
    assert db.session.get(Nomination, first.id) is not None


def test_an_officer_of_another_training_cannot_approve_through_their_own_training(app, login, world):
    invitation, token = invite(world.training, world.interior)
    app.test_client().post(f"/nominations/{token}", data=nominee())
    other_officer = UserFactory(role="officer")
    own = TrainingSessionFactory(officers=[other_officer])
    nomination = invitation.nominations[0]
    response = login(other_officer).post(f"/officer/trainings/{own.id}/nominations/nominees/{nomination.id}/approve")
    assert response.status_code == 404
    db.session.refresh(nomination.registration)
    assert nomination.registration.status == "pending"


# --- the reminder ------------------------------------------------------------------------------------

def test_focal_points_are_reminded_once_before_the_deadline(app, world):
    soon, _ = invite(world.training, world.interior, deadline=date.today() + timedelta(days=2))
    invite(world.training, world.customs, deadline=date.today() + timedelta(days=20), email="focal@customs.gov.iq")
    revoked, _ = invite(world.training, OrganisationFactory(), deadline=date.today() + timedelta(days=1),
                        email="focal@revoked.example.org")
    services.revoke(revoked, by_user=None)
    from training_mgr.nominations.tasks import send_deadline_reminders

    send_deadline_reminders.delay()  # the recurring job; in-process without Redis
    assert [m.kind for m in mails_to("focal@moi.gov.iq")] == ["nomination.invitation", "nomination.reminder"]
    assert "nomination.reminder" not in [m.kind for m in mails_to("focal@customs.gov.iq")]
    assert "nomination.reminder" not in [m.kind for m in mails_to("focal@revoked.example.org")]
    assert reminders.send_deadline_reminders() == 0  # sent once
    assert len(mails_to("focal@moi.gov.iq", "nomination.reminder")) == 1
    db.session.refresh(soon)
    assert soon.reminder_sent_at is not None


# --- at the same moment ------------------------------------------------------------------------------

def test_two_focal_points_submitting_at_once_never_go_over_the_quota(app, world):
    """Several phones on one link press "Nominate" for the last seat together: each in its own database
    connection, so they really race for the training's lock; exactly one is told it is within the quota."""
    invitation, _token = invite(world.training, world.interior, seats=2)
    services.nominate(invitation, NomineeDetails(name="Already In", sex="male", email="in@moi.gov.iq"))
    invitation_id, racers = invitation.id, 6
    barrier = threading.Barrier(racers)
    answers, errors = [], []

    def race(n):
        with app.app_context():
            try:
                own = db.session.get(NominationInvitation, invitation_id)
                barrier.wait()
                _nomination, within = services.nominate(own, NomineeDetails(
                    name=f"Racer {'ABCDEF'[n]}", sex="female", email=f"racer{n}@moi.gov.iq"))
                answers.append(within)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(answers) == [False] * (racers - 1) + [True]
    db.session.expire_all()
    use = balance.quota_use(db.session.get(NominationInvitation, invitation_id))
    assert (use.used, use.waiting) == (2, racers - 1)


def test_nominating_while_the_seat_lock_is_stuck_answers_try_again_within_5_seconds(app, world):
    """PostgreSQL bounds the wait for the training's lock (``core.db.bounded_lock_wait``): the focal point is
    asked to try again, nothing is half-saved."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("lock_timeout exists on PostgreSQL only; set TRAINING_MGR_TEST_DATABASE_URL to run")
    import time

    from tests.test_lock_timeouts import ANSWER_WITHIN, BUSY, stuck_lock

    _invitation, token = invite(world.training, world.interior)
    with stuck_lock("SELECT id FROM training_sessions WHERE id = :id FOR UPDATE", id=world.training.id):
        started = time.monotonic()
        response = app.test_client().post(f"/nominations/{token}", data=nominee())
        elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN
    assert response.status_code == 503 and BUSY in response.text
    db.session.rollback()
    assert db.session.scalar(select(Nomination)) is None and db.session.scalar(select(Participant)) is None


def test_the_nominees_page_costs_the_same_queries_for_many_nominees(app, login, world, count_queries):
    officer = login(world.officer)
    url = f"/officer/trainings/{world.training.id}/nominations/nominees"

    def nominate(count, start):
        invitation, _token = invite(world.training, OrganisationFactory(), seats=count,
                                    email=f"focal{start}@example.org")
        for n in range(start, start + count):
            services.nominate(invitation, NomineeDetails(name=f"Official {n}", sex="female", email=f"o{n}@example.org"))

    nominate(2, 0)
    officer.get(url)  # warm up
    with count_queries() as few:
        assert officer.get(url).status_code == 200
    nominate(8, 10)
    nominate(8, 20)
    officer.get(url)
    with count_queries() as many:
        assert officer.get(url).status_code == 200
    assert len(many) <= len(few) + 2  # not one more query per nominee or invitation


def test_the_link_works_until_the_end_of_the_deadline_day_in_the_trainings_time_zone(app, world):
    from datetime import datetime, timezone

    from training_mgr.core.db import as_utc

    day = date.today() + timedelta(days=3)
    invitation, _token = invite(world.training, world.interior, deadline=day)  # Baghdad, UTC+3
    db.session.expire_all()
    stored = db.session.get(NominationInvitation, invitation.id)
    assert as_utc(stored.deadline) == datetime(day.year, day.month, day.day, 20, 59, 59, tzinfo=timezone.utc)
    assert stored.deadline_day == day
    assert services.is_open(stored, now=datetime(day.year, day.month, day.day, 20, 59, 0, tzinfo=timezone.utc))
    assert not services.is_open(stored, now=datetime(day.year, day.month, day.day, 21, 0, 0, tzinfo=timezone.utc))


def test_erasing_a_nominee_forgets_what_the_focal_point_typed_about_them(app, world):
    from training_mgr.erasure.services import erase_participant

    invitation, _token = invite(world.training, world.interior)
    nomination, _within = services.nominate(invitation, NomineeDetails(
        name="Hiba Jassim", name_ar="هبة جاسم", sex="female", email="hiba@moi.gov.iq", phone="+964 770 123 4567"))
    erase_participant(nomination.registration.participant, by_user=UserFactory(role="admin"))
    db.session.expire_all()
    nomination = db.session.get(Nomination, nomination.id)
    kept = " ".join(str(v) for v in (nomination.name, nomination.name_ar, nomination.email, nomination.phone))
    assert "Hiba" not in kept and "hiba@moi.gov.iq" not in kept and "770" not in kept and "هبة" not in kept
    assert nomination.confirm_token_hash is None
