"""Registration questions: what a training asks beyond a person's details, on the public registration form and on
the nomination form, and the answers given. Answers to sensitive questions (passport, date of birth …) are erased
a set number of days after the training ends (``services.erase_expired_sensitive_answers``)."""
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

QUESTION_KINDS = ("short_text", "long_text", "single_choice", "multiple_choice", "date", "yes_no")
#: kinds whose answers are picked from the question's choices
CHOICE_KINDS = ("single_choice", "multiple_choice")


class RegistrationQuestion(db.Model):
    """One question of a training's registration form."""

    __tablename__ = "registration_questions"
    __table_args__ = (
        one_of("kind", QUESTION_KINDS),
        UniqueConstraint("training_session_id", "builtin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    #: display order (``services.move_question``)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    label_ar: Mapped[str | None] = mapped_column(String(300))
    #: a line under the question on the form, saying what to write (English; Arabic)
    help: Mapped[str | None] = mapped_column(String(500))
    help_ar: Mapped[str | None] = mapped_column(String(500))
    #: for the choice kinds: one choice a line, "English | Arabic" (the Arabic part optional). Answers keep a choice by
    #: its place (its number), so once answered the choices keep their places (``services.update_question``)
    choices: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    #: answers are personal data of a sensitive kind: shown only to the training's managing officers (each view
    #: audited), left out of exports unless asked for, and erased after the retention period
    sensitive: Mapped[bool] = mapped_column(default=False)
    #: the built-in travel field this question is (``services.BUILTIN_QUESTIONS``), or None for the officer's own
    builtin: Mapped[str | None] = mapped_column(String(30))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    training = relationship("TrainingSession")

    def __repr__(self):
        return f"<RegistrationQuestion {self.id} {self.kind} {self.label!r}>"


class RegistrationAnswer(db.Model):
    """One registration's answer to one question, stored as text: a choice's number (several, one a line, for
    multiple choice), an ISO date, "yes" or "no", or what was typed."""

    __tablename__ = "registration_answers"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("registration_questions.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    question = relationship(RegistrationQuestion, lazy="joined")
    registration = relationship("Registration")
