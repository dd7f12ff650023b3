"""The officer's list of a training's registrations reads the participant's details copied beside each registration
and the organisations counted per training (``registrations/copies.py``, ``organisation_tallies``): the copies follow
every change of the person, and a page costs the same on a small training and a large one."""
import importlib
import re
from dataclasses import replace

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, event, func, insert, select, text, update

from tests.conftest import make_test_config
from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory
from training_mgr import create_app
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations.models import Registration
from training_mgr.registrations.tallies import OrganisationTally

MIGRATION = importlib.import_module("migrations.versions.0027_registration_list_keys")


def _stale_copies():
    """Registrations whose copies differ from their participant's details, as (id, column) pairs."""
    expected = {
        "participant_sort_name": func.lower(Participant.name),
        "participant_search": Participant.name_folded + "\n" + func.lower(Participant.email),
        "participant_organisation_id": Participant.organisation_id,
        "participant_sex": Participant.sex,
    }
    stale = []
    for column, value in expected.items():
        stale += [(i, column) for i in db.session.scalars(
            select(Registration.id).join(Participant, Participant.id == Registration.participant_id)
            .where(getattr(Registration, column).is_distinct_from(value)))]
    return stale


def _organisation_counts():
    """(kept, live): each training's registrations per organisation and status, kept and counted afresh."""
    kept = {(t, o, s): n for t, o, s, n in db.session.execute(select(
        OrganisationTally.training_id, OrganisationTally.organisation_id, OrganisationTally.status,
        OrganisationTally.registrations)) if n}
    live = {(t, o, s): n for t, o, s, n in db.session.execute(
        select(Registration.training_id, Participant.organisation_id, Registration.status, func.count())
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Participant.organisation_id.is_not(None))
        .group_by(Registration.training_id, Participant.organisation_id, Registration.status))}
    return kept, live


def _in_step():
    db.session.expire_all()
    kept, live = _organisation_counts()
    return not _stale_copies() and kept == live


def test_the_copies_and_the_organisation_counts_follow_every_kind_of_write(app, people):
    """ORM and Core inserts, renames, moves to another organisation, a sex or address corrected, a copy written by
    hand, a registration moved to another person, status changes, deletions, an organisation and a training
    removed: the list's copies and counts stay those of the participants."""
    ministry, customs, aviation = (OrganisationFactory(name=n) for n in ("Ministry of Interior", "Customs", "Aviation"))
    training, other = people.training, TrainingSessionFactory()
    zaid = ParticipantFactory(name="Zaid Kareem", name_ar="زيد كريم", organisation=ministry, sex="male")
    hiba = ParticipantFactory(name="Hiba Jassim", organisation=customs, sex="female")
    nobody = ParticipantFactory(name="Ali Hassan", organisation=None)
    first = RegistrationFactory(training=training, participant=zaid, status="confirmed")
    RegistrationFactory(training=training, participant=hiba, status="pending")
    RegistrationFactory(training=training, participant=nobody, status="pending")
    db.session.execute(insert(Registration), [  # Core, no copies given
        {"training_id": other.id, "participant_id": p.id, "status": "confirmed"} for p in (zaid, hiba, nobody)])
    db.session.commit()
    assert _in_step()
    assert db.session.get(Registration, first.id).participant_sort_name == "zaid kareem"

    zaid.name, zaid.organisation, hiba.sex, hiba.email = "Adam Kareem", customs, "male", "hiba@customs.iq"
    db.session.commit()
    assert _in_step()
    assert "hiba@customs.iq" in db.session.scalar(
        select(Registration.participant_search).where(Registration.participant_id == hiba.id).limit(1))

    db.session.execute(update(Participant).where(Participant.id.in_([hiba.id, nobody.id])).values(organisation_id=aviation.id))
    db.session.execute(update(Registration).where(Registration.id == first.id).values(
        participant_sort_name="aaa", participant_organisation_id=ministry.id))  # by hand: put back
    db.session.commit()
    assert _in_step()

    newcomer = ParticipantFactory(name="Newcomer", organisation=ministry, sex="female")
    db.session.execute(update(Registration).where(Registration.id == first.id).values(participant_id=newcomer.id))
    db.session.execute(update(Registration).where(Registration.training_id == other.id).values(status="withdrawn"))
    db.session.execute(delete(Registration).where(Registration.training_id == other.id, Registration.participant_id == hiba.id))
    db.session.commit()
    assert _in_step()

    db.session.delete(db.session.get(type(aviation), aviation.id))  # its people are left without an organisation
    db.session.commit()
    assert _in_step()
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.participant_organisation_id == aviation.id)) == 0

    db.session.delete(db.session.get(type(other), other.id))
    db.session.commit()
    assert _in_step()


def _list(client, training, **query):
    response = client.get(f"/officer/trainings/{training.id}/registrations", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _names(page):
    return re.findall(r'aria-label="Select ([^"]+)"', page)


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)
def test_the_list_follows_a_participant_who_renames_themself_and_moves(login, people):
    from training_mgr.account.services import update_profile
    from training_mgr.participants.inputs import PersonalDetails

    ministry, customs = OrganisationFactory(name="Ministry of Interior"), OrganisationFactory(name="General Commission of Customs")
    training, participant = people.training, people.participant.participant
    participant.name, participant.name_ar, participant.organisation = "Zaid Kareem", "زيد كريم", ministry
    for name in ("Hiba Jassim", "Omar Raad"):
        RegistrationFactory(training=training, participant=ParticipantFactory(name=name, organisation=customs))
    RegistrationFactory(training=training, participant=participant)
    client = login(people.officer)
    assert _names(_list(client, training)) == ["Hiba Jassim", "Omar Raad", "Zaid Kareem"]

    update_profile(people.participant, replace(PersonalDetails.of(participant), name="Ahmed Kareem", name_ar="أحمد كريم",
                                                organisation_id=customs.id), "en")

    assert _names(_list(client, training)) == ["Ahmed Kareem", "Hiba Jassim", "Omar Raad"]
    assert _names(_list(client, training, q="احمد")) == ["Ahmed Kareem"]  # folded: احمد finds أحمد
    assert _names(_list(client, training, q="Zaid")) == []
    page = _list(client, training, organisation=customs.id)
    assert _names(page) == ["Ahmed Kareem", "Hiba Jassim", "Omar Raad"] and "1–3 of 3" in page
    assert f'<option value="{ministry.id}"' not in page  # nobody of the ministry is registered any more
    by_organisation = client.get(f"/officer/trainings/{training.id}/registrations/by-organisation").get_data(as_text=True)
    assert "Ministry of Interior" not in by_organisation and "General Commission of Customs" in by_organisation


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)
def test_an_erased_participant_is_not_found_by_their_old_name_or_address(login, people):
    from training_mgr.erasure.services import erase_participant

    training, participant = people.training, people.participant.participant
    participant.name, participant.email = "Zaid Kareem", "zaid.kareem@moi.gov.iq"
    RegistrationFactory(training=training, participant=participant)
    RegistrationFactory(training=training, participant=ParticipantFactory(name="Hiba Jassim"))
    client = login(people.officer)
    assert _names(_list(client, training, q="zaid.kareem@moi")) == ["Zaid Kareem"]

    erase_participant(participant, by_user=people.admin)

    for term in ("Zaid", "zaid.kareem@moi", "زيد"):
        assert "No registrations match." in _list(client, training, q=term)
    assert _names(_list(client, training, sort="name", order="desc")) == ["Hiba Jassim", f"Erased participant #{participant.id}"]


def _listing_statements(count_queries, client, url):
    with count_queries() as seen:
        assert client.get(url).status_code == 200
    return seen


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)  # the statements of drawing the page, not of serving it again
def test_a_page_of_the_list_costs_the_same_on_a_small_and_a_large_training(login, people, count_queries):
    """The same statements for 3 registrations and for 120, for the first and the last page, filtered and searched;
    none counts every match with a window or sorts the training's registrations joined with their people."""
    ministry = OrganisationFactory(name="Ministry of Interior")
    small, large = people.training, TrainingSessionFactory(officers=[people.officer])
    for training, size in ((small, 3), (large, 120)):
        for _ in range(size):
            RegistrationFactory(training=training, participant=ParticipantFactory(organisation=ministry))
    client = login(people.officer)
    variants = ["", "?page=3", f"?organisation={ministry.id}", "?status=pending", "?q=participant", "?sex=female",
                "?sort=organisation", "?sort=status&order=desc", "/by-organisation"]
    for variant in variants:
        counts = []
        for training in (small, large):
            url = f"/officer/trainings/{training.id}/registrations{variant}"
            statements = _listing_statements(count_queries, client, url)
            assert not any(re.search(r"\bover\s*\(", s, re.I) for s in statements), variant
            counts.append(len(statements))
        assert counts[0] == counts[1], variant


def test_a_page_of_the_list_is_read_through_the_index_by_name(app, people):
    """The page's rows are found by walking the index on (training, sort name, id), not by sorting the training."""
    from training_mgr.registrations import listing

    training = people.training
    for _ in range(30):
        RegistrationFactory(training=training)
    db.session.commit()
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "participant_sort_name" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert len(listing.registrations_page(training, page=2, per_page=10).items) == 10
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    (statement, parameters), = seen
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":  # a tiny table: make the planner show what it would do on a big one
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
    else:
        plan = "\n".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    db.session.rollback()
    assert "ix_registrations_training_session_id_participant_sort_name_id" in plan, plan


def test_the_migration_fills_in_the_copies_and_counts_of_registrations_stored_before_it(new_database_url):
    """The migration's statements, run on registrations stored without copies or counts (as every one before it
    was): its one UPDATE … FROM fills in the copies, they are counted per organisation, and the triggers it makes
    keep them in step. (Its own copies of the statements, not the module's: a revision never changes.)"""
    app = create_app(make_test_config(new_database_url))
    with app.app_context():
        upgrade()
        customs = OrganisationFactory(name="Customs")
        training = TrainingSessionFactory()
        for n, status in enumerate(("confirmed", "confirmed", "pending")):
            RegistrationFactory(training=training, status=status, participant=ParticipantFactory(
                name=f"Person {n}", organisation=customs if n else None))
        db.session.commit()
        expected = {(training.id, customs.id, "confirmed"): 1, (training.id, customs.id, "pending"): 1}
        dialect = db.engine.dialect.name
        for statement in MIGRATION.ORGANISATION_TRIGGERS[dialect][1] + MIGRATION.COPY_TRIGGERS[dialect][1]:
            db.session.execute(text(statement))
        db.session.execute(update(Registration).values(participant_sort_name="", participant_search="",
                                                       participant_organisation_id=None, participant_sex=None))
        db.session.execute(delete(OrganisationTally))
        assert _stale_copies()

        for statement in [MIGRATION.COPY_BACKFILL[dialect], MIGRATION.ORGANISATION_BACKFILL,
                          *MIGRATION.COPY_TRIGGERS[dialect][0], *MIGRATION.ORGANISATION_TRIGGERS[dialect][0]]:
            db.session.execute(text(statement))
        db.session.commit()
        assert _in_step() and _organisation_counts()[0] == expected
        moved = db.session.scalar(select(Participant).where(Participant.name == "Person 0"))
        moved.organisation, moved.name = customs, "Renamed"
        RegistrationFactory(training=training, participant=ParticipantFactory(organisation=customs))
        db.session.commit()
        assert _in_step()
        db.session.remove()
        db.engine.dispose()
