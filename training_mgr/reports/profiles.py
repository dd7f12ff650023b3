"""Each training's registrations counted by status and by their numbers of marks, kept by the database itself.

The key figures of a training (``figures.KeyFigures``: nominated, registered, confirmed, attended, completed,
person-days) depend on each registration only through its status and its counts of marks present, late, excused and
in all (``attendance.tallies``): with the training's number of days and certificate rule, those decide whether it
attended and whether it met the rule. So ``attendance_profiles`` keeps, per training, how many registrations share
each status and counts (a profile): a few dozen rows a training, from which the programme report sums its key figures
(the certificate rule applied to each profile) instead of reading a million registrations.

Triggers keep it in step on PostgreSQL and SQLite alike: a registration added, removed (before it goes, while its
mark counts are still there), moved to another status or training; its mark counts made, changed or removed.
Each write moves the registrations it concerns from their old profile to their new one, in one statement, in key
order. On PostgreSQL inserts and changes of the mark counts are counted once per statement, and a bulk load that
defers the kept counts (``core.db.defer_kept_counts``) counts them once at the end (``rebuild``).
``tests/test_report_kept_persons.py`` checks that the profiles follow every kind of write.

The triggers are created with the tables (``create_all``, for tests) and by the migration ``0038_attendance_profiles``
(with a copy of ``TRIGGERS`` as it was then), which also counts the registrations already stored.
"""
from sqlalchemy import ForeignKey, String, and_, case, cast, func, literal, null, select
from sqlalchemy.orm import Mapped, mapped_column

from ..attendance.services import certificate_rule_met
from ..core.db import SKIP_WHILE_DEFERRED, count_again, keep_with_triggers
from ..extensions import db
from ..trainings.models import TrainingSession
from .selection import REGISTERED_STATUSES, days_per_training


class AttendanceProfile(db.Model):
    """How many of a training's registrations have one status and these numbers of marks (rows stay at 0)."""

    __tablename__ = "attendance_profiles"

    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: days marked present, late and excused, and marks in all (``attendance_tallies``; 0 without a mark)
    present: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    late: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    excused: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    recorded: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    registrations: Mapped[int] = mapped_column(default=0)


_KEY = "training_session_id, status, present, late, excused, recorded"


def _move(deltas: str) -> str:
    """Add ``deltas`` (a select of ``{_KEY}, n``) to the profiles, one row per key, in key order; not for a training
    being removed (its profiles go with it)."""
    return f"""INSERT INTO attendance_profiles ({_KEY}, registrations)
    SELECT {_KEY}, sum(n) FROM ({deltas}) AS d
    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)
    GROUP BY {_KEY} ORDER BY {_KEY}
    ON CONFLICT ({_KEY}) DO UPDATE SET registrations = attendance_profiles.registrations + excluded.registrations;"""


def _profile(registration, marks, sign):
    """A select of the profile key of ``registration`` (a row with training_session_id and status) with the counts of
    ``marks`` (a row of attendance counts, or None for none) and ``n`` = ``sign``."""
    counts = ", ".join((f"coalesce({marks}.{c}, 0)" if marks else "0") + f" AS {c}"
                       for c in ("present", "late", "excused", "recorded"))
    return (f"SELECT {registration}.training_session_id AS training_session_id, {registration}.status AS status, "
            f"{counts}, {sign} AS n")


def _registration(row, sign):
    """The profile of the registration ``row`` (OLD or NEW) with its marks as counted now, ``n`` = ``sign``."""
    return (_profile(row, "a", sign) + " FROM (SELECT 1) AS one "
            f"LEFT JOIN attendance_tallies AS a ON a.registration_id = {row}.id")


def _marks(marks, rows, sign, counted=True):
    """The profiles of the registrations of the mark counts ``marks`` (a row, or a transition table ``rows`` AS
    ``marks``), with those counts (or none: ``counted`` False), ``n`` = ``sign``."""
    where = f"WHERE r.id = {marks}.registration_id" if rows is None else (
        f"FROM {rows} AS {marks} JOIN registrations AS r ON r.id = {marks}.registration_id")
    source = f"FROM registrations AS r {where}" if rows is None else where
    return f"{_profile('r', marks if counted else None, sign)} {source}"


def _pg_function(name, deltas, returns="NULL", deferrable=True):
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{SKIP_WHILE_DEFERRED if deferrable else ""}  {_move(deltas)}
  RETURN {returns};
END $$"""


_PG_TRIGGERS = (
    ("attendance_profiles_registrations_added", "AFTER INSERT ON registrations REFERENCING NEW TABLE AS new_rows "
     "FOR EACH STATEMENT"),
    ("attendance_profiles_registration_removed", "BEFORE DELETE ON registrations FOR EACH ROW"),
    ("attendance_profiles_registration_moved", "AFTER UPDATE OF status, training_session_id ON registrations FOR EACH ROW "
     "WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.training_session_id IS DISTINCT FROM NEW.training_session_id)"),
    ("attendance_profiles_marks_counted", "AFTER INSERT ON attendance_tallies REFERENCING NEW TABLE AS new_rows "
     "FOR EACH STATEMENT"),
    ("attendance_profiles_marks_changed", "AFTER UPDATE ON attendance_tallies REFERENCING OLD TABLE AS old_rows "
     "NEW TABLE AS new_rows FOR EACH STATEMENT"),
    ("attendance_profiles_marks_removed", "AFTER DELETE ON attendance_tallies REFERENCING OLD TABLE AS old_rows "
     "FOR EACH STATEMENT"),
)
_SQLITE_TRIGGERS = (
    ("attendance_profiles_registrations_added", "AFTER INSERT ON registrations", _registration("NEW", 1)),
    ("attendance_profiles_registration_removed", "BEFORE DELETE ON registrations", _registration("OLD", -1)),
    ("attendance_profiles_registration_moved", "AFTER UPDATE OF status, training_session_id ON registrations "
     "WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT NEW.training_session_id",
     f"{_registration('OLD', -1)} UNION ALL {_registration('NEW', 1)}"),
    ("attendance_profiles_marks_counted", "AFTER INSERT ON attendance_tallies",
     f"{_marks('NEW', None, -1, counted=False)} UNION ALL {_marks('NEW', None, 1)}"),
    ("attendance_profiles_marks_changed", "AFTER UPDATE ON attendance_tallies",
     f"{_marks('OLD', None, -1)} UNION ALL {_marks('NEW', None, 1)}"),
    ("attendance_profiles_marks_removed", "AFTER DELETE ON attendance_tallies",
     f"{_marks('OLD', None, -1)} UNION ALL {_marks('OLD', None, 1, counted=False)}"),
)

#: {dialect: ([statements that create the triggers], [statements that drop them])}
TRIGGERS = {
    "postgresql": ([
        _pg_function("attendance_profiles_registrations_added",
                     _profile("w", "a", 1) + " FROM new_rows AS w LEFT JOIN attendance_tallies AS a ON a.registration_id = w.id"),
        _pg_function("attendance_profiles_registration_removed", _registration("OLD", -1), returns="OLD",
                     deferrable=False),
        _pg_function("attendance_profiles_registration_moved",
                     f"{_registration('OLD', -1)} UNION ALL {_registration('NEW', 1)}", deferrable=False),
        _pg_function("attendance_profiles_marks_counted",
                     f"{_marks('w', 'new_rows', -1, counted=False)} UNION ALL {_marks('w', 'new_rows', 1)}"),
        _pg_function("attendance_profiles_marks_changed",
                     f"{_marks('o', 'old_rows', -1)} UNION ALL {_marks('w', 'new_rows', 1)}"),
        _pg_function("attendance_profiles_marks_removed",
                     f"{_marks('o', 'old_rows', -1)} UNION ALL {_marks('o', 'old_rows', 1, counted=False)}"),
        *[f"CREATE TRIGGER {name} {timing} EXECUTE FUNCTION {name}()" for name, timing in _PG_TRIGGERS],
    ], [
        *[f"DROP TRIGGER IF EXISTS {name} ON {timing.split(' ON ')[1].split()[0]}" for name, timing in _PG_TRIGGERS],
        *[f"DROP FUNCTION IF EXISTS {name}()" for name, _ in _PG_TRIGGERS],
    ]),
    "sqlite": (
        [f"CREATE TRIGGER {name} {timing} BEGIN {_move(deltas)} END" for name, timing, deltas in _SQLITE_TRIGGERS],
        [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in _SQLITE_TRIGGERS],
    ),
}

#: counts the registrations stored before the triggers existed (the migration)
BACKFILL = [
    f"INSERT INTO attendance_profiles ({_KEY}, registrations) "
    + _profile("r", "a", "count(*)").replace(" AS n", "")
    + " FROM registrations AS r LEFT JOIN attendance_tallies AS a ON a.registration_id = r.id "
    "GROUP BY r.training_session_id, r.status, coalesce(a.present, 0), coalesce(a.late, 0), coalesce(a.excused, 0), "
    "coalesce(a.recorded, 0)"
]


def kept_key_figures(training_ids):
    """A select of the key figures of each of ``training_ids`` (``figures.KeyFigures``, as the programme report's
    ``_attendance_figures`` reads them: a tag, the training, a blank, then nominated, registered, confirmed, attended,
    person-days and completed), summed from the profiles with the certificate rule applied to each: a few dozen
    rows a training instead of each registration."""
    profile, no_text = AttendanceProfile, cast(null(), String)
    days = days_per_training(training_ids)
    n, confirmed, days_attended = profile.registrations, profile.status == "confirmed", profile.present + profile.late
    completed = certificate_rule_met(TrainingSession, func.coalesce(days.c.days, 0), profile.present, profile.late,
                                     profile.excused, profile.recorded)

    def total(condition, value=n):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return (
        select(literal("training"), profile.training_id, no_text, func.coalesce(func.sum(n), 0),
               total(profile.status.in_(REGISTERED_STATUSES)), total(confirmed),
               total(and_(confirmed, days_attended > 0)), total(confirmed, n * days_attended),
               total(and_(confirmed, completed)))
        .join(TrainingSession, TrainingSession.id == profile.training_id)
        .outerjoin(days, days.c.training_id == profile.training_id)
        .where(profile.training_id.in_(training_ids))
        .group_by(profile.training_id)
    )


def rebuild() -> None:
    """Count everything again from the stored rows, in ``db.session`` (a bulk load that deferred the triggers,
    ``core.db.defer_kept_counts``, calls it before it commits)."""
    count_again(db.session, ("attendance_profiles",), BACKFILL)


keep_with_triggers(db.metadata, TRIGGERS)
