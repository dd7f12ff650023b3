"""A training's registration questions: the officer's own and the built-in travel fields, the answers people give,
who may see the sensitive ones, and their erasure once the training's retention period is over."""
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select

from ..audit import services as audit
from ..bulk import services as bulk
from ..core.db import utcnow
from ..core.domain import DomainError
from ..core.i18n import join_parts
from ..extensions import db
from ..registrations.models import Registration
from ..trainings.models import TrainingSession
from .kinds import choices_of, fits, lock_questions
from .models import CHOICE_KINDS, QUESTION_KINDS, RegistrationAnswer, RegistrationQuestion

#: the built-in optional travel fields: key -> (kind, English label, Arabic label, sensitive by default)
BUILTIN_QUESTIONS = {
    "nationality": ("short_text", _l("Nationality"), "الجنسية", False),
    "date_of_birth": ("date", _l("Date of birth"), "تاريخ الميلاد", True),
    "passport_number": ("short_text", _l("Passport number"), "رقم جواز السفر", True),
    "passport_expiry": ("date", _l("Passport expiry date"), "تاريخ انتهاء جواز السفر", True),
    "arrival_date": ("date", _l("Arrival date"), "تاريخ الوصول", False),
    "arrival_flight": ("short_text", _l("Arrival flight"), "رحلة الوصول", False),
    "departure_date": ("date", _l("Departure date"), "تاريخ المغادرة", False),
    "departure_flight": ("short_text", _l("Departure flight"), "رحلة المغادرة", False),
    "dietary_needs": ("long_text", _l("Dietary needs"), "الاحتياجات الغذائية", False),
    "accessibility_needs": ("long_text", _l("Accessibility needs"), "احتياجات إمكانية الوصول", False),
}
MAX_CHOICES = 30


class QuestionError(DomainError):
    """A registration question rule refused the request; the message is shown to the user."""


@dataclass(frozen=True)
class QuestionDetails:
    """A question as an officer writes it (``add_question``, ``update_question``): ``kind`` one of
    ``models.QUESTION_KINDS``; ``label`` (English) required, ``label_ar`` optional; ``help``, ``help_ar`` a line under
    it on the form; ``choices`` one a line, "English | Arabic", for the choice kinds."""

    kind: str
    label: str
    label_ar: str | None = None
    choices: str | None = None
    required: bool = False
    sensitive: bool = False
    help: str | None = None
    help_ar: str | None = None

    @classmethod
    def from_form(cls, form) -> "QuestionDetails":
        return cls(kind=form.kind.data, label=form.label.data, label_ar=form.label_ar.data or None,
                   choices=form.choices.data or None, required=bool(form.required.data),
                   sensitive=bool(form.sensitive.data), help=form.help.data or None, help_ar=form.help_ar.data or None)

    @classmethod
    def of(cls, question) -> "QuestionDetails":
        return cls(kind=question.kind, label=question.label, label_ar=question.label_ar, choices=question.choices,
                   required=question.required, sensitive=question.sensitive, help=question.help,
                   help_ar=question.help_ar)

    def values(self) -> dict:
        """The columns of a question as stored: texts stripped (empty ones None), choices only for a choice kind."""
        def text(value):
            return (value or "").strip() or None
        return {"kind": self.kind, "label": text(self.label), "label_ar": text(self.label_ar),
                "help": text(self.help), "help_ar": text(self.help_ar), "required": bool(self.required),
                "sensitive": bool(self.sensitive), "choices": text(self.choices) if self.kind in CHOICE_KINDS else None}


def questions_of(training_or_id) -> list:
    """The training's questions in their order."""
    training_id = getattr(training_or_id, "id", training_or_id)
    return db.session.scalars(
        select(RegistrationQuestion).where(RegistrationQuestion.training_id == training_id)
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ).all()


def _next_position(training) -> int:
    return (db.session.scalar(select(func.max(RegistrationQuestion.position))
                              .where(RegistrationQuestion.training_id == training.id)) or 0) + 1


def _checked(details: QuestionDetails) -> dict:
    """``details.values()`` once the rules of any question hold; else ``QuestionError`` with its field: a known kind,
    the question written, and for a choice kind between 2 and ``MAX_CHOICES`` choices."""
    if details.kind not in QUESTION_KINDS:
        raise QuestionError(_("Choose a kind of question."), "kind")
    values = details.values()
    if not values["label"]:
        raise QuestionError(_("Write the question."), "label")
    if details.kind in CHOICE_KINDS:
        choices = choices_of(SimpleNamespace(**values))
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise QuestionError(_("Give between 2 and %(most)d choices, one a line.", most=MAX_CHOICES), "choices")
        if any(not english for _key, english, _arabic in choices):
            raise QuestionError(_("Every choice needs its English text (a line “|” or “| Arabic” is no choice)."),
                                "choices")
        english = [text.casefold() for _key, text, _arabic in choices]
        repeated = [text for number, (_key, text, _arabic) in enumerate(choices) if text.casefold() in english[:number]]
        if repeated:
            raise QuestionError(_("Each choice must differ from the others: “%(choice)s” is given twice.",
                                  choice=repeated[0]), "choices")
    return values


def add_question(training, details: QuestionDetails, *, by_user) -> RegistrationQuestion:
    """Add an officer's own question at the end of the form; commit. Raises ``QuestionError`` (with its field)
    for an unknown kind, or a choice question with fewer than two choices (or more than ``MAX_CHOICES``)."""
    question = RegistrationQuestion(training_id=training.id, position=_next_position(training), **_checked(details))
    db.session.add(question)
    audit.record(by_user, "question.add", question, f"Registration question added: {question.label} ({question.kind})"
                 + (", sensitive" if question.sensitive else ""), training_id=training.id,
                 details={"question": question.label, "question_ar": question.label_ar})
    db.session.commit()
    return question


def add_builtin_questions(training, keys, *, by_user) -> list:
    """Add those of the built-in travel fields ``keys`` (of ``BUILTIN_QUESTIONS``) not on the form yet, optional, sensitive
    as their default says; commit. Returns the questions added."""
    present = {q.builtin for q in questions_of(training)}
    added = []
    position = _next_position(training)
    for key in BUILTIN_QUESTIONS:  # in the form's usual order, whatever order they were ticked in
        if key not in keys or key in present:
            continue
        kind, label, label_ar, sensitive = BUILTIN_QUESTIONS[key]
        with force_locale("en"):  # the English label is stored, whatever language the officer reads
            label = str(label)
        question = RegistrationQuestion(training_id=training.id, position=position, kind=kind, builtin=key,
                                        label=label, label_ar=label_ar, sensitive=sensitive)
        position += 1
        db.session.add(question)
        added.append(question)
    if added:
        audit.record(by_user, "question.add_builtin", training,
                     "Travel fields added to the registration form: " + ", ".join(q.builtin for q in added),
                     details={"questions": [q.label for q in added], "questions_ar": [q.label_ar for q in added]})
        db.session.commit()
    return added


def answer_count(question) -> int:
    """How many registrations answered ``question``."""
    return db.session.scalar(select(func.count(RegistrationAnswer.id)).where(RegistrationAnswer.question_id == question.id))


def update_question(question, details: QuestionDetails, *, by_user) -> dict:
    """Save an officer's changes to a question (texts in both languages, help, required, sensitive, choices, kind);
    commit; return the changes ({column: [old, new]}, audited as ``question.update``; empty when nothing changed).

    Answers already given stay attached, and keep their meaning: they hold a choice by its place, a date or yes/no
    as such. So once anyone has answered, the kind is fixed, and the choices keep their places: each may be reworded
    where it stands and new ones added at the end, none removed or moved. A travel field always keeps its kind.
    Raises ``QuestionError`` with the field (``kind``, ``label``, ``choices``) for a change those rules refuse."""
    values = _checked(details)
    lock_questions([question.id], write=True)  # an answer arriving meanwhile is counted, not stored under a new kind
    answered = answer_count(question)
    if values["kind"] != question.kind and (answered or question.builtin):
        raise QuestionError(ngettext(
            "The kind cannot change: %(num)d person has answered this question. Add a new question instead.",
            "The kind cannot change: %(num)d people have answered this question. Add a new question instead.",
            answered) if answered else _("A travel field keeps its kind."), "kind")
    if answered and values["kind"] in CHOICE_KINDS and not _keeps_places(question, values["choices"]):
        raise QuestionError(_("People have answered with these choices: keep each in its place (you may reword it) "
                              "and add new ones at the end."), "choices")
    changes = audit.diff(question, tuple(values), values)  # applies them
    if changes:
        audit.record(by_user, "question.update", question, f"Registration question changed: {question.label}",
                     changes=changes, training_id=question.training_id,
                     details={"question": question.label, "question_ar": question.label_ar})
        db.session.commit()
    return changes


def _keeps_places(question, new_choices: str | None) -> bool:
    """Every choice of ``question`` is still there, none moved: as many or more lines, and no old choice's English
    text found at another place (a reworded one stays where it was)."""
    old = [english for _key, english, _arabic in choices_of(question)]
    new = [english for _key, english, _arabic in choices_of(SimpleNamespace(choices=new_choices))]
    return len(new) >= len(old) and all(new[i] == text or text not in new for i, text in enumerate(old))


def move_question(question, direction: str, *, by_user) -> bool:
    """Move a question one place ``"up"`` or ``"down"`` on the form (positions renumbered 1, 2 … in the current
    order); commit. Returns False, changing nothing, when it is already first or last."""
    questions = list(questions_of(question.training_id))
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(questions):
        return False
    questions[index], questions[other] = questions[other], questions[index]
    for position, each in enumerate(questions, start=1):
        each.position = position
    audit.record(by_user, "question.move", question, f"Registration question moved {direction}: {question.label}",
                 training_id=question.training_id, details={"question": question.label, "question_ar": question.label_ar})
    db.session.commit()
    return True


def remove_question(question, *, by_user) -> int:
    """Remove a question and every answer to it; commit. Returns how many answers went with it."""
    answers = db.session.scalar(select(func.count(RegistrationAnswer.id)).where(RegistrationAnswer.question_id == question.id))
    audit.record(by_user, "question.remove", question,
                 f"Registration question removed: {question.label} ({answers} answer(s) erased with it)",
                 training_id=question.training_id,
                 details={"question": question.label, "question_ar": question.label_ar, "count": answers})
    db.session.delete(question)
    db.session.commit()
    return answers


def set_retention(training, days: int, *, by_user) -> None:
    """Keep sensitive answers ``days`` after the training ends (0: erased the day after it ends); commit."""
    if days is None or days < 0 or days > 3650:
        raise QuestionError(_("Give a number of days between 0 and 3650."), "days")
    old = training.sensitive_retention_days
    if old == days:
        return
    training.sensitive_retention_days = days
    audit.record(by_user, "training.sensitive_retention", training,
                 f"Sensitive answers kept {days} day(s) after the training", changes={"sensitive_retention_days": [old, days]},
                 details={})
    db.session.commit()


# --- answers --------------------------------------------------------------------------------------

def save_answers(registration, answers: dict) -> None:
    """Store ``answers`` ({question id: text, "" or None for none}) of questions of the registration's training,
    replacing earlier ones, in the caller's transaction (the caller commits). Other questions' ids are ignored."""
    own = {q.id for q in questions_of(registration.training_id)}
    # the kind read again under a lock: an answer given to the form of a question whose kind changed meanwhile
    # (a text typed where a date is now asked) is not stored under the new kind
    current = lock_questions([question_id for question_id, value in answers.items()
                              if question_id in own and value not in (None, "")])
    stored = {a.question_id: a for a in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id))}
    for question_id, value in answers.items():
        if question_id not in own:
            continue
        existing = stored.get(question_id)
        if value not in (None, "") and (question_id not in current or not fits(*current[question_id], value)):
            value = None
        if value in (None, ""):
            if existing is not None:
                db.session.delete(existing)
        elif existing is not None:
            existing.value = value
        else:
            db.session.add(RegistrationAnswer(registration_id=registration.id, question_id=question_id, value=value))
    db.session.flush()


def stored_answers(registration) -> dict:
    """{question id: stored text} of the registration, for the person's own form (not an officer's view)."""
    return dict(db.session.execute(
        select(RegistrationAnswer.question_id, RegistrationAnswer.value)
        .where(RegistrationAnswer.registration_id == registration.id)).all())


def own_answers(registration) -> list[tuple[RegistrationQuestion, str]]:
    """[(question, answer as read)] of the registration's answers, for the person's own data export."""
    stored = stored_answers(registration)
    return [(q, answer_text(q, stored[q.id])) for q in questions_of(registration.training_id) if q.id in stored]


def record_answers(registration, answers: dict) -> None:
    """``save_answers`` and commit (the public form: after the registration's own commit)."""
    save_answers(registration, answers)
    db.session.commit()


@dataclass(frozen=True)
class ShownAnswer:
    question: RegistrationQuestion
    #: the answer as the reader sees it (choices by their labels), or None when not answered
    text: str | None


def answer_text(question, value: str | None, lang: str = "en") -> str | None:
    """An answer as people read it: choice labels in ``lang``, "Yes"/"No", the date or text as stored; never raises:
    a stored value that does not fit the question's kind (given before the kind changed) is shown as stored."""
    if value is None:
        return None
    if question.kind in CHOICE_KINDS:
        labels = {key: (arabic if lang == "ar" and arabic else english) for key, english, arabic in choices_of(question)}
        return join_parts((labels.get(key, key) for key in value.splitlines()), lang=lang)
    if question.kind == "yes_no" and value in ("yes", "no"):
        return str(_l("Yes")) if value == "yes" else str(_l("No"))
    return value  # a date, a text, or an answer stored before the kind changed: as stored


def answers_for(registration, *, with_sensitive: bool, by_user=None, lang: str = "en") -> list[ShownAnswer]:
    """The registration's answers to each question of its training, in order. Sensitive answers only
    ``with_sensitive`` (the caller checked the reader manages the training), and then the view is audited."""
    questions = questions_of(registration.training_id)
    values = dict(db.session.execute(
        select(RegistrationAnswer.question_id, RegistrationAnswer.value)
        .where(RegistrationAnswer.registration_id == registration.id)).all())
    shown = [ShownAnswer(q, answer_text(q, values.get(q.id), lang)) for q in questions if with_sensitive or not q.sensitive]
    sensitive_seen = [s.question.label for s in shown if s.question.sensitive and s.text is not None]
    if sensitive_seen:
        audit.record(by_user, "answers.view_sensitive", registration,
                     f"Sensitive answers of {registration.participant.name} viewed: " + ", ".join(sensitive_seen),
                     training_id=registration.training_id,
                     details={"name": registration.participant.name, "name_ar": registration.participant.name_ar})
        db.session.commit()
    return shown


def answers_table(training, *, with_sensitive: bool, by_user=None, lang: str = "en"):
    """(header, rows) of every registration's answers, for the export: name, e-mail, organisation, status, then one
    column per question; sensitive questions only ``with_sensitive``, and then the export is audited."""
    questions = [q for q in questions_of(training) if with_sensitive or not q.sensitive]
    registrations = db.session.scalars(
        select(Registration).where(Registration.training_id == training.id).order_by(Registration.id)).all()
    values = {(a.registration_id, a.question_id): a.value for a in db.session.scalars(
        select(RegistrationAnswer).join(Registration, Registration.id == RegistrationAnswer.registration_id)
        .where(Registration.training_id == training.id))}
    header = [str(_l("Name")), str(_l("Email")), str(_l("Organisation")), str(_l("Status"))] + [
        (q.label_ar if lang == "ar" and q.label_ar else q.label) for q in questions]
    rows = []
    for registration in registrations:
        participant = registration.participant
        organisation = participant.organisation.name if participant.organisation else (participant.organisation_other or "")
        rows.append([participant.name, participant.email, organisation, registration.status] + [
            answer_text(q, values.get((registration.id, q.id)), lang) or "" for q in questions])
    if with_sensitive and any(q.sensitive for q in questions):
        audit.record(by_user, "answers.export_sensitive", training,
                     f"Registration answers exported with the sensitive ones ({len(rows)} registrations)",
                     details={"count": len(rows)})
        db.session.commit()
    return header, rows


# --- erasure ------------------------------------------------------------------------------------

def forget_answers(participant, registration_ids, **_ignored) -> None:
    """The participant's details are being erased (``core.signals.participant_erased``): every answer of their
    registrations goes, and with them the files of their trainings' jobs that printed sensitive answers (the letters'
    ZIP: ``bulk.services.drop_sensitive_files``). In the erasure's transaction."""
    if registration_ids:
        db.session.execute(delete(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(registration_ids))
                           .execution_options(synchronize_session=False))
        bulk.drop_sensitive_files(select(Registration.training_id).where(Registration.id.in_(registration_ids)))

def sensitive_erasure_due(training, today: date) -> bool:
    """The training ended more than its ``sensitive_retention_days`` before ``today``."""
    return training.end_date is not None and today > training.end_date + timedelta(days=training.sensitive_retention_days)


def erase_expired_sensitive_answers(today: date | None = None) -> int:
    """Delete the answers to sensitive questions of every training whose retention period is over
    (``sensitive_erasure_due``), and the files of its jobs that printed them (the letters' ZIP:
    ``bulk.services.drop_sensitive_files``; also when the answers went earlier), one commit per training, audited.
    Returns how many answers were erased; running it again erases nothing more. Run daily by the scheduler
    (``tasks.erase_expired_sensitive_answers``)."""
    today = today or utcnow().date()
    with_answers = (select(RegistrationQuestion.training_id)
                    .join(RegistrationAnswer, RegistrationAnswer.question_id == RegistrationQuestion.id)
                    .where(RegistrationQuestion.sensitive.is_(True)))
    candidates = db.session.scalars(select(TrainingSession).where(or_(
        TrainingSession.id.in_(with_answers), TrainingSession.id.in_(bulk.trainings_with_sensitive_files())))).all()
    erased = 0
    for training in candidates:
        if not sensitive_erasure_due(training, today):
            continue
        sensitive = select(RegistrationQuestion.id).where(RegistrationQuestion.training_id == training.id,
                                                          RegistrationQuestion.sensitive.is_(True))
        count = db.session.execute(
            delete(RegistrationAnswer).where(RegistrationAnswer.question_id.in_(sensitive))
            .execution_options(synchronize_session=False)).rowcount
        days = training.sensitive_retention_days
        if count:
            audit.record(None, "answers.erase_sensitive", training,
                         f"{count} sensitive answer(s) erased, {days} days after the training ended",
                         details={"count": count, "days": days})
        files = bulk.drop_sensitive_files([training.id])
        if files:
            audit.record(None, "answers.erase_sensitive_files", training,
                         f"{files} job file(s) printing sensitive answers deleted, {days} days after the training ended",
                         details={"count": files, "days": days}, training_id=training.id)
        db.session.commit()
        erased += count
    return erased
