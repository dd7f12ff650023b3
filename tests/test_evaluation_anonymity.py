"""The anonymous reaction survey cannot be traced to a person from the database: its responses are written only in
shuffled batches of at least 5, so neither their ids nor where their rows lie (SQLite's rowid, PostgreSQL's
ctid) follow the order in which people answered (the ``Respondent`` rows)."""
import importlib
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import make_test_config
from tests.factories import RegistrationFactory, TrainingSessionFactory, UserFactory
from tests.test_concurrency import _post_registration, live_app  # noqa: F401 (a fixture)
from training_mgr import create_app
from training_mgr.evaluation import anonymity, instruments, results
from training_mgr.evaluation.instruments import GivenAnswer
from training_mgr.evaluation.models import Answer, Instrument, Respondent, Response
from training_mgr.extensions import db

PEOPLE = 12


def _rows(instrument_id, order):
    """``[(response id, its comment)]`` of the instrument's responses by id, or by where the rows lie."""
    place = "ctid" if db.engine.dialect.name == "postgresql" else "rowid"
    return db.session.execute(text(
        "SELECT r.id, a.text FROM evaluation_responses r JOIN evaluation_answers a ON a.response_id = r.id "
        f"WHERE r.instrument_id = :i AND a.text IS NOT NULL ORDER BY r.{'id' if order == 'id' else place}"),
        {"i": instrument_id}).all()


@pytest.fixture
def survey(app, monkeypatch):
    monkeypatch.setattr(anonymity, "shuffler", random.Random(14))  # a repeatable shuffle
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    people = [RegistrationFactory(training=training).participant for _ in range(PEOPLE)]
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    return training, reaction, people


def test_responses_are_written_only_in_shuffled_batches_each_hiding_at_least_five_people(survey):
    training, reaction, people = survey
    likert = [q for q in reaction.questions if q.kind == "likert"]
    comment = next(q for q in reaction.questions if q.kind == "text")
    # what someone who copies the database after every answer can tell: the rows written since the last copy come
    # from the people whose rows they replaced plus the one who just answered
    candidates, pool = {}, set()
    for k, person in enumerate(people):
        instruments.submit_answers(reaction, training, person.id, {
            **{q.id: GivenAnswer(value=k % 5 + 1) for q in likert}, comment.id: GivenAnswer(text=f"author {k:02d}")})
        db.session.expire_all()
        by_id = _rows(reaction.id, "id")
        if k + 1 < anonymity.BATCH:
            assert by_id == [] and db.session.query(Response).count() == 0  # they wait, not in the responses table
            pool.add(k)
            continue
        rows = set(by_id)  # (id, comment): SQLite may give a rewritten row an id that was freed
        written, replaced = rows - set(candidates), set(candidates) - rows
        assert len(written) >= anonymity.BATCH and len(by_id) == k + 1
        people_behind = pool | {k} | set().union(*(candidates.pop(row_id) for row_id in replaced))
        pool = set()
        candidates.update({row_id: people_behind for row_id in written})
        assert min(len(c) for c in candidates.values()) >= anonymity.BATCH
        # and the rows themselves, by id and where they lie, are not in the order people answered
        for order in ("id", "place"):
            authors = [int(comment_text.split()[1]) for _, comment_text in _rows(reaction.id, order)]
            assert sorted(authors) == list(range(k + 1))
            written_authors = [a for row, a in zip(_rows(reaction.id, order), authors) if tuple(row) in written]
            assert written_authors != sorted(written_authors)

    # the figures are those of the answers given, whatever the order they were filed in
    figures = results.training_evaluation(training)["reaction"]
    assert figures["responses"] == PEOPLE and figures["shown"]
    assert figures["items"][0]["distribution"] == {str(v): sum(1 for k in range(PEOPLE) if k % 5 + 1 == v)
                                                   for v in range(1, 6)}
    assert figures["items"][0]["mean"] == pytest.approx(sum(k % 5 + 1 for k in range(PEOPLE)) / PEOPLE)
    assert figures["comments"] == [f"author {k:02d}" for k in range(PEOPLE)]


def test_fewer_than_five_answers_are_counted_but_never_written(survey):
    training, reaction, people = survey
    likert = [q for q in reaction.questions if q.kind == "likert"]
    for person in people[:4]:
        instruments.submit_answers(reaction, training, person.id, {q.id: GivenAnswer(value=4) for q in likert})
    assert db.session.query(Response).count() == 0
    figures = results.training_evaluation(training)["reaction"]
    assert figures["responses"] == 4 and figures["response_rate"] == pytest.approx(4 / PEOPLE)
    assert not figures["shown"] and figures["items"][0]["distribution"] is None
    with pytest.raises(instruments.AlreadyAnswered):
        instruments.submit_answers(reaction, training, people[0].id, {q.id: GivenAnswer(value=1) for q in likert})
    db.session.refresh(reaction)
    assert len(reaction.anonymous_pool) == 4


def test_the_migration_files_answers_stored_in_the_respondents_order(new_database_url, monkeypatch):
    """Answers stored before the batches, one per respondent in the same order: five or more are written again in
    random order, fewer go to the pool."""
    migration = importlib.import_module("migrations.versions.0024_anonymous_batches")
    monkeypatch.setattr(migration.random, "SystemRandom", lambda: random.Random(3))
    app = create_app(make_test_config(new_database_url))
    with app.app_context():
        upgrade()
        officer = UserFactory(role="officer")
        surveys = {}
        for n in (7, 3):
            training = TrainingSessionFactory(officers=[officer])
            reaction = instruments.open_now(training, "reaction", by_user=officer)
            comment = next(q for q in reaction.questions if q.kind == "text")
            for k in range(n):  # as before: a response, then its respondent, one after the other
                person = RegistrationFactory(training=training).participant
                db.session.add(Response(instrument_id=reaction.id, submitted_on=date(2026, 1, 1), answers=[
                    Answer(question_id=comment.id, text=f"author {k}")]))
                db.session.add(Respondent(instrument_id=reaction.id, participant_id=person.id))
                db.session.flush()
            surveys[n] = reaction.id
        db.session.commit()
        migration._refile_anonymous_answers(db.session.connection())
        db.session.commit()
        authors = [int(t.split()[1]) for _, t in _rows(surveys[7], "id")]
        assert sorted(authors) == list(range(7)) and authors != sorted(authors)
        assert _rows(surveys[3], "id") == []
        pool = db.session.get(Instrument, surveys[3]).anonymous_pool
        assert sorted(a["text"] for entry in pool for a in entry["answers"]) == ["author 0", "author 1", "author 2"]
        db.session.remove()
        db.engine.dispose()


def test_answers_sent_at_the_same_moment_are_each_filed_once(app, live_app):
    """Against a real server in threads: every answer rewrites the last batch, so two at once must take turns."""
    officer = UserFactory(role="officer")
    training = TrainingSessionFactory(officers=[officer])
    people = [RegistrationFactory(training=training).participant for _ in range(PEOPLE)]
    reaction = instruments.open_now(training, "reaction", by_user=officer)
    fields = {f"q{q.id}": "4" for q in reaction.questions if q.kind == "likert"}
    comment = next(q for q in reaction.questions if q.kind == "text")
    path = f"/sessions/{training.id}/evaluation/reaction"
    sent = [{**fields, f"q{comment.id}": f"author {k:02d}", "t": instruments.link_token(training.id, person.id)}
            for k, person in enumerate(people)]
    barrier = threading.Barrier(PEOPLE)
    with ThreadPoolExecutor(PEOPLE) as pool:
        statuses = list(pool.map(lambda form: _post_registration(live_app, path, form, barrier)[0], sent))
    assert statuses == [200] * PEOPLE
    db.session.expire_all()
    assert sorted(t for _, t in _rows(reaction.id, "id")) == [f"author {k:02d}" for k in range(PEOPLE)]
    assert results.training_evaluation(training)["reaction"]["items"][0]["distribution"]["4"] == PEOPLE
