"""A facilitator's own page: an officer corrects their names in both scripts, title, organisation and e-mail, and
removes one who leads no slot (one who still leads a slot is kept, and the officer is told which)."""
from datetime import time

import pytest
from sqlalchemy import select

from tests.factories import OrganisationFactory, TrainingSessionFactory
from training_mgr.agenda import services
from training_mgr.agenda.models import AgendaSlot, Facilitator
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db


@pytest.fixture
def facilitator(people):
    nahrain = OrganisationFactory(name="Al-Nahrain Centre", name_ar="مركز النهرين")
    return services.add_facilitator(services.FacilitatorDetails(
        name="Dr. Layla Hasan", name_ar="د. ليلى حسن", organisation_id=nahrain.id, bio="Border law researcher."),
        by_user=people.officer)


def url(people, facilitator, action="edit"):
    return f"/officer/trainings/{people.training.id}/agenda/facilitators/{facilitator.id}/{action}"


def details(facilitator, **changes):
    return {"name": facilitator.name, "name_ar": facilitator.name_ar or "", "title": facilitator.title or "",
            "title_ar": facilitator.title_ar or "", "organisation_id": str(facilitator.organisation_id or 0),
            "email": facilitator.email or "", "bio": facilitator.bio or "", **changes}


def lead(people, facilitator, training=None):
    training = training or people.training
    day = sorted(training.days, key=lambda d: d.date)[0]
    return services.add_slot(training, services.SlotDetails(
        day_id=day.id, starts_at=time(9), ends_at=time(10), title="Human rights at borders",
        facilitator_id=facilitator.id), by_user=people.officer)


def test_the_agenda_lists_the_facilitators_with_a_link_to_edit_each(people, login, facilitator):
    page = login(people.officer).get(f"/officer/trainings/{people.training.id}/agenda").text
    assert url(people, facilitator) in page and "Dr. Layla Hasan" in page


def test_an_officer_edits_a_facilitator_and_every_agenda_shows_the_change(people, login, client, facilitator):
    officer = login(people.officer)
    page = officer.get(url(people, facilitator))
    assert page.status_code == 200 and 'value="Dr. Layla Hasan"' in page.text
    customs = OrganisationFactory(name="General Commission of Customs")
    lead(people, facilitator)
    saved = officer.post(url(people, facilitator), data=details(
        facilitator, name="Dr. Layla Hassan", name_ar="د. ليلى حسّان", title="Senior Legal Officer",
        title_ar="موظفة قانونية أولى", organisation_id=str(customs.id), email="Layla.Hassan@Example.org"),
        follow_redirects=True)
    assert "Facilitator saved." in saved.text
    db.session.refresh(facilitator)
    assert (facilitator.name, facilitator.name_ar, facilitator.title, facilitator.title_ar, facilitator.organisation_id,
            facilitator.email) == ("Dr. Layla Hassan", "د. ليلى حسّان", "Senior Legal Officer", "موظفة قانونية أولى",
                                   customs.id, "layla.hassan@example.org")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agenda.facilitator_update"))
    assert entry.changes["name"] == ["Dr. Layla Hasan", "Dr. Layla Hassan"]

    people.training.status = "open"
    db.session.commit()
    public = client.get(f"/sessions/{people.training.id}").text
    assert "Dr. Layla Hassan" in public and "Senior Legal Officer" in public and "General Commission of Customs" in public
    assert "layla.hassan@example.org" not in public  # the e-mail is for the officers only
    assert "د. ليلى حسّان" in client.get(f"/sessions/{people.training.id}?lang=ar").text


def test_a_bad_e_mail_is_shown_beside_the_field_with_what_was_typed(people, login, facilitator):
    response = login(people.officer).post(url(people, facilitator), data=details(
        facilitator, title="Senior Legal Officer", email="layla at example"))
    assert response.status_code == 422
    assert "Type a valid e-mail address" in response.text and 'value="Senior Legal Officer"' in response.text
    db.session.refresh(facilitator)
    assert (facilitator.title, facilitator.email) == (None, None)


def test_a_facilitator_who_leads_no_slot_is_removed(people, login, facilitator):
    officer = login(people.officer)
    page = officer.get(url(people, facilitator)).text
    assert "They lead no slot." in page and 'data-confirm="Remove this facilitator?"' in page
    done = officer.post(url(people, facilitator, "remove"), follow_redirects=True)
    assert "Facilitator removed." in done.text
    assert db.session.get(Facilitator, facilitator.id) is None


def test_a_facilitator_who_leads_a_slot_is_kept_and_the_officer_is_told_where(people, login, facilitator):
    other = TrainingSessionFactory(title="Follow-up training on refugee law")
    slot = lead(people, facilitator, other)
    officer = login(people.officer)
    page = officer.get(url(people, facilitator)).text
    assert "Follow-up training on refugee law" in page and "Remove the facilitator" not in page
    refused = officer.post(url(people, facilitator, "remove"), follow_redirects=True)
    assert ("Dr. Layla Hasan leads 1 slot (Follow-up training on refugee law): choose another facilitator for it "
            "first.") in refused.text
    db.session.expire_all()
    assert db.session.get(Facilitator, facilitator.id) is not None
    assert db.session.get(AgendaSlot, slot.id).facilitator_id == facilitator.id


def test_an_unknown_facilitator_is_404_and_other_officers_are_refused(people, login, facilitator):
    officer = login(people.officer)
    assert officer.get(f"/officer/trainings/{people.training.id}/agenda/facilitators/999999/edit").status_code == 404
    assert login(people.other_officer).get(url(people, facilitator)).status_code == 403
    assert login(people.manager).post(url(people, facilitator, "remove")).status_code == 403
    assert db.session.get(Facilitator, facilitator.id) is not None


def test_a_slot_for_a_facilitator_removed_meanwhile_is_refused_beside_the_field_not_a_500(people, login, facilitator):
    from sqlalchemy import delete

    facilitator_id = facilitator.id
    assert db.session.get(Facilitator, facilitator_id) is facilitator  # this request has them in memory
    with db.engine.begin() as other_request:  # another officer removes them after this page listed them
        other_request.execute(delete(Facilitator).where(Facilitator.id == facilitator_id))
    day = sorted(people.training.days, key=lambda d: d.date)[0]
    with pytest.raises(services.AgendaError) as refused:
        services.add_slot(people.training, services.SlotDetails(
            day_id=day.id, starts_at=time(9), ends_at=time(10), title="Border law", facilitator_id=facilitator_id),
            by_user=people.officer)
    assert refused.value.field == "facilitator_id" and "no longer exists" in str(refused.value)
    db.session.rollback()
    assert db.session.scalars(select(AgendaSlot)).all() == []
    page = login(people.officer).post(f"/officer/trainings/{people.training.id}/agenda/slots", data={
        "day_id": day.id, "starts_at": "09:00", "ends_at": "10:00", "title": "Border law", "title_ar": "",
        "facilitator_id": facilitator_id, "room": ""})
    assert page.status_code == 422 and db.session.scalars(select(AgendaSlot)).all() == []
