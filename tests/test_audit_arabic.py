"""The audit log read in Arabic names everyone in Arabic script where an Arabic name is kept, the author too; the
training's time zone by its Arabic name; and a sentence whose last value already ends one gets no second stop."""
from datetime import datetime, timezone

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db


def _log(login, viewer, training, **query):
    return login(viewer).get(f"/officer/trainings/{training.id}/audit", query_string={"lang": "ar", **query}).text


def _entry(user, training, action, details):
    db.session.add(AuditEntry(user_id=user.id, action=action, object_type="Registration", object_id=1,
                              training_id=training.id, summary="-", details=details,
                              created_at=datetime(2022, 2, 16, 9, tzinfo=timezone.utc)))
    db.session.commit()


def test_a_participant_who_acted_is_named_in_arabic_script(app, login):
    officer = UserFactory(role="officer", name="Layla Hassan")
    training = TrainingSessionFactory(officers=[officer], timezone="Asia/Baghdad")
    zainab = ParticipantFactory(name="Zainab Al-Karkhi", name_ar="زينب الكرخي")
    RegistrationFactory(training=training, participant=zainab)
    account = UserFactory(role="participant", name="Zainab Al-Karkhi", participant=zainab)
    _entry(account, training, "registration.withdrawn",
           {"name": "Zainab Al-Karkhi", "name_ar": "زينب الكرخي", "old_status": "confirmed", "status": "withdrawn"})
    page = _log(login, officer, training)
    assert page.count("<bdi>زينب الكرخي</bdi>") == 2 and "<bdi>Zainab Al-Karkhi</bdi>" not in page  # who, whom
    # an author with no Arabic name keeps the one they have
    english = login(officer).get(f"/officer/trainings/{training.id}/audit?lang=en").text
    assert "<bdi>Zainab Al-Karkhi</bdi>" in english


def test_the_training_time_zone_is_named_in_arabic(app, login):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer], timezone="Asia/Baghdad")
    page = _log(login, officer, training)
    assert "Asia/Baghdad" not in page and "توقيت العراق" in page


def test_a_question_ending_with_a_stop_gets_no_second_one(app, login):
    officer = UserFactory(role="officer", name="Layla Hassan")
    training = TrainingSessionFactory(officers=[officer])
    _entry(officer, training, "question.create", {"question": "ما حقوق النساء على الحدود؟"})
    _entry(officer, training, "question.update", {"question": "اذكر حقوق النساء."})
    page = _log(login, officer, training)
    assert "<bdi>ما حقوق النساء على الحدود؟</bdi>." not in page and "<bdi>ما حقوق النساء على الحدود؟</bdi>" in page
    assert "<bdi>اذكر حقوق النساء.</bdi>." not in page and "<bdi>اذكر حقوق النساء.</bdi>" in page
