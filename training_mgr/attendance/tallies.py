"""Each registration's attendance marks counted by kind, kept by the database itself.

The programme report counts, for every registration of the trainings held, its days present, late and excused
and its marks in all: a million registrations have 2.6 million marks, and counting them for each report cost
seconds of database time. The counts are kept in ``attendance_tallies`` by triggers on ``attendance_marks``
(PostgreSQL and SQLite alike, so that every write counts: the grid, check-in, a Core or bulk write, a removed
day's cascade), and a report reads one row per registration (``reports.selection.with_attendance``).

The triggers are created with the tables (``create_all``, for tests) and by the migration
``0019_attendance_tallies`` (with a copy of ``TRIGGERS`` as it was then), which also counts the marks already
stored. On PostgreSQL inserts and deletes are counted once per statement; a change of a mark, per row.
"""
from sqlalchemy import DDL, ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class AttendanceTally(db.Model):
    """How many marks of each kind one registration has (a row appears with its first mark)."""

    __tablename__ = "attendance_tallies"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    #: marks in all, and of each kind that the certificate rule and the figures count
    recorded: Mapped[int] = mapped_column(default=0)
    present: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    excused: Mapped[int] = mapped_column(default=0)


def _counts(sign, row):
    """The column values of one mark (``row``: NEW or OLD), times ``sign``."""
    return (f"{sign}1, {sign}(CASE WHEN {row}.status = 'present' THEN 1 ELSE 0 END), "
            f"{sign}(CASE WHEN {row}.status = 'late' THEN 1 ELSE 0 END), "
            f"{sign}(CASE WHEN {row}.status = 'excused' THEN 1 ELSE 0 END)")


_UPSERT = """ON CONFLICT (registration_id) DO UPDATE SET recorded = attendance_tallies.recorded + excluded.recorded,
    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + excluded.late,
    excused = attendance_tallies.excused + excluded.excused"""


def _one(sign, row):
    return (f"INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) "
            f"SELECT {row}.registration_id, {_counts(sign, row)} "
            f"WHERE EXISTS (SELECT 1 FROM registrations WHERE id = {row}.registration_id) {_UPSERT};")


def _many(sign, table):
    return (f"INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) "
            f"SELECT m.registration_id, {sign}count(*), {sign}count(CASE WHEN m.status = 'present' THEN 1 END), "
            f"{sign}count(CASE WHEN m.status = 'late' THEN 1 END), {sign}count(CASE WHEN m.status = 'excused' THEN 1 END) "
            f"FROM {table} AS m WHERE EXISTS (SELECT 1 FROM registrations WHERE id = m.registration_id) "
            f"GROUP BY m.registration_id {_UPSERT};")


#: {dialect: ([statements that create the triggers], [statements that drop them])}
TRIGGERS = {
    "postgresql": ([
        f"""CREATE FUNCTION attendance_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_many("", "new_marks")}
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION attendance_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_many("-", "old_marks")}
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION attendance_tallies_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IS DISTINCT FROM NEW.status OR OLD.registration_id IS DISTINCT FROM NEW.registration_id THEN
    {_one("-", "OLD")}
    {_one("", "NEW")}
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER attendance_tallies_insert AFTER INSERT ON attendance_marks REFERENCING NEW TABLE AS new_marks "
        "FOR EACH STATEMENT EXECUTE FUNCTION attendance_tallies_add()",
        "CREATE TRIGGER attendance_tallies_delete AFTER DELETE ON attendance_marks REFERENCING OLD TABLE AS old_marks "
        "FOR EACH STATEMENT EXECUTE FUNCTION attendance_tallies_remove()",
        "CREATE TRIGGER attendance_tallies_update AFTER UPDATE OF status, registration_id ON attendance_marks "
        "FOR EACH ROW EXECUTE FUNCTION attendance_tallies_move()",
    ], [
        "DROP TRIGGER IF EXISTS attendance_tallies_insert ON attendance_marks",
        "DROP TRIGGER IF EXISTS attendance_tallies_delete ON attendance_marks",
        "DROP TRIGGER IF EXISTS attendance_tallies_update ON attendance_marks",
        "DROP FUNCTION IF EXISTS attendance_tallies_add()",
        "DROP FUNCTION IF EXISTS attendance_tallies_remove()",
        "DROP FUNCTION IF EXISTS attendance_tallies_move()",
    ]),
    "sqlite": ([
        f"CREATE TRIGGER attendance_tallies_insert AFTER INSERT ON attendance_marks BEGIN {_one('', 'NEW')} END",
        f"CREATE TRIGGER attendance_tallies_delete AFTER DELETE ON attendance_marks BEGIN {_one('-', 'OLD')} END",
        "CREATE TRIGGER attendance_tallies_update AFTER UPDATE OF status, registration_id ON attendance_marks "
        "WHEN OLD.status IS NOT NEW.status OR OLD.registration_id IS NOT NEW.registration_id "
        f"BEGIN {_one('-', 'OLD')} {_one('', 'NEW')} END",
    ], [
        "DROP TRIGGER IF EXISTS attendance_tallies_insert",
        "DROP TRIGGER IF EXISTS attendance_tallies_delete",
        "DROP TRIGGER IF EXISTS attendance_tallies_update",
    ]),
}

#: counts the marks stored before the triggers existed (the migration)
BACKFILL = _many("", "attendance_marks").rsplit(" ON CONFLICT", 1)[0]


# With create_all, after every table exists (the triggers join two of them); dropped before the tables.
for _dialect, (_create, _drop) in TRIGGERS.items():
    for _statement in _create:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drop:
        event.listen(db.metadata, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
