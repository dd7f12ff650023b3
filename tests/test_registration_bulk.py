"""Deciding on many registrations at once from the officer's list: tick, choose, confirm, read the summary."""
from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.extensions import db


def setup_training(capacity=10):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer], capacity=capacity, confirmation_mode="approval")
    people = [RegistrationFactory(training=training, status="pending",
                                  participant=ParticipantFactory(name=name, name_ar=name_ar))
              for name, name_ar in [("Ahmed Karim", "أحمد كريم"), ("Layla Hassan", "ليلى حسن"), ("Omar Ali", "عمر علي")]]
    return officer, training, people


def test_the_officer_approves_several_after_a_confirmation_and_reads_a_summary(app, login):
    officer, training, (ahmed, layla, omar) = setup_training()
    client = login(officer)
    url = f"/officer/trainings/{training.id}/registrations/bulk"

    listing = client.get(f"/officer/trainings/{training.id}/registrations").get_data(as_text=True)
    assert f'name="registration_ids" value="{ahmed.id}" form="bulk-form"' in listing

    confirm = client.post(url, data={"registration_ids": [ahmed.id, layla.id], "status": "confirmed"})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "2 registrations are selected" in page
    assert "Ahmed Karim" in page and "Layla Hassan" in page and "Omar Ali" not in page
    db.session.refresh(ahmed)
    assert ahmed.status == "pending"  # nothing changes before the confirmation

    done = client.post(url, data={"registration_ids": [ahmed.id, layla.id], "status": "confirmed", "confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2 changed to Confirmed, 0 already so, 0 not changed." in done
    for registration, status in ((ahmed, "confirmed"), (layla, "confirmed"), (omar, "pending")):
        db.session.refresh(registration)
        assert registration.status == status


def test_rejecting_many_needs_a_reason_and_changes_none_without_it(app, login):
    officer, training, people = setup_training()
    client = login(officer)
    ids = [registration.id for registration in people]
    page = client.post(f"/officer/trainings/{training.id}/registrations/bulk",
                       data={"registration_ids": ids, "status": "rejected", "confirm": "yes"})
    assert page.status_code == 422 and "Please give a reason." in page.get_data(as_text=True)
    for registration in people:
        db.session.refresh(registration)
        assert registration.status == "pending"
    client.post(f"/officer/trainings/{training.id}/registrations/bulk",
                data={"registration_ids": ids, "status": "rejected", "confirm": "yes", "reason": "Not eligible"})
    for registration in people:
        db.session.refresh(registration)
        assert (registration.status, registration.status_reason) == ("rejected", "Not eligible")


def test_approving_more_than_the_seats_left_says_who_was_not_changed(app, login):
    officer, training, (ahmed, layla, omar) = setup_training(capacity=1)
    page = login(officer).post(f"/officer/trainings/{training.id}/registrations/bulk",
                               data={"registration_ids": [ahmed.id, layla.id], "status": "confirmed", "confirm": "yes"},
                               follow_redirects=True).get_data(as_text=True)
    assert "1 changed to Confirmed, 0 already so, 1 not changed." in page
    assert "Layla Hassan: No seat is free" in page


def test_another_trainings_registration_cannot_be_changed_from_here(app, login):
    officer, training, _people = setup_training()
    stranger = RegistrationFactory(status="pending")
    response = login(officer).post(f"/officer/trainings/{training.id}/registrations/bulk",
                                   data={"registration_ids": [stranger.id], "status": "confirmed", "confirm": "yes"},
                                   follow_redirects=True)
    assert "Tick the registrations to change first." in response.get_data(as_text=True)
    db.session.refresh(stranger)
    assert stranger.status == "pending"


def test_names_come_in_the_active_languages_script_first(app, login):
    officer, training, _people = setup_training()
    page = login(officer).get(f"/officer/trainings/{training.id}/registrations?lang=ar").get_data(as_text=True)
    assert '<td><bdi>أحمد كريم</bdi><br><bdi class="text-muted">Ahmed Karim</bdi></td>' in page
