"""How many registrations each training has in each status, kept by the database itself.

Pages that show many trainings (the public catalogue, the read API's list, the officer home) used to count
each training's registrations on every request: a few milliseconds for a 25-person training, a hundred and
more for 10,000-person ones. The counts are now kept in ``registration_tallies`` by triggers on
``registrations`` — on PostgreSQL and SQLite alike, so that every write counts (the ORM, Core, a bulk COPY,
a cascade) and no code path can forget — and a page reads one row per training and status.

The triggers are created with the tables (``create_all``, for tests) and by the migration
``0017_registration_tallies`` (with a copy of ``TRIGGERS`` as it was then), which also counts the registrations already
stored.
On PostgreSQL inserts and deletes are counted once per statement (a COPY of a million rows adds to each
tally once); a change of status, per row.
"""
from sqlalchemy import DDL, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RegistrationTally(db.Model):
    """The number of a training's registrations in one status (rows appear as statuses are first used)."""

    __tablename__ = "registration_tallies"

    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: registrations of the training with this status, kept by the triggers of ``TRIGGERS``
    registrations: Mapped[int] = mapped_column(default=0)


_ADD_ONE = """INSERT INTO registration_tallies (training_session_id, status, registrations)
    VALUES (NEW.training_session_id, NEW.status, 1)
    ON CONFLICT (training_session_id, status) DO UPDATE SET registrations = registration_tallies.registrations + 1;"""
_REMOVE_ONE = """UPDATE registration_tallies SET registrations = registrations - 1
    WHERE training_session_id = OLD.training_session_id AND status = OLD.status;"""

#: {dialect: ([statements that create the triggers], [statements that drop them])}
TRIGGERS = {
    "postgresql": ([
        """CREATE FUNCTION registration_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO registration_tallies AS t (training_session_id, status, registrations)
    SELECT training_session_id, status, count(*) FROM new_rows GROUP BY training_session_id, status
    ON CONFLICT (training_session_id, status) DO UPDATE SET registrations = t.registrations + EXCLUDED.registrations;
  RETURN NULL;
END $$""",
        """CREATE FUNCTION registration_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE registration_tallies AS t SET registrations = t.registrations - o.n
    FROM (SELECT training_session_id, status, count(*) AS n FROM old_rows GROUP BY training_session_id, status) AS o
    WHERE t.training_session_id = o.training_session_id AND t.status = o.status;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION registration_tallies_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IS DISTINCT FROM NEW.status OR OLD.training_session_id IS DISTINCT FROM NEW.training_session_id THEN
    {_REMOVE_ONE}
    {_ADD_ONE}
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER registration_tallies_insert AFTER INSERT ON registrations REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION registration_tallies_add()",
        "CREATE TRIGGER registration_tallies_delete AFTER DELETE ON registrations REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION registration_tallies_remove()",
        "CREATE TRIGGER registration_tallies_update AFTER UPDATE OF status, training_session_id ON registrations "
        "FOR EACH ROW EXECUTE FUNCTION registration_tallies_move()",
    ], [
        "DROP TRIGGER IF EXISTS registration_tallies_insert ON registrations",
        "DROP TRIGGER IF EXISTS registration_tallies_delete ON registrations",
        "DROP TRIGGER IF EXISTS registration_tallies_update ON registrations",
        "DROP FUNCTION IF EXISTS registration_tallies_add()",
        "DROP FUNCTION IF EXISTS registration_tallies_remove()",
        "DROP FUNCTION IF EXISTS registration_tallies_move()",
    ]),
    "sqlite": ([
        f"CREATE TRIGGER registration_tallies_insert AFTER INSERT ON registrations BEGIN {_ADD_ONE} END",
        f"CREATE TRIGGER registration_tallies_delete AFTER DELETE ON registrations BEGIN {_REMOVE_ONE} END",
        "CREATE TRIGGER registration_tallies_update AFTER UPDATE OF status, training_session_id ON registrations "
        "WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT NEW.training_session_id "
        f"BEGIN {_REMOVE_ONE} {_ADD_ONE} END",
    ], [
        "DROP TRIGGER IF EXISTS registration_tallies_insert",
        "DROP TRIGGER IF EXISTS registration_tallies_delete",
        "DROP TRIGGER IF EXISTS registration_tallies_update",
    ]),
}

#: counts the registrations stored before the triggers existed (the migration)
BACKFILL = """INSERT INTO registration_tallies (training_session_id, status, registrations)
    SELECT training_session_id, status, count(*) FROM registrations GROUP BY training_session_id, status"""


# With create_all, after every table exists (the triggers join two of them); dropped before the tables.
for _dialect, (_create, _drop) in TRIGGERS.items():
    for _statement in _create:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drop:
        event.listen(db.metadata, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
