"""Dates and times on screens follow the language's medium form, without seconds, in the training's zone named."""
from datetime import datetime, timezone

from tests.factories import RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.extensions import db


def test_a_registration_time_is_in_the_training_zone_with_its_name_and_no_seconds(app, login):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer], timezone="Asia/Baghdad")
    registration = RegistrationFactory(training=training)
    registration.created_at = datetime(2022, 2, 16, 12, 4, 5, tzinfo=timezone.utc)
    db.session.commit()
    client = login(officer)
    page = client.get(f"/officer/trainings/{training.id}/registrations/{registration.id}").get_data(as_text=True)
    assert "Feb 16, 2022, 3:04\u202fPM (Iraq Time)" in page
    assert "2/16/22" not in page and "3:04:05" not in page
    arabic = client.get(f"/officer/trainings/{training.id}/registrations/{registration.id}?lang=ar").get_data(as_text=True)
    assert "(توقيت العراق)" in arabic


def test_the_registrations_list_shows_the_day_in_the_medium_form(app, login):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer], timezone="Asia/Baghdad")
    registration = RegistrationFactory(training=training)
    registration.created_at = datetime(2022, 1, 20, 22, 30, tzinfo=timezone.utc)  # 21 January in Baghdad
    db.session.commit()
    page = login(officer).get(f"/officer/trainings/{training.id}/registrations").get_data(as_text=True)
    assert "Jan 21, 2022" in page and "1/21/22" not in page


def test_a_revocation_time_is_in_the_training_zone_with_its_name(app, people, client):
    from tests.factories import CompletedTrainingFactory, attended
    from training_mgr.certificates import services

    training = CompletedTrainingFactory(officers=[people.officer], timezone="Asia/Baghdad")
    attended(training, ["present"] * 3)
    [certificate], _ = services.issue_certificates(training, by_user=people.officer)
    services.revoke_certificate(certificate, "Attendance sheet was wrong", by_user=people.officer)
    certificate.revoked_at = datetime(2022, 3, 1, 9, 30, 15, tzinfo=timezone.utc)
    db.session.commit()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "revoked on Mar 1, 2022, 12:30\u202fPM (Iraq Time)" in page and "12:30:15" not in page


def test_arabic_dates_name_the_month_where_english_keeps_its_medium_form(app, login):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer], timezone="Asia/Baghdad")
    registration = RegistrationFactory(training=training)
    registration.created_at = datetime(2022, 1, 20, 22, 30, tzinfo=timezone.utc)  # 21 January in Baghdad
    registration.status_changed_at = datetime(2022, 2, 16, 12, 4, 5, tzinfo=timezone.utc)
    db.session.commit()
    client = login(officer)
    listing = client.get(f"/officer/trainings/{training.id}/registrations?lang=ar").get_data(as_text=True)
    # Babel's Arabic medium date is numeric (21‏/01‏/2022), read day first or month first from one reader to the next
    assert "21 كانون الثاني 2022" in listing and "/01\u200f/2022" not in listing and "2022/01/21" not in listing
    detail = client.get(f"/officer/trainings/{training.id}/registrations/{registration.id}?lang=ar").get_data(as_text=True)
    assert "16 شباط 2022، 3:04 م (توقيت العراق)" in detail
    english = client.get(f"/officer/trainings/{training.id}/registrations?lang=en").get_data(as_text=True)
    assert "Jan 21, 2022" in english and "January 21, 2022" not in english
