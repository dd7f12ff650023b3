"""What fits a question's kind: its choices as listed, whether a stored answer is one of its kind, and the lock
that keeps a question's kind from changing while answers to it are being saved."""
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select, update

from ..core.db import bounded_lock_wait
from ..extensions import db
from .models import CHOICE_KINDS, RegistrationQuestion


def choices_of(question) -> list[tuple[str, str, str | None]]:
    """[(key, English, Arabic or None)] of a choice question; the key is the choice's number from "0"."""
    result = []
    for number, line in enumerate(line for line in (question.choices or "").splitlines() if line.strip()):
        english, _sep, arabic = line.partition("|")
        result.append((str(number), english.strip(), arabic.strip() or None))
    return result


def lock_questions(question_ids, *, write: bool = False) -> dict:
    """Lock the questions until commit and read them afresh: {id: (kind, choices)}. ``write`` for a change of the
    question (PostgreSQL's FOR UPDATE, through a no-op UPDATE that takes SQLite's write lock too); else a shared
    lock (FOR SHARE), held by the saving of answers, so that their kind cannot change until the answers are
    stored and counted (SQLite serialises the writers). Raises ``core.db.Busy`` when held too long by another."""
    ids = sorted(set(question_ids))
    if not ids:
        return {}
    with bounded_lock_wait():
        if write:
            db.session.execute(update(RegistrationQuestion).where(RegistrationQuestion.id.in_(ids))
                               .values(kind=RegistrationQuestion.kind).execution_options(synchronize_session=False))
        rows = db.session.execute(select(RegistrationQuestion.id, RegistrationQuestion.kind, RegistrationQuestion.choices)
                                  .where(RegistrationQuestion.id.in_(ids)).with_for_update(read=not write)).all()
    return {row.id: (row.kind, row.choices) for row in rows}


def fits(kind: str, choices: str | None, value: str) -> bool:
    """Whether ``value`` (an answer as stored) is an answer of a question of ``kind`` with ``choices``: a choice's
    key (several, one a line, for multiple choice), "yes"/"no", an ISO date, or any text."""
    if kind in CHOICE_KINDS:
        keys = {key for key, _english, _arabic in choices_of(SimpleNamespace(choices=choices))}
        picked = value.splitlines()
        return bool(picked) and set(picked) <= keys and (kind == "multiple_choice" or len(picked) == 1)
    if kind == "yes_no":
        return value in ("yes", "no")
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
    return True
