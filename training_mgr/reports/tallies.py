"""Persons trained, kept by the database itself: the programme report's distinct people by organisation and sex,
and by course, read from a few dozen rows instead of counted over every registration.

*Persons trained* (``figures.py``) are the distinct participants with a confirmed registration, attended at least
one day (present or late), in a completed training. Counting them distinct over a million registrations cost about
1.2 s of database CPU per report. Two tables keep them instead:

- ``trained_persons``: one row per person and course they were trained in, with the organisation and sex the person
  is counted under (their current ones);
- ``persons_trained_tallies``: how many of those persons there are per course, organisation and sex; the rows of
  ``course_id`` 0 count each person once over every course (``ALL_COURSES``), those of ``organisation_id`` 0 the
  persons with no organisation in the list (``NO_ORGANISATION``).

They serve the programme report of every completed training, or of one course (``figures.programme_figures``);
a report for a period, a country or an organisation counts from the registrations as before.

Triggers keep both in step with every write that can change who is trained or how they are counted, on PostgreSQL
and SQLite alike: a registration's status, training or person changed or the registration deleted; a registration's
first day attended or its last one removed (the kept mark counts of ``attendance.tallies``); a training's status or
course changed; a person's organisation or sex changed. Each recounts the persons concerned from their registrations
(``refresh``: their rows are taken out of the tallies, made again and put back), so a trigger needs no rule of its
own. On PostgreSQL they run once per statement (a bulk write recounts its people in one go) and take a row lock on
each person first, so that two transactions recounting the same person wait for each other. A new registration has
no marks yet, so it changes nothing; erasure keeps a person's sex, organisation and registrations, so it changes
nothing either (``tests/test_report_kept_persons.py`` checks both, with every kind of write above).

The triggers are created with the tables (``create_all``, for tests) and by the migrations ``0028_persons_trained``
(which also fills both tables from the rows already stored) and ``0034_faster_kept_counts``, each with a copy of
``TRIGGERS`` as it was then.
"""
from sqlalchemy import Integer, String, cast, func, literal, null, select
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import SKIP_WHILE_DEFERRED, count_again, keep_with_triggers
from ..extensions import db

#: ``course_id`` of the rows that count each person once over every course
ALL_COURSES = 0
#: ``organisation_id`` of the rows counting persons whose organisation is not in the list
NO_ORGANISATION = 0


class TrainedPerson(db.Model):
    """A person trained in a course, as counted in ``persons_trained_tallies`` (kept by triggers, never written by
    the application). No foreign keys: the triggers take a row out of the tallies before removing it."""

    __tablename__ = "trained_persons"

    participant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    course_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: the person's organisation and sex when last counted
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(6))


class PersonsTrainedTally(db.Model):
    """Distinct persons trained in one course (or ``ALL_COURSES``) from one organisation (or ``NO_ORGANISATION``)
    of one sex. Rows stay at 0 once made."""

    __tablename__ = "persons_trained_tallies"

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sex: Mapped[str] = mapped_column(String(6), primary_key=True)
    persons: Mapped[int] = mapped_column(default=0)


#: who is trained, with what they are counted under (``{people}``: a condition on ``r.participant_id``). CROSS JOIN
#: keeps SQLite (which plans without statistics) on the people's registrations first; PostgreSQL plans it as a join.
_TRAINED = """SELECT DISTINCT r.participant_id, s.course_id, p.organisation_id, p.sex
    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a CROSS JOIN participants AS p
    WHERE {people} AND s.id = r.training_session_id AND a.registration_id = r.id AND p.id = r.participant_id
      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0"""


def _of(people, column):
    """``people`` (a condition on ``{person}``) on ``column``."""
    return people.format(person=column)


def _add_to_tallies(sign, people):
    """Add (``sign`` '') or take out ('-') the ``trained_persons`` rows of ``people`` (a condition on
    ``{person}``) in the tallies, in key order (rows locked in one order by every transaction)."""
    people = _of(people, "participant_id")
    return f"""INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)
    SELECT course_id, coalesce(organisation_id, {NO_ORGANISATION}), sex, {sign}count(*) FROM trained_persons
      WHERE {people} GROUP BY course_id, coalesce(organisation_id, {NO_ORGANISATION}), sex
    UNION ALL
    SELECT {ALL_COURSES}, coalesce(organisation_id, {NO_ORGANISATION}), sex, {sign}count(DISTINCT participant_id)
      FROM trained_persons WHERE {people} GROUP BY coalesce(organisation_id, {NO_ORGANISATION}), sex
    ORDER BY 1, 2, 3
    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = persons_trained_tallies.persons + excluded.persons;"""


def refresh(people: str) -> list[str]:
    """The statements that recount the persons matched by ``people`` (a condition on ``{person}``, the
    person's id, e.g. ``{person} = 5``): take their rows out of the tallies, make their rows again from
    their registrations, and put them back."""
    return [
        _add_to_tallies("-", people),
        f"DELETE FROM trained_persons WHERE {_of(people, 'participant_id')};",
        "INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) "
        + _TRAINED.format(people=_of(people, "r.participant_id")) + ";",
        _add_to_tallies("", people),
    ]


def _pg_trigger(name, table, event_, ids, when="TRUE"):
    """A statement trigger on ``table`` whose function recounts the people selected by ``ids`` (from the
    transition tables ``old_rows``/``new_rows``)."""
    tables = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
              "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event_]
    return [
        f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{SKIP_WHILE_DEFERRED}  PERFORM persons_trained_refresh(ARRAY({ids}));
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER {name} AFTER {event_} ON {table} REFERENCING {tables} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


_CHANGED_REGISTRATIONS = """SELECT o.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
      WHERE o.status IS DISTINCT FROM n.status OR o.training_session_id IS DISTINCT FROM n.training_session_id
        OR o.participant_id IS DISTINCT FROM n.participant_id
    UNION SELECT n.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
      WHERE o.status IS DISTINCT FROM n.status OR o.training_session_id IS DISTINCT FROM n.training_session_id
        OR o.participant_id IS DISTINCT FROM n.participant_id"""
_CROSSED = "(o.present + o.late > 0) IS DISTINCT FROM (n.present + n.late > 0)"
_TRAININGS_CHANGED = """SELECT DISTINCT r.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
      JOIN registrations AS r ON r.training_session_id = n.id
      WHERE (o.status = 'completed' OR n.status = 'completed')
        AND (o.status IS DISTINCT FROM n.status OR o.course_id IS DISTINCT FROM n.course_id)"""

_PG_NAMES = (
    ("persons_trained_registrations_deleted", "registrations"),
    ("persons_trained_registrations_changed", "registrations"),
    ("persons_trained_marks_counted", "attendance_tallies"),
    ("persons_trained_marks_changed", "attendance_tallies"),
    ("persons_trained_trainings_changed", "training_sessions"),
    ("persons_trained_participants_changed", "participants"),
)


def _sqlite_trigger(name, timing, people):
    return f"CREATE TRIGGER {name} {timing} BEGIN {' '.join(refresh(people))} END"


#: the people of a PostgreSQL refresh: its array ``ids``, as a set to join (the tables grow inside a bulk load's
#: transaction, unanalysed: a plan from the array's elements walks the indexes of the people, whatever the statistics)
_PG_PEOPLE = "{person} IN (SELECT unnest(ids))"

#: {dialect: ([statements that create the triggers], [statements that drop them])}
TRIGGERS = {
    "postgresql": ([
        f"""CREATE FUNCTION persons_trained_refresh(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM participants WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;
  {chr(10).join(refresh(_PG_PEOPLE))}
END $$""",
        *_pg_trigger("persons_trained_registrations_deleted", "registrations", "DELETE",
                     "SELECT DISTINCT participant_id FROM old_rows"),
        *_pg_trigger("persons_trained_registrations_changed", "registrations", "UPDATE", _CHANGED_REGISTRATIONS),
        *_pg_trigger("persons_trained_marks_counted", "attendance_tallies", "INSERT",
                     """SELECT DISTINCT r.participant_id FROM new_rows AS n JOIN registrations AS r ON r.id = n.registration_id
      WHERE n.present + n.late > 0"""),
        *_pg_trigger("persons_trained_marks_changed", "attendance_tallies", "UPDATE",
                     f"""SELECT DISTINCT r.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.registration_id = o.registration_id
      JOIN registrations AS r ON r.id = n.registration_id WHERE {_CROSSED}"""),
        *_pg_trigger("persons_trained_trainings_changed", "training_sessions", "UPDATE", _TRAININGS_CHANGED),
        *_pg_trigger("persons_trained_participants_changed", "participants", "UPDATE",
                     """SELECT n.id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
      WHERE o.organisation_id IS DISTINCT FROM n.organisation_id OR o.sex IS DISTINCT FROM n.sex"""),
    ], [
        *[f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _PG_NAMES],
        *[f"DROP FUNCTION IF EXISTS {name}()" for name, _ in _PG_NAMES],
        "DROP FUNCTION IF EXISTS persons_trained_refresh(integer[])",
    ]),
    "sqlite": ([
        _sqlite_trigger("persons_trained_registrations_deleted", "AFTER DELETE ON registrations",
                        "{person} = OLD.participant_id"),
        _sqlite_trigger("persons_trained_registrations_changed",
                        "AFTER UPDATE OF status, training_session_id, participant_id ON registrations "
                        "WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT NEW.training_session_id "
                        "OR OLD.participant_id IS NOT NEW.participant_id",
                        "{person} IN (OLD.participant_id, NEW.participant_id)"),
        _sqlite_trigger("persons_trained_marks_counted",
                        "AFTER INSERT ON attendance_tallies WHEN NEW.present + NEW.late > 0",
                        "{person} IN (SELECT participant_id FROM registrations WHERE id = NEW.registration_id)"),
        _sqlite_trigger("persons_trained_marks_changed",
                        "AFTER UPDATE OF present, late ON attendance_tallies "
                        "WHEN (OLD.present + OLD.late > 0) IS NOT (NEW.present + NEW.late > 0)",
                        "{person} IN (SELECT participant_id FROM registrations WHERE id = NEW.registration_id)"),
        _sqlite_trigger("persons_trained_trainings_changed",
                        "AFTER UPDATE OF status, course_id ON training_sessions "
                        "WHEN (OLD.status = 'completed' OR NEW.status = 'completed') "
                        "AND (OLD.status IS NOT NEW.status OR OLD.course_id IS NOT NEW.course_id)",
                        "{person} IN (SELECT participant_id FROM registrations WHERE training_session_id = NEW.id)"),
        _sqlite_trigger("persons_trained_participants_changed",
                        "AFTER UPDATE OF organisation_id, sex ON participants "
                        "WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.sex IS NOT NEW.sex",
                        "{person} = NEW.id"),
    ], [f"DROP TRIGGER IF EXISTS {name}" for name, _ in _PG_NAMES]),
}

#: fills both tables from the rows stored before the triggers existed (the migration)
BACKFILL = [
    "INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) "
    + _TRAINED.format(people="TRUE"),
    _add_to_tallies("", "TRUE").split(" ON CONFLICT", 1)[0].rstrip(),
]


def kept_persons(course_id):
    """The selects of the programme report's persons by organisation and sex, and by course (as ``figures``'s
    ``_attendance_figures`` reads them: a tag, a key, the sex or a blank, the persons, then five zeros), from the kept
    counts: of every completed training (``course_id`` is ``ALL_COURSES``) or of one course's."""
    tally, zero, no_text = PersonsTrainedTally, literal(0), cast(null(), String)
    by_organisation_and_sex = select(
        literal("sex"), tally.organisation_id, tally.sex, tally.persons, zero, zero, zero, zero, zero,
    ).where(tally.course_id == course_id, tally.persons > 0)
    courses = tally.course_id != ALL_COURSES if course_id == ALL_COURSES else tally.course_id == course_id
    by_course = (
        select(literal("course"), tally.course_id, no_text, func.sum(tally.persons), zero, zero, zero, zero, zero)
        .where(courses)
        .group_by(tally.course_id)
    )
    return by_organisation_and_sex, by_course


def rebuild() -> None:
    """Count everything again from the stored rows, in ``db.session`` (a bulk load that deferred the triggers,
    ``core.db.defer_kept_counts``, calls it before it commits)."""
    count_again(db.session, ('persons_trained_tallies', 'trained_persons'), BACKFILL)


keep_with_triggers(db.metadata, TRIGGERS)
