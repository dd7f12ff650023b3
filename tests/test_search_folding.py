"""Every search box compares folded text (``core.text.fold``): a name typed without hamza, with the Persian yeh or
kaf, with tatweel or tashkeel finds the name as stored, which stays as typed."""
import pytest

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.registrations import services as registrations

#: (what is typed, what it must find): hamza forms of alef, Persian yeh and kaf, tatweel, tashkeel
TYPED = [("احمد", "أحمد"), ("الكرخی", "الكرخي"), ("الکرخي", "الكرخي"), ("الـكـرخي", "الكرخي"), ("أَحْمَد", "أحمد")]


@pytest.mark.parametrize("typed, stored", TYPED)
def test_the_audit_logs_person_filter_folds_arabic(app, login, typed, stored):
    officer = UserFactory(role="officer", name="Layla")
    training = TrainingSessionFactory(officers=[officer])
    for name, name_ar in (("Ahmed Al-Karkhi", "أحمد الكرخي"), ("Omar Hassan", "عمر حسن")):
        registration = RegistrationFactory(training=training, status="pending",
                                           participant=ParticipantFactory(name=name, name_ar=name_ar))
        registrations.change_status(registration, "confirmed", by_user=officer)
    page = login(officer).get(f"/officer/trainings/{training.id}/audit?person={typed}&lang=ar").get_data(as_text=True)
    assert "أحمد الكرخي" in page and "عمر حسن" not in page
    assert stored in page  # shown as stored
