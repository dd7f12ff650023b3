"""The participant's details that the officer's list sorts, filters and searches by, copied beside each registration
and kept in step by the database.

The list of a training's registrations used to join every registration of the training with its participant and
sort them all by name for each page: 0.3 s for a 10,000-person training. With ``participant_sort_name``,
``participant_search``, ``participant_organisation_id`` and ``participant_sex`` on ``registrations`` and an index on
(training, sort name, id), a page walks the index and reads only its own rows (``listing.registrations_page``).

Triggers write the copies, on PostgreSQL and SQLite alike, so that no write path can forget them (the ORM, Core,
a COPY of a million rows, an erasure, an organisation removed under its people):

- a new registration (or one moved to another participant) takes its participant's details;
- a change of a participant's name, folded names, e-mail, sex or organisation is copied to all their registrations;
- a copy written by hand is put back from the participant.

The triggers are created with the tables (``create_all``, for tests) and by the migration
``0027_registration_list_keys`` (with a copy of ``TRIGGERS`` as it was then), which also fills in the
registrations already stored (``BACKFILL``, one UPDATE … FROM).
"""
from sqlalchemy import DDL, event

from ..extensions import db

#: copied column -> its value from a participants row (``{p}``: the row's name in the statement; ``{nl}``: a newline)
COPIED = {
    "participant_sort_name": "lower({p}.name)",
    "participant_search": "{p}.name_folded || {nl} || lower({p}.email)",
    "participant_organisation_id": "{p}.organisation_id",
    "participant_sex": "{p}.sex",
}
#: the participant's columns the copies are made of
SOURCES = ("name", "name_folded", "email", "organisation_id", "sex")
_NEWLINE = {"postgresql": "chr(10)", "sqlite": "char(10)"}


def _values(dialect, row):
    return [expression.format(p=row, nl=_NEWLINE[dialect]) for expression in COPIED.values()]


def _changed(old, new, columns, differs):
    return " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in columns)


def _postgresql():
    columns = ", ".join(COPIED)
    select_copied = ", ".join(f"{value} AS {column}" for column, value in zip(COPIED, _values("postgresql", "p")))
    assign = " ".join(f"NEW.{column} := copied.{column};" for column in COPIED)
    set_from_new = ", ".join(f"{column} = {value}" for column, value in zip(COPIED, _values("postgresql", "NEW")))
    return [
        f"""CREATE FUNCTION registrations_copy_participant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE copied record;
BEGIN
  SELECT {select_copied} INTO copied FROM participants AS p WHERE p.id = NEW.participant_id;
  IF FOUND THEN
    {assign}
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION participants_copy_to_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE registrations SET {set_from_new} WHERE participant_id = NEW.id;
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER registrations_copy_participant BEFORE INSERT OR UPDATE OF participant_id, {columns} "
        "ON registrations FOR EACH ROW EXECUTE FUNCTION registrations_copy_participant()",
        f"CREATE TRIGGER participants_copy_to_registrations AFTER UPDATE OF {', '.join(SOURCES)} ON participants "
        f"FOR EACH ROW WHEN ({_changed('OLD', 'NEW', SOURCES, 'IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION participants_copy_to_registrations()",
    ], [
        "DROP TRIGGER IF EXISTS participants_copy_to_registrations ON participants",
        "DROP TRIGGER IF EXISTS registrations_copy_participant ON registrations",
        "DROP FUNCTION IF EXISTS participants_copy_to_registrations()",
        "DROP FUNCTION IF EXISTS registrations_copy_participant()",
    ]


def _sqlite():
    # SQLite's triggers cannot change NEW: the row is updated after it is written. recursive_triggers is off, so
    # that UPDATE does not fire its own trigger again (it does fire the organisation tallies' triggers).
    columns = ", ".join(COPIED)
    copy = (f"UPDATE registrations SET ({columns}) = (SELECT {', '.join(_values('sqlite', 'p'))} FROM participants AS p "
            "WHERE p.id = NEW.participant_id) WHERE id = NEW.id "
            "AND EXISTS (SELECT 1 FROM participants WHERE id = NEW.participant_id);")
    set_from_new = ", ".join(f"{column} = {value}" for column, value in zip(COPIED, _values("sqlite", "NEW")))
    return [
        f"CREATE TRIGGER registrations_copy_participant_insert AFTER INSERT ON registrations BEGIN {copy} END",
        f"CREATE TRIGGER registrations_copy_participant_update AFTER UPDATE OF participant_id, {columns} "
        f"ON registrations BEGIN {copy} END",
        f"CREATE TRIGGER participants_copy_to_registrations AFTER UPDATE OF {', '.join(SOURCES)} ON participants "
        f"WHEN {_changed('OLD', 'NEW', SOURCES, 'IS NOT')} "
        f"BEGIN UPDATE registrations SET {set_from_new} WHERE participant_id = NEW.id; END",
    ], [
        "DROP TRIGGER IF EXISTS participants_copy_to_registrations",
        "DROP TRIGGER IF EXISTS registrations_copy_participant_update",
        "DROP TRIGGER IF EXISTS registrations_copy_participant_insert",
    ]


#: {dialect: ([statements that create the triggers], [statements that drop them])}
TRIGGERS = {"postgresql": _postgresql(), "sqlite": _sqlite()}

#: fills in the copies of the registrations stored before the triggers existed (the migration), in one statement
BACKFILL = {
    dialect: "UPDATE registrations SET " + ", ".join(
        f"{column} = {value}" for column, value in zip(COPIED, _values(dialect, "p"))
    ) + " FROM participants AS p WHERE p.id = registrations.participant_id"
    for dialect in _NEWLINE
}


# With create_all, after every table exists (the triggers join two of them); dropped before the tables.
for _dialect, (_create, _drop) in TRIGGERS.items():
    for _statement in _create:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drop:
        event.listen(db.metadata, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
