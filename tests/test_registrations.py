"""Registrations of a training: capacity, waiting list, quotas, the officer's list and who may do what."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.factories import (
    OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory,
)
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations import listing, seats, services
from training_mgr.registrations.inputs import ParticipantDetails
from training_mgr.registrations.models import Registration
from training_mgr.registrations.services import RegistrationError
from training_mgr.trainings.models import OrganisationQuota


def _register_many(training, count, officer, **participant_fields):
    return [
        services.register(training, ParticipantFactory(**participant_fields), source="officer", by_user=officer)
        for _ in range(count)
    ]


# --- rules, without HTTP -------------------------------------------------------------------------

def test_automatic_training_confirms_until_full_then_waitlists(people):
    training = people.training
    training.capacity = 2
    db.session.commit()
    first, second, third = _register_many(training, 3, people.officer)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waitlisted"]
    assert seats.seats_left(training) == 0


def test_approval_training_leaves_registrations_pending(people):
    training = people.training
    training.confirmation_mode = "approval"
    db.session.commit()
    (registration,) = _register_many(training, 1, people.officer)
    assert registration.status == "pending"


def test_an_officer_cannot_confirm_beyond_capacity(people):
    training = people.training
    training.capacity = 1
    db.session.commit()
    _register_many(training, 1, people.officer)
    with pytest.raises(RegistrationError, match="No seat is free"):
        services.register(training, ParticipantFactory(), source="officer", by_user=people.officer, status="confirmed")
    assert db.session.scalar(select(db.func.count(Registration.id))) == 1


def test_the_same_person_cannot_register_twice(people):
    participant = ParticipantFactory()
    services.register(people.training, participant, source="officer", by_user=people.officer)
    with pytest.raises(RegistrationError, match="already registered"):
        services.register(people.training, participant, source="officer", by_user=people.officer)
    assert len(db.session.scalars(select(Registration)).all()) == 1


@pytest.mark.parametrize("new_status", ["withdrawn", "rejected"])
def test_a_freed_seat_promotes_the_first_on_the_waiting_list(people, new_status):
    training = people.training
    training.capacity = 1
    db.session.commit()
    holder, first_waiting, second_waiting = _register_many(training, 3, people.officer)
    assert (first_waiting.status, second_waiting.status) == ("waitlisted", "waitlisted")

    promoted = services.change_status(holder, new_status, by_user=people.officer, reason="Could not travel")

    assert promoted == [first_waiting]
    assert (holder.status, first_waiting.status, second_waiting.status) == (new_status, "confirmed", "waitlisted")
    assert holder.status_reason == "Could not travel"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == [f"registration.{new_status}", "registration.promote"]


def test_promotion_skips_a_waitlisted_person_blocked_by_their_quota(people):
    training = people.training
    training.capacity = 2
    ministry, commission = OrganisationFactory(), OrganisationFactory()
    db.session.add(OrganisationQuota(training_id=training.id, organisation_id=ministry.id, max_seats=1))
    db.session.commit()
    ministry_holder = services.register(training, ParticipantFactory(organisation=ministry), source="officer", by_user=people.officer)
    commission_holder = services.register(training, ParticipantFactory(organisation=commission), source="officer", by_user=people.officer)
    blocked = services.register(training, ParticipantFactory(organisation=ministry), source="officer", by_user=people.officer)
    next_in_line = services.register(training, ParticipantFactory(organisation=commission), source="officer", by_user=people.officer)
    assert (ministry_holder.status, commission_holder.status, blocked.status, next_in_line.status) == (
        "confirmed", "confirmed", "waitlisted", "waitlisted")

    services.change_status(commission_holder, "withdrawn", by_user=people.officer, reason="Reassigned")

    # the ministry's one seat is still taken, so the seat goes to the next person instead
    assert blocked.status == "waitlisted"
    assert next_in_line.status == "confirmed"


def test_quota_holds_when_an_officer_confirms(people):
    training = people.training
    ministry = OrganisationFactory()
    db.session.add(OrganisationQuota(training_id=training.id, organisation_id=ministry.id, max_seats=1))
    db.session.commit()
    services.register(training, ParticipantFactory(organisation=ministry), source="officer", by_user=people.officer)
    pending = services.register(training, ParticipantFactory(organisation=ministry), source="officer",
                                by_user=people.officer, status="pending")
    with pytest.raises(RegistrationError, match="No seat is free"):
        services.change_status(pending, "confirmed", by_user=people.officer)
    assert pending.status == "pending"


@pytest.mark.parametrize("new_status", ["rejected", "withdrawn"])
def test_rejecting_or_withdrawing_needs_a_reason(people, new_status):
    (registration,) = _register_many(people.training, 1, people.officer)
    with pytest.raises(services.ReasonRequired):
        services.change_status(registration, new_status, by_user=people.officer, reason="  ")
    assert registration.status == "confirmed"


def test_a_new_participant_is_created_and_registered_in_one_go(people):
    organisation = OrganisationFactory()
    registration = services.register_new_participant(
        people.training,
        ParticipantDetails(name="Noor Al-Saadi", name_ar="نور الساعدي", sex="female", organisation_id=organisation.id,
                           position="Inspector", email=" Noor@Example.org ", phone="+964 770 000 0000"),
        by_user=people.officer,
    )
    participant = registration.participant
    assert (participant.email, participant.name_ar, registration.source) == ("noor@example.org", "نور الساعدي", "officer")
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"participant.create", "registration.create"} <= actions


def test_a_new_participant_with_a_known_email_is_refused(people):
    details = ParticipantDetails(name="Someone", sex="male", organisation_id=None, email=people.participant.email.upper())
    with pytest.raises(RegistrationError, match="already exists"):
        services.register_new_participant(people.training, details, by_user=people.officer)


def test_a_refused_registration_does_not_leave_a_new_participant_behind(people):
    people.training.capacity = 1
    db.session.commit()
    _register_many(people.training, 1, people.officer)
    details = ParticipantDetails(name="Late Comer", sex="male", organisation_id=None, email="late@example.org")
    with pytest.raises(RegistrationError):
        services.register_new_participant(people.training, details, by_user=people.officer, status="confirmed")
    assert db.session.scalar(select(Participant).where(Participant.email == "late@example.org")) is None


def test_list_search_filters_and_sorting(people):
    ministry, customs = OrganisationFactory(name="Ministry of Interior"), OrganisationFactory(name="General Commission of Customs")
    training = people.training
    RegistrationFactory(training=training, participant=ParticipantFactory(name="Zaid Kareem", name_ar="زيد كريم", sex="male", organisation=ministry))
    RegistrationFactory(training=training, participant=ParticipantFactory(name="Hiba Jassim", sex="female", organisation=customs, email="hiba@customs.iq"))
    RegistrationFactory(training=training, status="waitlisted", participant=ParticipantFactory(name="Ali Hassan", sex="male", organisation=customs))

    def names(**kwargs):
        return [r.name for r in listing.registrations_page(training, **kwargs).items]

    assert names() == ["Ali Hassan", "Hiba Jassim", "Zaid Kareem"]
    assert names(sort="name", descending=True) == ["Zaid Kareem", "Hiba Jassim", "Ali Hassan"]
    assert names(search="زيد") == ["Zaid Kareem"]
    assert names(search="CUSTOMS.iq") == ["Hiba Jassim"]
    assert names(search="100%") == []
    assert names(status="waitlisted") == ["Ali Hassan"]
    assert names(organisation_id=customs.id, sex="female") == ["Hiba Jassim"]
    assert names(sort="organisation")[-1] == "Zaid Kareem"


def test_counts_by_ministry_add_up(people):
    training = people.training
    ministry, customs = OrganisationFactory(name="Ministry of Interior"), OrganisationFactory(name="General Commission of Customs")
    for organisation, status in [(ministry, "confirmed"), (ministry, "confirmed"), (ministry, "waitlisted"),
                                 (customs, "confirmed"), (customs, "rejected"), (None, "pending")]:
        RegistrationFactory(training=training, status=status, participant=ParticipantFactory(organisation=organisation))

    rows, totals, grand_total = listing.counts_by_organisation(training)

    assert [row.organisation.name if row.organisation else None for row in rows] == [
        "General Commission of Customs", "Ministry of Interior", None]
    assert rows[1].by_status["confirmed"] == 2 and rows[1].total == 3
    assert totals == {"pending": 1, "confirmed": 3, "waitlisted": 1, "rejected": 1, "withdrawn": 0}
    assert grand_total == sum(row.total for row in rows) == sum(totals.values()) == 6


# --- pages -----------------------------------------------------------------------------------------

def _urls(people):
    training = people.training
    registration = RegistrationFactory(training=training)
    base = f"/officer/trainings/{training.id}/registrations"
    reads = [base, f"{base}/by-organisation", f"{base}/{registration.id}"]
    writes_get = [f"{base}/add", f"{base}/import", f"{base}/import/template.csv", f"{base}/import/template.xlsx"]
    posts = [(f"{base}/{registration.id}/status", {"status": "waitlisted"}),
             (f"{base}/add-existing", {"participant_id": people.other_participant.participant_id}),
             (f"{base}/add-new", {"name": "X", "sex": "male", "email": "x@example.org"})]
    return reads, writes_get, posts


def test_every_registration_page_by_role(people, client, login):
    reads, writes_get, posts = _urls(people)
    for url in reads + writes_get:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
        for user in (people.participant, people.other_officer):
            assert login(user).get(url).status_code == 403, (url, user.role)
        for user in (people.officer, people.admin):
            assert login(user).get(url).status_code == 200, (url, user.role)
        assert login(people.manager).get(url).status_code == (200 if url in reads else 403), url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 302
        for user in (people.participant, people.other_officer, people.manager):
            assert login(user).post(url, data=data).status_code == 403, (url, user.role)
    assert login(people.officer).get(f"/officer/trainings/{people.training.id}/registrations/999999").status_code == 404
    assert login(people.officer).get("/officer/trainings/999999/registrations").status_code == 404


def test_a_registration_of_another_training_is_not_found_here(people, login):
    elsewhere = RegistrationFactory()
    url = f"/officer/trainings/{people.training.id}/registrations/{elsewhere.id}"
    assert login(people.officer).get(url).status_code == 404


def test_officer_adds_an_existing_person_and_sees_them_in_the_list(people, login):
    officer = login(people.officer)
    base = f"/officer/trainings/{people.training.id}/registrations"
    found = officer.get(f"{base}/add?q=p2@example")
    assert people.other_participant.participant.name in found.text

    response = officer.post(f"{base}/add-existing", data={"participant_id": people.other_participant.participant_id,
                                                          "nominated_by": "Director General"}, follow_redirects=True)
    assert "added as Confirmed" in response.text
    assert people.other_participant.participant.name in response.text
    registration = db.session.scalar(select(Registration))
    assert (registration.source, registration.nominated_by, registration.created_by_id) == ("officer", "Director General", people.officer.id)


def test_the_list_shows_the_day_of_registration_in_the_training_time_zone_and_links_each_person(people, login):
    people.training.timezone = "Asia/Baghdad"
    late_evening = RegistrationFactory(training=people.training, status="pending",
                                       participant=ParticipantFactory(name="Noor Sabah"),
                                       created_at=datetime(2022, 2, 14, 22, 30, tzinfo=timezone.utc))  # 15 Feb in Baghdad
    db.session.commit()
    base = f"/officer/trainings/{people.training.id}/registrations"

    html = login(people.officer).get(base).text
    row = html.split("<bdi>Noor Sabah</bdi>", 1)[1].split("</tr>", 1)[0]
    assert "Feb 15, 2022" in row and "Feb 14, 2022" not in row
    assert f'action="{base}/{late_evening.id}/status"' in row and f'href="{base}/{late_evening.id}"' in row
    assert "Manage" not in login(people.manager).get(base).text.split("<tbody>", 1)[1]


def test_creating_a_person_with_a_bad_form_keeps_what_was_typed(people, login):
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/registrations/add-new",
        data={"name": "Noor Al-Saadi", "name_ar": "نور الساعدي", "sex": "female", "email": "not-an-email", "position": "Inspector"},
    )
    assert response.status_code == 422
    assert 'value="Noor Al-Saadi"' in response.text and 'value="نور الساعدي"' in response.text
    assert "Invalid email address" in response.text
    assert db.session.scalar(select(db.func.count(Participant.id))) == 2  # the two of the fixture


def test_withdrawing_without_a_reason_shows_the_error_beside_the_field(people, login):
    registration = RegistrationFactory(training=people.training)
    url = f"/officer/trainings/{people.training.id}/registrations/{registration.id}/status"
    response = login(people.officer).post(url, data={"status": "withdrawn", "reason": ""})
    assert response.status_code == 422
    assert "Please give a reason." in response.text
    db.session.refresh(registration)
    assert registration.status == "confirmed"

    response = login(people.officer).post(url, data={"status": "withdrawn", "reason": "Sick leave"}, follow_redirects=True)
    assert "is now Withdrawn" in response.text


def test_approving_from_the_list_promotes_nobody_and_returns_to_the_list(people, login):
    people.training.confirmation_mode = "approval"
    db.session.commit()
    registration = RegistrationFactory(training=people.training, status="pending")
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/registrations/{registration.id}/status",
        data={"status": "confirmed", "back": "list"},
    )
    assert response.headers["Location"].endswith(f"/officer/trainings/{people.training.id}/registrations")
    db.session.refresh(registration)
    assert registration.status == "confirmed"


def test_the_by_ministry_page_shows_totals(people, login):
    ministry = OrganisationFactory(name="Border Points Commission")
    for _ in range(3):
        RegistrationFactory(training=people.training, participant=ParticipantFactory(organisation=ministry))
    page = login(people.manager).get(f"/officer/trainings/{people.training.id}/registrations/by-organisation").text
    assert "Border Points Commission" in page
    assert '<td class="text-end fw-bold">3</td>' in page


def _fill(training, count):
    organisations = [OrganisationFactory() for _ in range(5)]
    for i in range(count):
        RegistrationFactory(training=training, participant=ParticipantFactory(organisation=organisations[i % 5]),
                            status=("confirmed", "waitlisted", "pending")[i % 3])


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)  # the statements of drawing the page, not of serving it again
def test_the_list_runs_the_same_number_of_queries_for_20_or_200_participants(people, login, count_queries):
    small, large = people.training, TrainingSessionFactory(officers=[people.officer])
    _fill(small, 20)
    _fill(large, 200)
    officer = login(people.officer)

    def queries(training):
        url = f"/officer/trainings/{training.id}/registrations?per_page=50"
        officer.get(url)  # warm up
        with count_queries() as statements:
            assert officer.get(url).status_code == 200
        return len(statements)

    assert queries(small) == queries(large)
