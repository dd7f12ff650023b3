"""Evaluation tables: a course's question bank (versioned), a training's instruments, and the answers.

The four levels of training evaluation (Kirkpatrick): reaction (anonymous survey), knowledge (pre-test and
post-test), use at work (follow-up survey, months later) and institutional change (the recommendations, which
live in ``recommendations``).
"""
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import as_utc, one_of, utcnow
from ..extensions import db

#: which instrument a bank question serves: the knowledge tests, or one of the two surveys
BANKS = ("test", "reaction", "follow_up")
#: single choice, multiple choice, true/false (knowledge tests); Likert 1–5 and open text (surveys)
QUESTION_KINDS = ("single", "multiple", "true_false", "likert", "text")
TEST_KINDS = ("single", "multiple", "true_false")
SURVEY_KINDS = ("likert", "text")
#: the four instruments of a training; their participant URLs are /sessions/<id>/evaluation/<slug>
INSTRUMENT_KINDS = ("pre", "post", "reaction", "follow_up")
INSTRUMENT_BANK = {"pre": "test", "post": "test", "reaction": "reaction", "follow_up": "follow_up"}
RESPONSE_SOURCES = ("online", "paper")


class Question(db.Model):
    """One version of a question of a course's bank. Editing a question adds a new version and marks this one
    superseded: answers keep pointing at the version that was asked, so past results never change."""

    __tablename__ = "evaluation_questions"
    __table_args__ = (
        one_of("bank", BANKS),
        one_of("kind", QUESTION_KINDS),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    bank: Mapped[str] = mapped_column(String(10), default="test")
    kind: Mapped[str] = mapped_column(String(10))
    #: the id of the first version: every version of one question shares it
    family_id: Mapped[int | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(Text)
    text_ar: Mapped[str | None] = mapped_column(Text)
    #: choices in order, ``[{"text": …, "text_ar": …}, …]``; empty for Likert and open questions
    options = mapped_column(JSON, nullable=False, default=list)
    #: indexes into ``options`` of the correct choices (knowledge tests only)
    correct = mapped_column(JSON)
    theme: Mapped[str | None] = mapped_column(String(200))
    #: order in the bank; a new version keeps its place
    position: Mapped[int] = mapped_column(default=0)
    #: when a newer version replaced this one (then it is no longer offered)
    superseded_at = mapped_column(db.DateTime(timezone=True))
    #: when an officer took the question out of the bank
    retired_at = mapped_column(db.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    course = relationship("Course")

    @property
    def current(self) -> bool:
        return self.superseded_at is None and self.retired_at is None

    @property
    def correct_set(self) -> frozenset:
        return frozenset(self.correct or ())

    def __repr__(self):
        return f"<Question {self.id} v{self.version} {self.kind}>"


class Instrument(db.Model):
    """A pre-test, post-test, reaction survey or follow-up survey of one training, open between two times."""

    __tablename__ = "evaluation_instruments"
    __table_args__ = (
        UniqueConstraint("training_session_id", "kind"),
        one_of("kind", INSTRUMENT_KINDS),
        CheckConstraint("follow_up_months >= 1 AND follow_up_months <= 24", name="follow_up_months_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: answers are taken from this time (UTC); None: not opened yet
    opens_at = mapped_column(db.DateTime(timezone=True))
    #: and until this time (UTC); None: until an officer closes it
    closes_at = mapped_column(db.DateTime(timezone=True))
    #: follow-up survey: months after the training's last day that participants are e-mailed
    follow_up_months: Mapped[int] = mapped_column(default=3)
    #: follow-up survey: when the invitations and the reminder a week later were queued
    invited_at = mapped_column(db.DateTime(timezone=True))
    reminded_at = mapped_column(db.DateTime(timezone=True))
    #: reaction survey: the answers of its first respondents while fewer than 5 have answered, in random order
    #: (``[{"source", "answers": [{question_id, choices, value, text, correct}]}]``); they are written to
    #: ``evaluation_responses`` only in shuffled batches of at least 5 (``evaluation/anonymity.py``)
    anonymous_pool = mapped_column(JSON)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    training = relationship("TrainingSession")
    items: Mapped[list["InstrumentItem"]] = relationship(
        back_populates="instrument", order_by="InstrumentItem.position", cascade="all, delete-orphan")

    def is_open(self, now) -> bool:
        """Taking answers at ``now`` (aware UTC): opened, and not past its closing time."""
        if self.opens_at is None or now < as_utc(self.opens_at):
            return False
        return self.closes_at is None or now <= as_utc(self.closes_at)

    @property
    def questions(self) -> list[Question]:
        return [item.question for item in self.items]

    def __repr__(self):
        return f"<Instrument {self.id} {self.kind}>"


class InstrumentItem(db.Model):
    """A question version asked by an instrument, in order."""

    __tablename__ = "evaluation_instrument_items"
    __table_args__ = (UniqueConstraint("instrument_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("evaluation_instruments.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("evaluation_questions.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    instrument = relationship("Instrument", back_populates="items")
    question = relationship("Question", lazy="joined")


class Response(db.Model):
    """One filled-in instrument. A reaction survey's response has no participant: it is anonymous, only
    ``Respondent`` records that the person answered, and it is written only in shuffled batches of at least 5
    (``evaluation/anonymity.py``), so its id and row do not follow the respondents' order."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (
        UniqueConstraint("instrument_id", "participant_id"),
        one_of("source", RESPONSE_SOURCES),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("evaluation_instruments.id", ondelete="CASCADE"), index=True)
    #: None for the anonymous reaction survey
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: knowledge tests: share of the test's questions answered correctly, 0..1
    score: Mapped[float | None]
    #: typed in by the participant, or from a paper sheet by an officer
    source: Mapped[str] = mapped_column(String(6), default="online")
    #: the day only (no time, so that an anonymous answer cannot be matched to its respondent by time)
    submitted_on = mapped_column(Date, nullable=False)
    #: the officer who typed a paper sheet in
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    instrument = relationship("Instrument")
    participant = relationship("Participant")
    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    """The answer to one question in a response."""

    __tablename__ = "evaluation_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("evaluation_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("evaluation_questions.id", ondelete="RESTRICT"), index=True)
    #: the indexes of the options chosen (knowledge tests); [] when left blank
    choices = mapped_column(JSON)
    #: Likert answer, 1 (lowest) to 5 (highest)
    value: Mapped[int | None]
    #: open answer
    text: Mapped[str | None] = mapped_column(Text)
    #: knowledge tests: the choices are exactly the correct ones
    correct: Mapped[bool | None]

    response = relationship("Response", back_populates="answers")
    question = relationship("Question")


class Respondent(db.Model):
    """That a person has answered an instrument (one answer per person per instrument). Deliberately without
    a time or an id of its own, so that it cannot be matched to an anonymous reaction response."""

    __tablename__ = "evaluation_respondents"

    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_instruments.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True)
