"""A search for a person finds them by the words of their name, in any order, each anywhere, hyphens as spaces:
"احمد المالكي" finds "أحمد جاسم المالكي", "Al Maliki" finds "Al-Maliki" (``core.text.fold_words``)."""
import pytest

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.core.text import fold_words
from training_mgr.registrations import services as registrations

#: (typed, found); "Layla Hassan" / "ليلى حسن" is never found
TYPED = [("احمد المالكي", "Ahmed Jasim Al-Maliki"), ("Al Maliki", "Ahmed Jasim Al-Maliki"),
         ("maliki ahmed", "Ahmed Jasim Al-Maliki"), ("المالكي أحمد", "Ahmed Jasim Al-Maliki")]


def test_fold_words_parts_a_search_at_spaces_and_hyphens():
    assert fold_words("  Al-Maliki  أحمد ") == ["al", "maliki", "احمد"]
    assert fold_words("") == [] and fold_words(None) == []


@pytest.fixture()
def people(app):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    for name, name_ar in (("Ahmed Jasim Al-Maliki", "أحمد جاسم المالكي"), ("Layla Hassan", "ليلى حسن")):
        RegistrationFactory(training=training, status="confirmed",
                            participant=ParticipantFactory(name=name, name_ar=name_ar))
    return officer, training


@pytest.mark.parametrize("typed, found", TYPED)
def test_the_registrations_list_finds_every_word(people, login, typed, found):
    officer, training = people
    page = login(officer).get(f"/officer/trainings/{training.id}/registrations", query_string={"q": typed}).text
    assert found in page and "Layla Hassan" not in page
    assert [p.name for p in registrations.search_participants(typed)] == [found]


@pytest.mark.parametrize("typed, found", TYPED)
def test_the_attendance_and_certificates_lists_find_every_word(people, login, typed, found):
    officer, training = people
    client = login(officer)
    for url in (f"/officer/trainings/{training.id}/attendance", f"/officer/trainings/{training.id}/certificates"):
        page = client.get(url, query_string={"q": typed}).text
        assert found in page and "Layla Hassan" not in page, url


def test_a_word_missing_finds_nobody(people, login):
    officer, training = people
    page = login(officer).get(f"/officer/trainings/{training.id}/registrations", query_string={"q": "احمد حسن"}).text
    assert "Ahmed Jasim Al-Maliki" not in page and "Layla Hassan" not in page


def test_the_audit_logs_person_filter_finds_every_word(people, login):
    officer, training = people
    from training_mgr.registrations.models import Registration

    for registration in Registration.query.filter_by(training_id=training.id):
        registrations.change_status(registration, "waitlisted", by_user=officer)
    page = login(officer).get(f"/officer/trainings/{training.id}/audit",
                              query_string={"person": "احمد المالكي", "lang": "ar"}).text
    assert "أحمد جاسم المالكي" in page and "ليلى حسن" not in page


def test_the_admins_user_search_finds_every_word(app, login):
    UserFactory(role="officer", email="layla@example.org", name="Layla Al-Hassan")
    UserFactory(role="officer", email="omar@example.org", name="Omar Hassan")
    page = login(UserFactory(role="admin")).get("/admin/users", query_string={"q": "Al Hassan layla"}).text
    assert "layla@example.org" in page and "omar@example.org" not in page
