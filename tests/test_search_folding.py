"""Every search box compares folded text (``core.text.fold``): a name typed without hamza, with the Persian yeh or
kaf, with tatweel or tashkeel finds the name as stored, which stays as typed."""
import pytest

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from tests.test_nominations import world  # noqa: F401  (the fixture)
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


def _course(name, arabic):
    from tests.factories import CourseFactory

    CourseFactory(title=name, title_ar=arabic)


def _organisation(name, arabic):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name=name, name_ar=arabic)


def _user(name, arabic):
    UserFactory(role="officer", email=f"{name.lower()}@example.org", name=arabic)


def _failed_message(name, arabic):
    from training_mgr.core.db import utcnow
    from training_mgr.extensions import db
    from training_mgr.mail.models import OutboundEmail

    db.session.add(OutboundEmail(recipient=f"{name.lower()}@example.org", kind="registration.confirmed", subject=arabic,
                                 body_text=".", locale="ar", next_attempt_at=utcnow(), status="failed", attempts=1))
    db.session.commit()


#: each search box: its address (for an admin), and how to store a row that shows an English word and holds Arabic
SEARCH_BOXES = {"courses": ("/courses", _course), "organisations": ("/organisations", _organisation),
                "users": ("/admin/users", _user), "outbox": ("/admin/mail", _failed_message)}


@pytest.mark.parametrize("box", SEARCH_BOXES)
@pytest.mark.parametrize("typed, stored", TYPED)
def test_every_search_box_folds_arabic(app, login, box, typed, stored):
    url, store = SEARCH_BOXES[box]
    store("Tigris7", f"مديرية {stored}")
    store("Euphrates9", "هيئة الكمارك")
    page = login(UserFactory(role="admin")).get(f"{url}?q={typed}").get_data(as_text=True).lower()
    assert "tigris7" in page and "euphrates9" not in page


def test_an_organisation_name_taken_is_refused_however_it_is_typed(app):
    from tests.factories import OrganisationFactory
    from training_mgr.organisations import services as organisations

    OrganisationFactory(name="Université de Bagdad")
    details = organisations.OrganisationDetails(name="UNIVERSITÉ  DE  BAGDAD", kind="institute", country="IQ")
    with pytest.raises(organisations.OrganisationError, match="already has this name"):
        organisations.create_organisation(UserFactory(role="admin"), details)


def test_a_nominee_whose_arabic_name_is_typed_another_way_is_still_known_to_have_attended(app, world):
    from sqlalchemy import select

    from tests.factories import CompletedTrainingFactory
    from tests.test_nominations import invite, nominee
    from training_mgr.extensions import db
    from training_mgr.nominations import balance
    from training_mgr.nominations.models import Nomination

    past = CompletedTrainingFactory(course=world.training.course)
    for name, name_ar in (("Ahmed Al-Karkhi", "أحمد الكرخي"), ("Omar Saleh", "عمر صالح")):
        RegistrationFactory(training=past, status="confirmed", participant=ParticipantFactory(
            name=name, name_ar=name_ar, email=f"{name.split()[0].lower()}@old.example.org", organisation=world.interior))
    _invitation, token = invite(world.training, world.interior)
    client = app.test_client()
    client.post(f"/nominations/{token}", data=nominee(name="Ahmad Karkhi", name_ar="احمد الکرخی", email="a@moi.gov.iq"))
    client.post(f"/nominations/{token}", data=nominee(name="OMAR  SALEH", email="o@moi.gov.iq"))
    client.post(f"/nominations/{token}", data=nominee(name="Omar Hassan", name_ar="عمر حسن", email="h@moi.gov.iq"))
    found = balance.already_trained(world.training, db.session.scalars(select(Nomination)).all())
    assert sorted(db.session.get(Nomination, nomination_id).email for nomination_id in found) == ["a@moi.gov.iq",
                                                                                                  "o@moi.gov.iq"]



def test_organisation_names_typed_in_on_another_keyboard_are_one_name_and_mapped_together(app, login):
    from tests.factories import OrganisationFactory
    from training_mgr.extensions import db
    from training_mgr.organisations import services as organisations
    from training_mgr.participants.models import Participant

    for typed in ("وزارة الداخلية", "وزارة الداخلیة", "وزارة الـداخـلية", "Airport Police"):
        ParticipantFactory(organisation=None, organisation_other=typed)
    assert [(row.participants) for row in organisations.other_organisation_names()] == [3, 1]
    moi = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    admin = login(UserFactory(role="admin"))
    assert "3 participants typed" in admin.get("/organisations/other/map?name=وزارة الداخلیة&lang=en").get_data(as_text=True)
    answer = admin.post("/organisations/other/map?lang=en", data={"name": "وزارة الداخلیة", "organisation_id": moi.id},
                        follow_redirects=True)
    assert "for 3 participants" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Participant.id)).where(Participant.organisation_id == moi.id)) == 3
    assert [row.name for row in organisations.other_organisation_names()] == ["Airport Police"]
