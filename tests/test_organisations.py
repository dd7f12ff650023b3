"""Organisations: names, kinds, parents without cycles, and mapping the names participants typed in."""
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tests.factories import OrganisationFactory, ParticipantFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db
from training_mgr.organisations import services
from training_mgr.organisations.models import Organisation
from training_mgr.participants.models import Participant


def _organisation_count():
    return db.session.scalar(select(func.count(Organisation.id)))


# --- service -------------------------------------------------------------------------------------------

def test_create_an_organisation_with_a_parent(people):
    moi = OrganisationFactory(name="Ministry of Interior")
    border_police = services.create_organisation(people.admin, services.OrganisationDetails(
        name="Directorate of Border Ports Police", name_ar="مديرية شرطة المنافذ الحدودية",
        acronym="DBPP", kind="authority", country="IQ", parent_id=moi.id,
    ))
    assert border_police.parent == moi and moi.children == [border_police]
    assert db.session.scalar(select(AuditEntry.action)) == "organisation.create"


def test_a_second_organisation_with_the_same_name_is_refused_whatever_the_case(people):
    OrganisationFactory(name="Ministry of Justice")
    before = _organisation_count()
    with pytest.raises(services.OrganisationError) as error:
        services.create_organisation(people.admin, services.OrganisationDetails(name="ministry of justice ",
                                                                                kind="ministry"))
    assert error.value.field == "name"
    assert _organisation_count() == before


def test_an_organisation_cannot_sit_under_itself_or_its_own_sub_entities(people):
    top = OrganisationFactory(name="Top")
    middle = OrganisationFactory(name="Middle", parent=top)
    bottom = OrganisationFactory(name="Bottom", parent=middle)
    for parent in (top, bottom, middle):
        with pytest.raises(services.OrganisationError) as error:
            services.update_organisation(top, people.admin,
                                         replace(services.OrganisationDetails.of(top), parent_id=parent.id))
        assert error.value.field == "parent_id"
    db.session.refresh(top)
    assert top.parent_id is None
    # moving a branch elsewhere is fine
    other = OrganisationFactory(name="Other")
    assert services.update_organisation(
        middle, people.admin, replace(services.OrganisationDetails.of(middle), parent_id=other.id)) == {
        "parent_id": [top.id, other.id]
    }


def test_an_unknown_kind_or_country_is_refused(people):
    with pytest.raises(services.OrganisationError) as error:
        services.create_organisation(people.admin, services.OrganisationDetails(name="X", kind="club"))
    assert error.value.field == "kind"
    with pytest.raises(services.OrganisationError) as error:
        services.create_organisation(people.admin,
                                     services.OrganisationDetails(name="X", kind="ministry", country="Iraq"))
    assert error.value.field == "country"


def test_typed_in_names_are_grouped_without_case_or_spaces_and_counted(app):
    ParticipantFactory(organisation=None, organisation_other="Passports Directorate")
    ParticipantFactory(organisation=None, organisation_other=" passports directorate")
    ParticipantFactory(organisation=None, organisation_other="Airport Police")
    ParticipantFactory(organisation=OrganisationFactory(), organisation_other="Ignored: already has one")
    rows = services.other_organisation_names()
    assert [(row.name.strip().lower(), row.participants) for row in rows] == [
        ("passports directorate", 2), ("airport police", 1),
    ]
    assert services.count_other_organisation_names() == 2


def test_mapping_a_typed_in_name_gives_every_such_participant_the_organisation(people):
    moi = OrganisationFactory(name="Ministry of Interior")
    a = ParticipantFactory(organisation=None, organisation_other="MoI passports")
    b = ParticipantFactory(organisation=None, organisation_other="moi passports ")
    c = ParticipantFactory(organisation=None, organisation_other="Airport Police")
    assert services.map_other_organisation("MOI Passports", moi, people.officer) == 2
    for participant in (a, b, c):
        db.session.refresh(participant)
    assert (a.organisation_id, a.organisation_other) == (moi.id, None)
    assert (b.organisation_id, b.organisation_other) == (moi.id, None)
    assert (c.organisation_id, c.organisation_other) == (None, "Airport Police")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.map_other"))
    assert entry.user_id == people.officer.id and entry.object_id == moi.id
    assert sorted(entry.changes["participants"][1]) == sorted([a.id, b.id])
    with pytest.raises(services.OrganisationError):  # nothing left to map
        services.map_other_organisation("MOI Passports", moi, people.officer)


# --- screens -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/organisations", "/organisations/new", "/organisations/other"])
def test_anonymous_users_are_sent_to_log_in(client, app, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role,read,create,edit,curate", [
    ("participant", 403, 403, 403, 403), ("manager", 200, 403, 403, 403), ("other_officer", 200, 200, 403, 403),
    ("officer", 200, 200, 200, 403), ("admin", 200, 200, 200, 200),
])
def test_who_may_read_and_write_organisations(people, login, role, read, create, edit, curate):
    """Staff read the list; officers add organisations; the steward (``officer`` here) and admins edit one; only
    admins map typed-in names, which changes participants of every training."""
    organisation = OrganisationFactory(steward=people.officer)
    ParticipantFactory(organisation=None, organisation_other="Airport Police")
    client = login(getattr(people, role))
    assert client.get("/organisations").status_code == read
    assert client.get("/organisations/new").status_code == create
    assert client.get(f"/organisations/{organisation.id}/edit").status_code == edit
    assert client.get("/organisations/other").status_code == curate
    assert client.get("/organisations/other/map?name=Airport+Police").status_code == curate
    response = client.post("/organisations/other/map", data={"name": "Airport Police", "organisation_id": organisation.id})
    assert response.status_code == (302 if curate == 200 else curate)


def test_search_and_kind_filter(people, login):
    OrganisationFactory(name="General Commission of Customs", kind="commission", acronym="GCC")
    OrganisationFactory(name="Ministry of Transport", kind="ministry", name_ar="وزارة النقل")
    client = login(people.officer)
    html = client.get("/organisations?q=gcc").get_data(as_text=True)
    assert "General Commission of Customs" in html and "Ministry of Transport" not in html
    html = client.get("/organisations?q=النقل").get_data(as_text=True)
    assert "Ministry of Transport" in html and "General Commission of Customs" not in html
    html = client.get("/organisations?kind=commission").get_data(as_text=True)
    assert "General Commission of Customs" in html and "Ministry of Transport" not in html


def test_the_list_is_paginated(people, login):
    for i in range(30):
        OrganisationFactory(name=f"Entity {i:02d}")
    client = login(people.officer)
    assert "Entity 29" not in client.get("/organisations").get_data(as_text=True)
    assert "Entity 29" in client.get("/organisations?page=2").get_data(as_text=True)


def test_create_through_the_form(people, login):
    parent = OrganisationFactory(name="Ministry of Transport")
    client = login(people.admin)
    response = client.post("/organisations/new", data={
        "name": "Iraqi Civil Aviation Authority", "name_ar": "سلطة الطيران المدني العراقي", "acronym": "ICAA",
        "kind": "authority", "country": "IQ", "parent_id": str(parent.id),
    }, follow_redirects=True)
    assert "Organisation “Iraqi Civil Aviation Authority” added." in response.get_data(as_text=True)
    created = db.session.scalar(select(Organisation).where(Organisation.acronym == "ICAA"))
    assert created.parent_id == parent.id and created.country == "IQ"


def test_bad_input_shows_errors_beside_the_fields_and_stores_nothing(people, login):
    OrganisationFactory(name="Ministry of Justice")
    client = login(people.officer)
    before = _organisation_count()
    response = client.post("/organisations/new", data={
        "name": "Ministry of Justice", "name_ar": "وزارة العدل", "kind": "ministry", "country": "", "parent_id": "None",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in html and "Another organisation already has this name." in html
    assert 'value="وزارة العدل"' in html
    response = client.post("/organisations/new", data={"name": "X", "kind": "nonsense", "country": "ZZZ"})
    html = response.get_data(as_text=True)
    assert 'id="kind-error"' in html and 'id="country-error"' in html
    assert _organisation_count() == before


def test_a_parent_cycle_is_refused_beside_the_parent_field(people, login):
    top = OrganisationFactory(name="Top")
    child = OrganisationFactory(name="Child", parent=top)
    response = login(people.admin).post(f"/organisations/{top.id}/edit", data={
        "name": "Top", "kind": "ministry", "country": "IQ", "parent_id": str(child.id),
    })
    assert 'id="parent_id-error"' in response.get_data(as_text=True)
    db.session.refresh(top)
    assert top.parent_id is None


def test_typed_in_names_are_listed_and_mapped_through_the_screens(people, login):
    moi = OrganisationFactory(name="Ministry of Interior")
    ParticipantFactory(organisation=None, organisation_other="Passports Directorate")
    ParticipantFactory(organisation=None, organisation_other="passports directorate")
    client = login(people.admin)
    html = client.get("/organisations/other").get_data(as_text=True)
    assert "Passports Directorate" in html and "/organisations/other/map?name=Passports+Directorate" in html
    page = client.get("/organisations/other/map?name=Passports+Directorate").get_data(as_text=True)
    assert "2 participants typed" in page and "data-confirm" in page
    response = client.post("/organisations/other/map", data={"name": "Passports Directorate", "organisation_id": ""})
    assert 'id="organisation_id-error"' in response.get_data(as_text=True)
    response = client.post("/organisations/other/map", data={
        "name": "Passports Directorate", "organisation_id": str(moi.id),
    }, follow_redirects=True)
    assert "mapped to Ministry of Interior for 2 participants" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Participant.id)).where(Participant.organisation_id == moi.id)) == 2
    assert client.get("/organisations/other/map?name=Passports+Directorate").status_code == 404
