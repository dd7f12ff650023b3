"""A page costs the same on a small training and on a large one: the read API's pages of registrations follow
an index from the last one shown instead of skipping every row before them, and the counts of registrations
that the catalogue and the API's list show are kept by the database instead of counted on every request."""
import re
from urllib.parse import parse_qs, urlsplit

from tests.factories import RegistrationFactory, TrainingSessionFactory


def _page_statements(count_queries, client, url):
    with count_queries() as seen:
        body = client.get(url).json
    return body, seen


def test_api_registration_pages_start_after_the_last_one_shown(login, people, count_queries):
    training = people.training
    ids = [RegistrationFactory(training=training).id for _ in range(12)]
    RegistrationFactory(training=TrainingSessionFactory())  # another training's, never listed
    client = login(people.manager)

    seen, pages, statements, url = [], [], [], f"/api/v1/sessions/{training.id}/registrations?per_page=5"
    while url:
        body, sql = _page_statements(count_queries, client, url)
        seen += [item["id"] for item in body["items"]]
        pages.append(body["page"])
        statements.append(sql)
        url = body["next"]
    assert seen == sorted(ids) and pages == [1, 2, 3]
    # the later pages start after the last registration of the page before instead of skipping rows
    assert all(any(re.search(r"registrations\.id > ", s) for s in sql) for sql in statements[1:])
    assert len(statements[1]) == len(statements[2])

    # a client that counts pages itself still gets the same pages
    third = client.get(f"/api/v1/sessions/{training.id}/registrations?per_page=5&page=3").json
    assert [item["id"] for item in third["items"]] == sorted(ids)[10:] and third["next"] is None


def test_the_next_link_names_the_last_registration_shown(login, people):
    training = people.training
    ids = sorted(RegistrationFactory(training=training).id for _ in range(3))
    body = login(people.officer).get(f"/api/v1/sessions/{training.id}/registrations?per_page=2").json
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["after"] == [str(ids[1])] and query["page"] == ["2"] and query["per_page"] == ["2"]


def test_api_page_statements_do_not_grow_with_the_training(login, people, count_queries):
    small, large = people.training, TrainingSessionFactory(officers=[people.officer])
    for training, size in ((small, 3), (large, 60)):
        for _ in range(size):
            RegistrationFactory(training=training)
    client = login(people.officer)
    counts = []
    for training in (small, large):
        with count_queries() as seen:
            assert client.get(f"/api/v1/sessions/{training.id}/registrations?per_page=2").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]


def _live_counts():
    from sqlalchemy import func, select

    from training_mgr.extensions import db
    from training_mgr.registrations.models import Registration

    return {(t, s): n for t, s, n in db.session.execute(
        select(Registration.training_id, Registration.status, func.count()).group_by(Registration.training_id, Registration.status))}


def _kept_counts():
    from sqlalchemy import select

    from training_mgr.extensions import db
    from training_mgr.registrations.tallies import RegistrationTally

    return {(t, s): n for t, s, n in db.session.execute(
        select(RegistrationTally.training_id, RegistrationTally.status, RegistrationTally.registrations)) if n}


def test_kept_registration_counts_follow_every_kind_of_write(app, people):
    """The counts the catalogue and the API read are kept by the database: ORM and Core writes, a bulk status
    change, deletions and a training's removal all count."""
    from sqlalchemy import delete, insert, update

    from training_mgr.extensions import db
    from training_mgr.registrations.models import Registration
    from training_mgr.registrations.seats import registration_counts, seats_taken_by_session
    from tests.factories import ParticipantFactory

    training, other = people.training, TrainingSessionFactory()
    first = RegistrationFactory(training=training, status="confirmed")
    RegistrationFactory.create_batch(3, training=training, status="waitlisted")
    people_ids = [ParticipantFactory().id for _ in range(4)]
    db.session.execute(insert(Registration), [
        {"training_id": other.id, "participant_id": pid, "status": "confirmed"} for pid in people_ids])
    db.session.commit()
    assert _kept_counts() == _live_counts() == {
        (training.id, "confirmed"): 1, (training.id, "waitlisted"): 3, (other.id, "confirmed"): 4}

    first.status = "withdrawn"  # a status change through the ORM
    db.session.execute(update(Registration).where(Registration.status == "waitlisted").values(status="confirmed"))
    db.session.execute(delete(Registration).where(Registration.training_id == other.id, Registration.participant_id == people_ids[0]))
    db.session.commit()
    assert _kept_counts() == _live_counts()
    assert registration_counts([training.id, other.id]) == {
        training.id: {"withdrawn": 1, "confirmed": 3}, other.id: {"confirmed": 3}}
    assert seats_taken_by_session([training.id, other.id]) == {training.id: 3, other.id: 3}

    db.session.rollback()
    db.session.delete(db.session.get(type(other), other.id))  # the training and its registrations go
    db.session.commit()
    assert _kept_counts() == _live_counts()

