"""A training's instruments (pre-test, post-test, reaction survey, follow-up survey) and taking them.

Rules (issue "Evaluation", product brief): one answer per person per instrument; only a person with a confirmed
registration answers, while the instrument is open (``Instrument.is_open``); the reaction survey is anonymous:
its response carries no participant, and only a ``Respondent`` row says that the person answered. A refused
answer changes nothing.
"""
from dataclasses import dataclass
from calendar import monthrange

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.urls import public_url
from ..extensions import db
from ..registrations.models import Registration
from . import anonymity, bank
from .models import INSTRUMENT_BANK, INSTRUMENT_KINDS, Answer, Instrument, InstrumentItem, Respondent, Response

#: the last part of each instrument's participant URL, /sessions/<id>/evaluation/<slug>
SLUGS = {"pre": "pre", "post": "post", "reaction": "reaction", "follow_up": "follow-up"}
KIND_OF_SLUG = {slug: kind for kind, slug in SLUGS.items()}
LIKERT_VALUES = (1, 2, 3, 4, 5)


class EvaluationError(DomainError):
    """An evaluation write was refused; the message is shown to the user."""


class NotRegistered(EvaluationError):
    status = 403


class NotOpen(EvaluationError):
    status = 409


class AlreadyAnswered(EvaluationError):
    status = 409


@dataclass(frozen=True)
class GivenAnswer:
    """One answer: ``choices`` (indexes of the options chosen, knowledge tests), ``value`` (1–5, Likert items) or
    ``text`` (open items). An empty answer is all three empty."""

    choices: tuple = ()
    value: int | None = None
    text: str | None = None

    @property
    def empty(self) -> bool:
        return not self.choices and self.value is None and not (self.text or "").strip()


def instruments_of(training) -> dict:
    """``{kind: Instrument}`` of ``training`` with their questions (two queries)."""
    rows = db.session.scalars(select(Instrument).where(Instrument.training_id == training.id)
                              .options(selectinload(Instrument.items))).all()
    return {instrument.kind: instrument for instrument in rows}


def instrument_of(training, kind: str) -> Instrument | None:
    return instruments_of(training).get(kind)


def set_up_instrument(training, kind: str, *, opens_at=None, closes_at=None, follow_up_months=None,
                      question_ids=None, by_user) -> Instrument:
    """Create or change ``training``'s instrument ``kind`` and commit. ``opens_at``/``closes_at``: aware UTC
    datetimes or None; ``follow_up_months`` (1–24) for the follow-up survey; ``question_ids``: the bank questions a
    test asks, in order (default: the whole current bank). A survey asks its course's survey items (the default
    items when the course has none). Raises EvaluationError: closing before opening, an empty bank, no question
    chosen, questions of another course, or changing the questions of an instrument someone has answered."""
    if kind not in INSTRUMENT_KINDS:
        raise EvaluationError(_l("Unknown instrument."))
    if opens_at and closes_at and as_utc(closes_at) <= as_utc(opens_at):
        raise EvaluationError(_l("The closing time must be after the opening time."), field="closes_at")
    instrument = instrument_of(training, kind)
    if instrument is None:
        instrument = Instrument(training_id=training.id, kind=kind)
        _give_items(instrument, training, question_ids)
        db.session.add(instrument)
    elif question_ids is not None and list(question_ids) != [i.question_id for i in instrument.items]:
        if _answer_count(instrument):
            raise EvaluationError(_l("Someone has answered already: the questions can no longer change."))
        instrument.items.clear()
        db.session.flush()
        _give_items(instrument, training, question_ids)
    instrument.opens_at, instrument.closes_at = opens_at, closes_at
    if follow_up_months is not None:
        if not 1 <= follow_up_months <= 24:
            raise EvaluationError(_l("Choose between 1 and 24 months."), field="follow_up_months")
        instrument.follow_up_months = follow_up_months
    audit.record(by_user, "evaluation.set_up", instrument, f"Evaluation {kind} set up", training_id=training.id,
                 details={"kind": kind})
    db.session.commit()
    return instrument


def open_now(training, kind: str, *, by_user, now=None) -> Instrument:
    """Open ``training``'s instrument ``kind`` at once (creating it with its default questions if needed) and
    commit; a closing time already passed is removed. Raises EvaluationError when it is open already (its
    opening time is kept)."""
    now = now or utcnow()
    instrument = instrument_of(training, kind)
    if state(instrument, now) == "open":
        raise EvaluationError(_l("It is open already: participants can answer."))
    if instrument is None:
        instrument = Instrument(training_id=training.id, kind=kind)
        _give_items(instrument, training, None)
        db.session.add(instrument)
    instrument.opens_at = now
    if instrument.closes_at is not None and as_utc(instrument.closes_at) <= now:
        instrument.closes_at = None
    audit.record(by_user, "evaluation.open", instrument, f"Evaluation {kind} opened", training_id=training.id,
                 details={"kind": kind})
    db.session.commit()
    return instrument


def close_now(instrument: Instrument, *, by_user, now=None) -> None:
    """Stop taking answers for ``instrument`` now and commit."""
    instrument.closes_at = now or utcnow()
    audit.record(by_user, "evaluation.close", instrument, f"Evaluation {instrument.kind} closed",
                 training_id=instrument.training_id, details={"kind": instrument.kind})
    db.session.commit()


def state(instrument: Instrument | None, now=None) -> str:
    """"open" (taking answers), "closed" (its closing time has passed) or "not_open" (missing, without
    questions, or before its opening time)."""
    now = now or utcnow()
    if instrument is None or not instrument.items or instrument.opens_at is None or now < as_utc(instrument.opens_at):
        return "not_open"
    return "open" if instrument.is_open(now) else "closed"


# --- personal links ------------------------------------------------------------------------------

def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="evaluation-link")


def link_token(training_id: int, participant_id: int) -> str:
    """The signed token of a person's link to a training's instruments (one token for all four, so one QR code
    on a sheet serves them all). It never expires: the instruments' opening times decide."""
    return _serializer().dumps([training_id, participant_id])


def participant_id_of_token(training_id: int, token: str | None) -> int | None:
    """The participant a link token was made for, when it is genuine and for this training; else None."""
    if not token:
        return None
    try:
        signed_training, participant_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return participant_id if signed_training == training_id else None


def personal_url(training_id: int, participant_id: int, kind: str) -> str:
    """The absolute address a person answers ``kind`` at without logging in (e-mails, QR codes)."""
    return public_url("evaluation.take", training_id=training_id, slug=SLUGS[kind],
                      t=link_token(training_id, participant_id))


# --- answering -----------------------------------------------------------------------------------

def check_can_answer(instrument: Instrument | None, training, participant_id: int | None, *, now=None) -> None:
    """Raise what stops ``participant_id`` from answering ``instrument`` now: NotRegistered (no confirmed
    registration), NotOpen (missing, not yet open, or closed), AlreadyAnswered."""
    now = now or utcnow()
    if participant_id is None or not db.session.scalar(select(Registration.id).where(
            Registration.training_id == training.id, Registration.participant_id == participant_id,
            Registration.status == "confirmed")):
        raise NotRegistered(_l("Only the confirmed participants of this training can answer."))
    if instrument is None or not instrument.items:
        raise NotOpen(_l("This questionnaire is not available."))
    if instrument.opens_at is None or now < as_utc(instrument.opens_at):
        raise NotOpen(_l("This questionnaire is not open yet."))
    if not instrument.is_open(now):
        raise NotOpen(_l("This questionnaire is closed: answers are no longer taken."))
    if has_answered(instrument, participant_id):
        raise AlreadyAnswered(_l("You have already answered this questionnaire. Thank you!"))


def has_answered(instrument: Instrument, participant_id: int) -> bool:
    return db.session.get(Respondent, (instrument.id, participant_id)) is not None


def submit_answers(instrument: Instrument, training, participant_id: int | None, answers: dict, *, now=None) -> Response | None:
    """Record a participant's answers (``{question_id: GivenAnswer}``) to ``instrument`` and commit; return the
    response, or None for the anonymous reaction survey (filed in batches, ``anonymity``). Every
    question must be answered except open ones. Raises as ``check_can_answer``, or EvaluationError for a missing
    or impossible answer (its ``field`` is ``q<question_id>``); a second answer that races the first is refused
    too (the ``Respondent`` key)."""
    check_can_answer(instrument, training, participant_id, now=now)
    response = _add_response(instrument, participant_id, answers, require_all=True, source="online")
    _commit_once()
    return response


def enter_paper_answers(instrument: Instrument, training, sheets: dict, *, by_user) -> int:
    """Record paper answer sheets typed in by an officer, ``{participant_id: {question_id: GivenAnswer}}``, all or
    none, and commit; return how many. A blank answer counts as wrong. Raises EvaluationError for a person who is
    not a confirmed participant or has answered already."""
    if not sheets:
        raise EvaluationError(_l("Type in at least one answer sheet."))
    confirmed = set(db.session.scalars(select(Registration.participant_id).where(
        Registration.training_id == training.id, Registration.status == "confirmed")))
    for participant_id, answers in sheets.items():
        if participant_id not in confirmed:
            raise NotRegistered(_l("Only the confirmed participants of this training can answer."))
        if has_answered(instrument, participant_id):
            raise AlreadyAnswered(_("This person has answered already."))
        for question in instrument.questions:
            _check_answer(question, answers.get(question.id, GivenAnswer()), require_all=False)
    for participant_id, answers in sheets.items():
        response = _add_response(instrument, participant_id, answers, require_all=False, source="paper")
        if response is not None:  # not on an anonymous response: it would narrow down whose sheet it was
            response.entered_by_id = by_user.id
    audit.record(by_user, "evaluation.paper", instrument, f"{len(sheets)} paper answer sheets typed in ({instrument.kind})",
                 training_id=training.id, details={"kind": instrument.kind, "count": len(sheets)})
    _commit_once()
    return len(sheets)


def score_of(questions, answers: dict) -> float:
    """Share of ``questions`` answered exactly right (0..1): a multiple-choice question counts only when the
    choices are exactly the correct ones; a blank counts as wrong."""
    if not questions:
        return 0.0
    right = sum(1 for q in questions if frozenset(answers.get(q.id, GivenAnswer()).choices) == q.correct_set)
    return right / len(questions)


def _add_response(instrument, participant_id, answers, *, require_all, source) -> Response | None:
    """The response added to the session, or None for the anonymous reaction survey (filed by ``anonymity``)."""
    questions = instrument.questions
    for question in questions:
        _check_answer(question, answers.get(question.id, GivenAnswer()), require_all)
    given_answers = []
    for question in questions:
        given = answers.get(question.id, GivenAnswer())
        given_answers.append(Answer(
            question_id=question.id, choices=sorted(given.choices) if question.options else None, value=given.value,
            text=(given.text or "").strip()[:5000] or None,
            correct=(frozenset(given.choices) == question.correct_set) if question.correct else None))
    db.session.add(Respondent(instrument_id=instrument.id, participant_id=participant_id))
    if instrument.kind == "reaction":
        _flush_once()  # the Respondent key first: a second answer is refused before anything is filed
        anonymity.file_anonymous_response(instrument, given_answers, source=source, today=utcnow().date())
        return None
    response = Response(instrument_id=instrument.id, participant_id=participant_id, source=source,
                        submitted_on=utcnow().date(), answers=given_answers)
    if INSTRUMENT_BANK[instrument.kind] == "test":
        response.score = score_of(questions, answers)
    db.session.add(response)
    return response


def _check_answer(question, given: GivenAnswer, require_all: bool) -> None:
    field = f"q{question.id}"
    if given.empty:
        if require_all and question.kind != "text":
            raise EvaluationError(_l("Please answer this question."), field=field)
        return
    if question.kind in ("single", "true_false") and len(given.choices) > 1:
        raise EvaluationError(_l("Choose one answer."), field=field)
    if any(not 0 <= c < len(question.options) for c in given.choices):
        raise EvaluationError(_l("Choose one of the answers shown."), field=field)
    if question.kind == "likert" and given.value not in LIKERT_VALUES:
        raise EvaluationError(_l("Choose one of the answers shown."), field=field)


def _commit_once():
    _flush_once(db.session.commit)


def _flush_once(write=None):
    try:
        (write or db.session.flush)()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered(_l("You have already answered this questionnaire. Thank you!")) from None


def _give_items(instrument, training, question_ids) -> None:
    bank_name = INSTRUMENT_BANK[instrument.kind]
    if bank_name == "test":
        current = bank.bank_of(training.course, "test")
    else:
        current = bank.ensure_survey_items(training.course, bank_name)
    if question_ids is not None:
        if not question_ids:
            raise EvaluationError(_l("Choose at least one question."), field="question_ids")
        by_id = {q.id: q for q in current}
        if any(i not in by_id for i in question_ids):
            raise EvaluationError(_l("Choose questions of this course's bank."), field="question_ids")
        current = [by_id[i] for i in question_ids]
    if not current:
        raise EvaluationError(_l("The course's question bank has no questions yet: add some first."))
    for position, question in enumerate(current):
        instrument.items.append(InstrumentItem(question_id=question.id, position=position, question=question))


def _answer_count(instrument) -> int:
    return db.session.scalar(select(db.func.count()).select_from(Respondent).where(Respondent.instrument_id == instrument.id))


def follow_up_due_on(training, instrument: Instrument):
    """The day follow-up invitations go out: ``follow_up_months`` calendar months after the training's last day
    (the month's last day when it is shorter), or None for a training without dates."""
    end = training.end_date or training.start_date
    if end is None:
        return None
    years, month = divmod(end.month - 1 + instrument.follow_up_months, 12)
    year = end.year + years
    return end.replace(year=year, month=month + 1, day=min(end.day, monthrange(year, month + 1)[1]))
