"""Recording who changed what. Entries join the caller's transaction, so they commit or roll back with it."""
from ..extensions import db
from .models import AuditEntry


def record(user, action: str, obj, summary: str, changes: dict | None = None, training_session_id: int | None = None):
    """Add an audit entry for ``obj`` to the current transaction (the caller commits)."""
    if training_session_id is None:
        training_session_id = _training_session_id_of(obj)
    db.session.flush()  # so a new object has its id
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        training_session_id=training_session_id,
        summary=summary,
        changes=_jsonable(changes) if changes else None,
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
    from ..trainings.models import TrainingSession

    if isinstance(obj, TrainingSession):
        return obj.id
    if getattr(obj, "training_session_id", None):
        return obj.training_session_id
    registration = getattr(obj, "registration", None)
    return getattr(registration, "training_session_id", None)


def _jsonable(changes):
    def convert(v):
        if v is None or isinstance(v, (str, int, float, bool)):
            return v
        if isinstance(v, (list, tuple)):
            return [convert(x) for x in v]
        return str(v)

    return {k: convert(v) for k, v in changes.items()}
