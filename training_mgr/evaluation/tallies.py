"""The knowledge tests summed per training, sex and organisation, kept by the database itself.

The evaluation figures (``results.py``) count the pre-test and post-test answers of confirmed participants, and pair
each person's pre-test with their post-test. Over a million registrations that pairing joined a million and a half
responses with the registrations and the people, about 1.5 s of database CPU per report. Two tables keep it instead:

- ``evaluation_people``: one row per confirmed participant of a training who took its pre-test or post-test, with
  both scores (None for a test not taken, or taken without a score) and the sex and organisation they are counted
  under (their current ones);
- ``evaluation_tallies``: those rows summed per training, sex and organisation (``NO_ORGANISATION`` for a person
  whose organisation is not in the list): responses and score sums of each test, and of the paired (both tests
  taken) the number, their score sums and how many scored higher after.

Scores are kept in billionths (``SCALE``), so that every sum is a sum of whole numbers: the same answers always give
the same sums, whatever order they came and went in (a running total of fractions would drift). A score ``k/n`` of a
test of ``n`` questions is kept within half a billionth, so a mean differs from the mean of the stored scores by less
than that, far below the 0.1 % the reports print.

Triggers keep both in step with every write that can change them, on PostgreSQL and SQLite alike: a test response
added, changed or removed (with its questionnaire, too); a registration added, removed or changed in status,
training or person; a person's sex or organisation changed. Each makes the rows of the people and trainings
concerned again (``refresh``: their rows are taken out of the sums, made again and put back); on PostgreSQL once per
statement, after a row lock on each person so that two transactions recounting the same person wait for each other.
Erasure keeps a person's sex, organisation, registrations and answers, so it changes nothing
(``tests/test_evaluation_kept.py`` checks every write above).

The triggers are created with the tables (``create_all``, for tests) and by the migrations ``0033_evaluation_tallies``
and ``0034_faster_kept_counts`` (each with a copy of ``TRIGGERS`` as it was then), which also fill both tables.
"""
from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import SKIP_WHILE_DEFERRED, count_again, keep_with_triggers
from ..extensions import db

#: ``organisation_id`` of the rows of people whose organisation is not in the list
NO_ORGANISATION = 0
#: scores are kept in billionths
SCALE = 1_000_000_000


class EvaluationPerson(db.Model):
    """A confirmed participant's pre-test and post-test in one training (kept by triggers, never written by the
    application). ``pre_taken``/``post_taken`` are 1 when the test was taken, 0 otherwise; ``pre``/``post`` the
    scores in billionths (``SCALE``), None when not taken or taken without a score."""

    __tablename__ = "evaluation_people"
    __table_args__ = (Index("ix_evaluation_people_participant_id", "participant_id"),)

    training_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    participant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: the person's sex and organisation when last counted
    sex: Mapped[str] = mapped_column(String(6))
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    pre_taken: Mapped[int] = mapped_column(default=0)
    pre: Mapped[int | None] = mapped_column(BigInteger)
    post_taken: Mapped[int] = mapped_column(default=0)
    post: Mapped[int | None] = mapped_column(BigInteger)


class EvaluationTally(db.Model):
    """The knowledge tests of one training's confirmed participants of one sex and organisation (score sums in
    billionths, ``SCALE``). Rows stay at 0 once made."""

    __tablename__ = "evaluation_tallies"

    training_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sex: Mapped[str] = mapped_column(String(6), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pre_responses: Mapped[int] = mapped_column(default=0)
    pre_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    post_responses: Mapped[int] = mapped_column(default=0)
    post_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    #: took both tests; the score sums and how many scored higher after count only them
    paired: Mapped[int] = mapped_column(default=0)
    paired_pre_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    paired_post_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    increased: Mapped[int] = mapped_column(default=0)


_SUMS = ("pre_responses", "pre_sum", "post_responses", "post_sum", "paired", "paired_pre_sum", "paired_post_sum",
         "increased")


def _add_to_tallies(sign, where):
    """Add (``sign`` '') or take out ('-') the ``evaluation_people`` rows matched by ``where`` in the sums, in key
    order (rows locked in one order by every transaction)."""
    both = "pre_taken = 1 AND post_taken = 1"
    group = f"training_id, sex, coalesce(organisation_id, {NO_ORGANISATION})"
    return f"""INSERT INTO evaluation_tallies (training_id, sex, organisation_id, {', '.join(_SUMS)})
    SELECT {group}, {sign}sum(pre_taken), {sign}coalesce(sum(pre), 0), {sign}sum(post_taken), {sign}coalesce(sum(post), 0),
      {sign}sum(CASE WHEN {both} THEN 1 ELSE 0 END), {sign}coalesce(sum(CASE WHEN {both} THEN pre END), 0),
      {sign}coalesce(sum(CASE WHEN {both} THEN post END), 0), {sign}sum(CASE WHEN {both} AND post > pre THEN 1 ELSE 0 END)
    FROM evaluation_people WHERE {where} GROUP BY {group} ORDER BY 1, 2, 3
    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET
      {', '.join(f"{c} = evaluation_tallies.{c} + excluded.{c}" for c in _SUMS)};"""


def refresh(trainings: str, people: str) -> list[str]:
    """The statements that make again the rows of the people matched by ``people`` (a condition on ``{person}``)
    in the trainings matched by ``trainings`` (a condition on ``{training}``): their rows are taken out of the
    sums, made again from their registrations and answers, and put back."""
    def where(training, person):
        return f"{trainings.format(training=training)} AND {people.format(person=person)}"

    kept = where("training_id", "participant_id")
    return [
        _add_to_tallies("-", kept),
        f"DELETE FROM evaluation_people WHERE {kept};",
        f"""INSERT INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, post)
    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,
      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN CAST(round(r.score * {SCALE}) AS BIGINT) END),
      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN CAST(round(r.score * {SCALE}) AS BIGINT) END)
    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id
    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN ('pre', 'post')
    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = g.participant_id
    WHERE g.status = 'confirmed' AND {where('g.training_session_id', 'g.participant_id')}
    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id;""",
        _add_to_tallies("", kept),
    ]


_TESTS = "i.kind IN ('pre', 'post')"
#: (trigger name, table, PostgreSQL event, trainings of the rows written, people of the rows written)
_PG = (
    ("evaluation_tallies_responses_added", "evaluation_responses", "INSERT",
     f"SELECT DISTINCT i.training_session_id FROM new_rows AS n JOIN evaluation_instruments AS i ON i.id = n.instrument_id WHERE {_TESTS}",
     "SELECT DISTINCT participant_id FROM new_rows"),
    ("evaluation_tallies_responses_removed", "evaluation_responses", "DELETE",
     f"SELECT DISTINCT i.training_session_id FROM old_rows AS o JOIN evaluation_instruments AS i ON i.id = o.instrument_id WHERE {_TESTS}",
     "SELECT DISTINCT participant_id FROM old_rows"),
    ("evaluation_tallies_responses_changed", "evaluation_responses", "UPDATE",
     f"""SELECT i.training_session_id FROM old_rows AS o JOIN evaluation_instruments AS i ON i.id = o.instrument_id WHERE {_TESTS}
      UNION SELECT i.training_session_id FROM new_rows AS n JOIN evaluation_instruments AS i ON i.id = n.instrument_id WHERE {_TESTS}""",
     "SELECT participant_id FROM old_rows UNION SELECT participant_id FROM new_rows"),
    ("evaluation_tallies_instruments_removed", "evaluation_instruments", "DELETE",
     "SELECT DISTINCT training_session_id FROM old_rows WHERE kind IN ('pre', 'post')",
     "SELECT e.participant_id FROM evaluation_people AS e JOIN old_rows AS o ON o.training_session_id = e.training_id"),
    ("evaluation_tallies_registrations_added", "registrations", "INSERT",
     "SELECT DISTINCT training_session_id FROM new_rows WHERE status = 'confirmed'",
     "SELECT DISTINCT participant_id FROM new_rows WHERE status = 'confirmed'"),
    ("evaluation_tallies_registrations_removed", "registrations", "DELETE",
     "SELECT DISTINCT training_session_id FROM old_rows", "SELECT DISTINCT participant_id FROM old_rows"),
    ("evaluation_tallies_registrations_changed", "registrations", "UPDATE",
     """SELECT o.training_session_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE (o.status, o.training_session_id,
      o.participant_id) IS DISTINCT FROM (n.status, n.training_session_id, n.participant_id)
      UNION SELECT n.training_session_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE (o.status,
      o.training_session_id, o.participant_id) IS DISTINCT FROM (n.status, n.training_session_id, n.participant_id)""",
     """SELECT o.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE (o.status, o.training_session_id,
      o.participant_id) IS DISTINCT FROM (n.status, n.training_session_id, n.participant_id)
      UNION SELECT n.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE (o.status,
      o.training_session_id, o.participant_id) IS DISTINCT FROM (n.status, n.training_session_id, n.participant_id)"""),
    ("evaluation_tallies_participants_changed", "participants", "UPDATE",
     """SELECT DISTINCT e.training_id FROM evaluation_people AS e JOIN new_rows AS n ON n.id = e.participant_id
      JOIN old_rows AS o ON o.id = n.id WHERE (o.sex, o.organisation_id) IS DISTINCT FROM (n.sex, n.organisation_id)""",
     """SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
      WHERE (o.sex, o.organisation_id) IS DISTINCT FROM (n.sex, n.organisation_id)"""),
)
_TRANSITION = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
               "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def _pg_trigger(name, table, event_, trainings, people):
    return [
        f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{SKIP_WHILE_DEFERRED}  PERFORM evaluation_tallies_refresh(ARRAY({trainings}), ARRAY({people}));
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER {name} AFTER {event_} ON {table} REFERENCING {_TRANSITION[event_]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


_RESPONSE_TRAINING = ("{training} IN (SELECT training_session_id FROM evaluation_instruments "
                      "WHERE id = {row}.instrument_id AND kind IN ('pre', 'post'))")


def _sqlite_trigger(name, timing, *refreshes):
    return f"CREATE TRIGGER {name} {timing} BEGIN {' '.join(s for r in refreshes for s in refresh(*r))} END"


def _response(row):
    return (_RESPONSE_TRAINING.replace("{row}", row), f"{{person}} = {row}.participant_id")


def _registration(row):
    return (f"{{training}} = {row}.training_session_id", f"{{person}} = {row}.participant_id")


#: the people of a PostgreSQL refresh: its array ``ids``, as a set to join (the tables grow inside a bulk load's
#: transaction, unanalysed: a plan from the array's elements walks the indexes of the people, whatever the statistics)
_PG_PEOPLE = "{person} IN (SELECT unnest(ids))"

#: {dialect: ([statements that create the triggers], [statements that drop them])}
TRIGGERS = {
    "postgresql": ([
        f"""CREATE FUNCTION evaluation_tallies_refresh(trainings integer[], ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(trainings) = 0 OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM participants WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;
  {chr(10).join(refresh("{training} IN (SELECT unnest(trainings))", _PG_PEOPLE))}
END $$""",
        *[statement for spec in _PG for statement in _pg_trigger(*spec)],
    ], [
        *[f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, *_ in _PG],
        *[f"DROP FUNCTION IF EXISTS {name}()" for name, *_ in _PG],
        "DROP FUNCTION IF EXISTS evaluation_tallies_refresh(integer[], integer[])",
    ]),
    "sqlite": ([
        _sqlite_trigger("evaluation_tallies_responses_added", "AFTER INSERT ON evaluation_responses", _response("NEW")),
        _sqlite_trigger("evaluation_tallies_responses_removed", "AFTER DELETE ON evaluation_responses", _response("OLD")),
        _sqlite_trigger("evaluation_tallies_responses_changed",
                        "AFTER UPDATE OF score, participant_id, instrument_id ON evaluation_responses",
                        _response("OLD"), _response("NEW")),
        _sqlite_trigger("evaluation_tallies_instruments_removed",
                        "AFTER DELETE ON evaluation_instruments WHEN OLD.kind IN ('pre', 'post')",
                        ("{training} = OLD.training_session_id", "TRUE")),
        _sqlite_trigger("evaluation_tallies_registrations_added",
                        "AFTER INSERT ON registrations WHEN NEW.status = 'confirmed'", _registration("NEW")),
        _sqlite_trigger("evaluation_tallies_registrations_removed", "AFTER DELETE ON registrations", _registration("OLD")),
        _sqlite_trigger("evaluation_tallies_registrations_changed",
                        "AFTER UPDATE OF status, training_session_id, participant_id ON registrations "
                        "WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT NEW.training_session_id "
                        "OR OLD.participant_id IS NOT NEW.participant_id",
                        _registration("OLD"), _registration("NEW")),
        _sqlite_trigger("evaluation_tallies_participants_changed",
                        "AFTER UPDATE OF sex, organisation_id ON participants "
                        "WHEN OLD.sex IS NOT NEW.sex OR OLD.organisation_id IS NOT NEW.organisation_id",
                        ("{training} IN (SELECT training_session_id FROM registrations WHERE participant_id = NEW.id)",
                         "{person} = NEW.id")),
    ], [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in _PG]),
}

#: fills both tables from the rows stored before the triggers existed (the migration)
BACKFILL = [refresh("TRUE", "TRUE")[2].rstrip(";"), _add_to_tallies("", "TRUE").split(" ON CONFLICT", 1)[0].rstrip()]


def rebuild() -> None:
    """Count everything again from the stored rows, in ``db.session`` (a bulk load that deferred the triggers,
    ``core.db.defer_kept_counts``, calls it before it commits)."""
    count_again(db.session, ('evaluation_tallies', 'evaluation_people'), BACKFILL)


keep_with_triggers(db.metadata, TRIGGERS)
