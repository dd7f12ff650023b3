"""Arabic text matches as Arabic readers expect: searches and lookups by name compare folded forms
(``core.text.fold``), while what is stored stays as typed."""
import unicodedata

import pytest

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.core.text import fold
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations import importing
from training_mgr.registrations import services as registrations

HEADER = "name,name_ar,sex,organisation,position,email,phone,nominated_by"


@pytest.mark.parametrize("typed, stored", [
    ("احمد", "أحمد"), ("اسماعيل", "إسماعيل"), ("امنة", "آمنة"), ("مصطفي", "مصطفى"),
    ("الكرخي", "الـكـرخي"), ("محمد", "مُحَمَّد"), ("كركي", "کرکی"), ("AHMED", "ahmed"),
    (unicodedata.normalize("NFD", "أحمد"), "احمد"),
])
def test_fold_makes_what_a_reader_takes_for_the_same_equal(typed, stored):
    assert fold(typed) == fold(stored)


def test_searching_the_registrations_for_ahmad_without_hamza_finds_the_stored_name(app, login):
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    RegistrationFactory(training=training, participant=ParticipantFactory(name="Ahmed Karkhi", name_ar="أحمد الكرخي"))
    RegistrationFactory(training=training, participant=ParticipantFactory(name="Layla Hassan", name_ar="ليلى حسن"))
    page = login(officer).get(f"/officer/trainings/{training.id}/registrations?q=احمد").get_data(as_text=True)
    assert "Ahmed Karkhi" in page and "Layla Hassan" not in page
    assert [p.name for p in registrations.search_participants("احمد الكرخى")] == ["Ahmed Karkhi"]
    # stored as typed
    assert db.session.scalar(db.select(Participant.name_ar).where(Participant.name == "Ahmed Karkhi")) == "أحمد الكرخي"


def test_a_renamed_participant_is_found_by_the_new_name_only(app):
    participant = ParticipantFactory(name="Old Name", name_ar="قديم")
    participant.name_ar = "إبراهيم"
    db.session.commit()
    assert registrations.search_participants("ابراهيم") == [participant]
    assert registrations.search_participants("قديم") == []


def test_the_catalogue_search_folds_arabic(app, client):
    TrainingSessionFactory(title="Border management", title_ar="إدارة الحدود")
    TrainingSessionFactory(title="Customs", title_ar="الجمارك")
    page = client.get("/?q=ادارة").get_data(as_text=True)
    assert "Border management" in page and "Customs" not in page


@pytest.mark.parametrize("typed", [
    "وزارة الداخلیة".replace("ي", "ی"),                    # Persian yeh
    unicodedata.normalize("NFD", "وزارة الداخلية"),          # decomposed
    "وزارة الـداخـلية",                                      # tatweel
])
def test_an_organisation_typed_on_another_keyboard_is_known_in_an_import(app, people, typed):
    moi = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    kaf = OrganisationFactory(name="Civil Aviation", name_ar="سلطة الطيران المدني الكردستانية")
    data = (HEADER + "\n"
            + f"Ahmed Kadhim,أحمد كاظم,male,{typed},Colonel,ahmed@moi.gov.iq,,\n"
            + "Hiba Jassim,هبة جاسم,female,سلطة الطيران المدني الکردستانیة,Officer,hiba@example.org,,\n").encode()
    preview = importing.preview_upload(people.training, "list.csv", data, 5 * 1024 * 1024)
    assert preview.ok, [row.errors for row in preview.rows]
    assert [row.organisation for row in preview.rows] == [moi, kaf]
