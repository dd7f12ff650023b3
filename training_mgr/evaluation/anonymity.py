"""Filing the anonymous reaction survey's answers so that the database cannot tell whose they are.

The rule (docs/architecture.md, "Privacy of the reaction survey"): a ``Respondent`` row names everyone who answered
(it stops a second answer), so the answers themselves must not follow the order in which those rows were written —
neither by id nor by where the rows lie in the table (SQLite's rowid, PostgreSQL's ctid). Hence:

- until ``BATCH`` people have answered, their answers wait in ``Instrument.anonymous_pool`` (one field of the
  questionnaire, kept in random order), not in ``evaluation_responses``;
- the ``BATCH``-th answer writes the pool to ``evaluation_responses`` in random order, as one batch;
- every later answer is merged into the last batch (5 to 9 rows): that batch is deleted and written again with the
  new answer, in random order and with new ids. So each response lies among at least ``BATCH`` rows that were
  written together from the answers of at least ``BATCH`` people, and nothing finer says which one is whose;
- an anonymous response carries no person, no time, and the same day (``submitted_on``) as its batch.

If fewer than ``BATCH`` people answer, the answers stay in the pool: the reports show nothing below that number
either (``results.MIN_REACTION_GROUP``).
"""
import random
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from ..core.db import bounded_lock_wait
from ..extensions import db
from .models import Answer, Instrument, Response

#: the fewest answers written to ``evaluation_responses`` together (and so the fewest people a response can be
#: narrowed down to)
BATCH = 5
#: the shuffle; tests put a seeded ``random.Random`` here to make a run repeatable
shuffler = random.SystemRandom()


def answer_rows(answers) -> list[dict]:
    """An anonymous response's answers in the pool's form: ``[{question_id, choices, value, text, correct}]``."""
    return [{"question_id": a.question_id, "choices": a.choices, "value": a.value, "text": a.text,
             "correct": a.correct} for a in answers]


def file_anonymous_response(instrument: Instrument, answers: list[Answer], *, source: str, today: date) -> None:
    """Add one anonymous response (its ``answers``, not yet in the session) to ``instrument`` by the rule above;
    the caller commits. Locks the questionnaire's row until then, so that two answers at the same moment are filed
    one after the other (each would otherwise write the last batch again, and it would be counted twice). Raises
    ``core.db.Busy`` when the lock is not granted in time."""
    entry = {"source": source, "answers": answer_rows(answers)}
    # FOR NO KEY UPDATE (key_share): the key share the Respondent row just took on the questionnaire does not block it
    with bounded_lock_wait():
        waiting = db.session.scalar(select(Instrument.anonymous_pool).where(Instrument.id == instrument.id)
                                    .with_for_update(key_share=True))
    written = db.session.scalar(select(func.count()).select_from(Response).where(Response.instrument_id == instrument.id))
    if written == 0:
        pool = list(waiting or []) + [entry]
        if len(pool) < BATCH:
            shuffler.shuffle(pool)
            instrument.anonymous_pool = pool
            return
        instrument.anonymous_pool = None
        _write_batch(instrument, pool, today)
        return
    last_size = written - BATCH * (written // BATCH - 1)  # the batches are of 5, the last of 5 to 9
    last = db.session.scalars(select(Response).where(Response.instrument_id == instrument.id)
                              .options(selectinload(Response.answers))
                              .order_by(Response.id.desc()).limit(last_size)).all()
    batch = [{"source": r.source, "answers": answer_rows(r.answers)} for r in last] + [entry]
    ids = [r.id for r in last]
    for response in last:
        db.session.expunge(response)
    db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
    db.session.execute(delete(Response).where(Response.id.in_(ids)))
    _write_batch(instrument, batch, today)


def _write_batch(instrument, entries, today) -> None:
    entries = list(entries)
    shuffler.shuffle(entries)
    for entry in entries:
        response = Response(instrument_id=instrument.id, participant_id=None, source=entry["source"],
                            submitted_on=today)
        response.answers = [Answer(**row) for row in entry["answers"]]
        db.session.add(response)
        db.session.flush()  # one after the other: ids and rows in the shuffled order
