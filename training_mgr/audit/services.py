"""Recording who changed what. Entries join the caller's transaction, so they commit or roll back with it."""
import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..core.text import contains_words, fold_words
from ..extensions import db
from .actions import ACTIONS
from .models import AuditEntry

log = logging.getLogger(__name__)


def record(user, action: str, obj, summary: str, changes: dict | None = None, training_id: int | None = None, *,
           details: dict | None = None):
    """Add an audit entry for ``obj`` to the current transaction (the caller commits).

    ``action`` is a key of ``audit.actions.ACTIONS``; ``details`` are the values its sentence names ({"name": …,
    "name_ar": …, "day": date, "mark": "late"}: dates are kept as ISO dates, anything else not JSON as text);
    ``summary`` is the English line kept beside them (read where an entry has no details, and searched);
    ``changes`` is ``{field: [old, new]}``. An action missing from ``ACTIONS`` is recorded all the same (a change is
    never refused for want of a sentence) and logged as an error."""
    if action not in ACTIONS:
        log.error("audit action %r has no label and sentence in audit.actions.ACTIONS", action)
    db.session.flush()  # so a new object (and a new training) has its id
    if training_id is None:
        training_id = _training_session_id_of(obj)
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        training_id=training_id,
        summary=summary,
        changes=_jsonable(changes) if changes else None,
        details=_jsonable(details) if details is not None else None,
    )
    db.session.add(entry)
    return entry


def diff(obj, fields, new_values: dict) -> dict:
    """{field: [old, new]} for the fields whose value would change; apply the new values."""
    changes = {}
    for name in fields:
        if name not in new_values:
            continue
        old, new = getattr(obj, name), new_values[name]
        if old != new:
            changes[name] = [old, new]
            setattr(obj, name, new)
    return changes


def _training_session_id_of(obj):
    # by class name, as ``object_type`` records it: every feature records here, so audit imports none of them
    if type(obj).__name__ == "TrainingSession":
        return obj.id
    if getattr(obj, "training_id", None):
        return obj.training_id
    registration = getattr(obj, "registration", None)
    return getattr(registration, "training_id", None)


def _jsonable(changes):
    def convert(v):
        if v is None or isinstance(v, (str, int, float, bool)):
            return v
        if isinstance(v, (list, tuple)):
            return [convert(x) for x in v]
        return str(v)

    return {k: convert(v) for k, v in changes.items()}


# --- reading the log ---------------------------------------------------------------------------------

def entries_query(training_id: int | None = None, action: str | None = None, user_id: int | None = None,
                  person: str | None = None, since: datetime | None = None, until: datetime | None = None):
    """Audit entries, newest first, with their author; narrowed to one training, action or user, to entries that
    name ``person`` (every word of it in the summary or the details, compared folded: ``core.text.contains_words``,
    so احمد المالكي finds أحمد جاسم المالكي), and to
    ``since`` <= time < ``until`` (aware datetimes)."""
    User = AuditEntry.user.property.mapper.class_  # auth's model, reached through the relationship
    # the author's participant gives their Arabic name (``sentences.actor_name``)
    query = (select(AuditEntry).options(joinedload(AuditEntry.user).joinedload(User.participant))
             .order_by(AuditEntry.id.desc()))
    if person and fold_words(person):
        query = query.where(contains_words(AuditEntry.search_folded, person))
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    if training_id is not None:
        query = query.where(AuditEntry.training_id == training_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    return query


def filter_choices(training_id: int | None = None) -> tuple[list[str], list]:
    """The actions and the users that occur in the log (of one training), for the filters."""
    User = AuditEntry.user.property.mapper.class_  # auth's model, reached through the relationship (auth records here)
    scope = [] if training_id is None else [AuditEntry.training_id == training_id]
    actions = db.session.scalars(select(AuditEntry.action).where(*scope).distinct().order_by(AuditEntry.action)).all()
    users = db.session.scalars(
        select(User).where(User.id.in_(select(AuditEntry.user_id).where(*scope))).order_by(func.lower(User.email))
    ).all()
    return actions, users


def training_choices() -> list[tuple[int, str]]:
    """(id, title) of the trainings that have entries, newest first, for the admins' filter. The table is read by
    name: every feature records here, so audit imports none of them."""
    trainings = db.metadata.tables["training_sessions"]
    return [tuple(row) for row in db.session.execute(
        select(trainings.c.id, trainings.c.title)
        .where(trainings.c.id.in_(select(AuditEntry.training_id).where(AuditEntry.training_id.is_not(None))))
        .order_by(trainings.c.id.desc())
    )]
