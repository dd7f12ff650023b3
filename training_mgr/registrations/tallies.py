"""How many registrations each training has in each status, kept by the database itself.

Pages that show many trainings (the public catalogue, the read API's list, the officer home) used to count
each training's registrations on every request: a few milliseconds for a 25-person training, a hundred and
more for 10,000-person ones. The counts are now kept in ``registration_tallies`` by triggers on
``registrations`` — on PostgreSQL and SQLite alike, so that every write counts (the ORM, Core, a bulk COPY,
a cascade) and no code path can forget — and a page reads one row per training and status.

The triggers are created with the tables (``create_all``, for tests) and by the migration
``0017_registration_tallies`` (with a copy of ``TRIGGERS`` as it was then), which also counts the registrations already
stored. ``organisation_tallies`` counts them per organisation too (``OrganisationTally``, ``ORGANISATION_TRIGGERS``,
migration ``0027_registration_list_keys``), for the officer's list of a training.
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




class OrganisationTally(db.Model):
    """The number of a training's registrations of one organisation (the participant's) in one status: the officer's
    list offers the organisations of a training and counts a page of one of them from these rows, and the page of
    registrations by organisation reads them. Participants without an organisation are not counted here (they are
    the training's ``RegistrationTally`` less these)."""

    __tablename__ = "organisation_tallies"

    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: registrations with ``participant_organisation_id`` and this status, kept by the triggers of ``ORGANISATION_TRIGGERS``
    registrations: Mapped[int] = mapped_column(default=0)


_KEY = "training_session_id, organisation_id, status"
_ORGANISATION_ADD_ONE = f"""INSERT INTO organisation_tallies ({_KEY}, registrations)
    SELECT NEW.training_session_id, NEW.participant_organisation_id, NEW.status, 1 WHERE NEW.participant_organisation_id IS NOT NULL
    ON CONFLICT ({_KEY}) DO UPDATE SET registrations = organisation_tallies.registrations + 1;"""
_ORGANISATION_REMOVE_ONE = """UPDATE organisation_tallies SET registrations = registrations - 1
    WHERE training_session_id = OLD.training_session_id AND organisation_id = OLD.participant_organisation_id
    AND status = OLD.status;"""
_SQLITE_ADD_ONE = f"""INSERT INTO organisation_tallies ({_KEY}, registrations)
    SELECT NEW.training_session_id, p.organisation_id, NEW.status, 1 FROM participants AS p
    WHERE p.id = NEW.participant_id AND p.organisation_id IS NOT NULL
    ON CONFLICT ({_KEY}) DO UPDATE SET registrations = organisation_tallies.registrations + 1;"""
_SQLITE_REMOVE_ONE = """UPDATE organisation_tallies SET registrations = registrations - 1
    WHERE training_session_id = OLD.training_session_id AND status = OLD.status
    AND organisation_id = (SELECT organisation_id FROM participants WHERE id = OLD.participant_id);"""
_SQLITE_PARTICIPANT_MOVED = f"""UPDATE organisation_tallies SET registrations = registrations - (
        SELECT count(*) FROM registrations AS r WHERE r.participant_id = NEW.id
        AND r.training_session_id = organisation_tallies.training_session_id AND r.status = organisation_tallies.status)
    WHERE organisation_id = OLD.organisation_id
    AND (training_session_id, status) IN (SELECT training_session_id, status FROM registrations WHERE participant_id = NEW.id);
  INSERT INTO organisation_tallies ({_KEY}, registrations)
    SELECT training_session_id, NEW.organisation_id, status, count(*) FROM registrations
    WHERE participant_id = NEW.id AND NEW.organisation_id IS NOT NULL GROUP BY training_session_id, status
    ON CONFLICT ({_KEY}) DO UPDATE SET registrations = organisation_tallies.registrations + excluded.registrations;"""
_ORGANISATION_MOVED = ("OLD.status {0} NEW.status OR OLD.training_session_id {0} NEW.training_session_id "
                       "OR OLD.participant_organisation_id {0} NEW.participant_organisation_id")

#: {dialect: ([statements that create the triggers], [statements that drop them])} of ``organisation_tallies``. On
#: PostgreSQL the organisation is the copy on the registration (``copies``: written before the row, so always the
#: participant's), and a participant who moves to another organisation moves their registrations' counts with it.
ORGANISATION_TRIGGERS = {
    "postgresql": ([
        f"""CREATE FUNCTION organisation_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO organisation_tallies AS t ({_KEY}, registrations)
    SELECT training_session_id, participant_organisation_id, status, count(*) FROM new_rows
    WHERE participant_organisation_id IS NOT NULL GROUP BY training_session_id, participant_organisation_id, status
    ON CONFLICT ({_KEY}) DO UPDATE SET registrations = t.registrations + EXCLUDED.registrations;
  RETURN NULL;
END $$""",
        """CREATE FUNCTION organisation_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organisation_tallies AS t SET registrations = t.registrations - o.n
    FROM (SELECT training_session_id, participant_organisation_id, status, count(*) AS n FROM old_rows
          GROUP BY training_session_id, participant_organisation_id, status) AS o
    WHERE t.training_session_id = o.training_session_id AND t.organisation_id = o.participant_organisation_id
    AND t.status = o.status;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION organisation_tallies_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_ORGANISATION_REMOVE_ONE}
  {_ORGANISATION_ADD_ONE}
  RETURN NULL;
END $$""",
        "CREATE TRIGGER organisation_tallies_insert AFTER INSERT ON registrations REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION organisation_tallies_add()",
        "CREATE TRIGGER organisation_tallies_delete AFTER DELETE ON registrations REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION organisation_tallies_remove()",
        # every update, not only of the columns named: the copy trigger changes the organisation of a registration
        # moved to another participant without the UPDATE naming it
        f"CREATE TRIGGER organisation_tallies_update AFTER UPDATE ON registrations FOR EACH ROW "
        f"WHEN ({_ORGANISATION_MOVED.format('IS DISTINCT FROM')}) EXECUTE FUNCTION organisation_tallies_move()",
    ], [
        "DROP TRIGGER IF EXISTS organisation_tallies_insert ON registrations",
        "DROP TRIGGER IF EXISTS organisation_tallies_delete ON registrations",
        "DROP TRIGGER IF EXISTS organisation_tallies_update ON registrations",
        "DROP FUNCTION IF EXISTS organisation_tallies_add()",
        "DROP FUNCTION IF EXISTS organisation_tallies_remove()",
        "DROP FUNCTION IF EXISTS organisation_tallies_move()",
    ]),
    # SQLite fires the triggers of one event in no documented order, and its copy triggers write the copy after the
    # row (``copies``): counting from the copy would count a wrongly written organisation or not, by that order. So
    # here the organisation is read from the participant, and a participant's move carries their counts along.
    "sqlite": ([
        f"CREATE TRIGGER organisation_tallies_insert AFTER INSERT ON registrations BEGIN {_SQLITE_ADD_ONE} END",
        f"CREATE TRIGGER organisation_tallies_delete AFTER DELETE ON registrations BEGIN {_SQLITE_REMOVE_ONE} END",
        "CREATE TRIGGER organisation_tallies_update AFTER UPDATE OF status, training_session_id, participant_id "
        "ON registrations WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT NEW.training_session_id "
        f"OR OLD.participant_id IS NOT NEW.participant_id BEGIN {_SQLITE_REMOVE_ONE} {_SQLITE_ADD_ONE} END",
        "CREATE TRIGGER organisation_tallies_participant AFTER UPDATE OF organisation_id ON participants "
        f"WHEN OLD.organisation_id IS NOT NEW.organisation_id BEGIN {_SQLITE_PARTICIPANT_MOVED} END",
    ], [
        "DROP TRIGGER IF EXISTS organisation_tallies_participant",
        "DROP TRIGGER IF EXISTS organisation_tallies_insert",
        "DROP TRIGGER IF EXISTS organisation_tallies_delete",
        "DROP TRIGGER IF EXISTS organisation_tallies_update",
    ]),
}

#: counts the registrations stored before the triggers existed (the migration, after the copies are filled in)
ORGANISATION_BACKFILL = f"""INSERT INTO organisation_tallies ({_KEY}, registrations)
    SELECT training_session_id, participant_organisation_id, status, count(*) FROM registrations
    WHERE participant_organisation_id IS NOT NULL GROUP BY training_session_id, participant_organisation_id, status"""


# With create_all, after every table exists (the triggers join two of them); dropped before the tables.
for _dialect in TRIGGERS:
    _create = TRIGGERS[_dialect][0] + ORGANISATION_TRIGGERS[_dialect][0]
    _drop = TRIGGERS[_dialect][1] + ORGANISATION_TRIGGERS[_dialect][1]
    for _statement in _create:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drop:
        event.listen(db.metadata, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
