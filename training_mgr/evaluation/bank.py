"""A course's question bank: knowledge-test questions and the items of its two surveys, versioned.

Rule (the evaluation's "past results never change"): a question is never edited in place. Saving a changed
question adds a new version (same ``family_id``, ``version`` + 1) and marks the old one superseded; answers keep
pointing at the version that was asked. Instruments that nobody has answered yet move to the new version, so a
typo fixed before the test is fixed in the test too.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..audit import services as audit
from ..core.db import utcnow
from ..core.domain import DomainError
from ..core.i18n import join_parts
from ..extensions import db
from .models import BANKS, SURVEY_KINDS, TEST_KINDS, Instrument, InstrumentItem, Question, Respondent, Response

#: the most choices a question may offer (A to F)
MAX_OPTIONS = 6
LETTERS = "ABCDEF"
#: the two choices of a true/false question, in this order
TRUE_FALSE_OPTIONS = ({"text": "True", "text_ar": "صح"}, {"text": "False", "text_ar": "خطأ"})

#: the reaction survey's default items (Likert 1–5, then open comments), English and Arabic
DEFAULT_REACTION_ITEMS = (
    ("likert", "The training was relevant to my work.", "كان التدريب ذا صلة بعملي."),
    ("likert", "The content was clear and useful.", "كان المحتوى واضحًا ومفيدًا."),
    ("likert", "The facilitators were knowledgeable and engaging.", "كان الميسّرون على دراية ومتفاعلين."),
    ("likert", "The training was well organised.", "كان التدريب منظمًا تنظيمًا جيدًا."),
    ("likert", "I am likely to apply what I learned.", "من المرجح أن أطبق ما تعلمته."),
    ("text", "Comments and suggestions", "ملاحظات واقتراحات"),
)
#: the follow-up survey's default items: how the participant used what they learned
DEFAULT_FOLLOW_UP_ITEMS = (
    ("likert", "I have used what I learned in my daily work.", "استخدمت ما تعلمته في عملي اليومي."),
    ("likert", "What I learned changed how my unit handles people at the border.",
     "غيّر ما تعلمته طريقة تعامل وحدتي مع الأشخاص على الحدود."),
    ("likert", "I have shared what I learned with colleagues.", "شاركت ما تعلمته مع زملائي."),
    ("text", "Give an example of how you used it, or what stopped you.", "اذكر مثالًا على كيفية استخدامه، أو ما منعك من ذلك."),
)
DEFAULT_ITEMS = {"reaction": DEFAULT_REACTION_ITEMS, "follow_up": DEFAULT_FOLLOW_UP_ITEMS}


class QuestionError(DomainError):
    """A question or an import was refused; the message is shown to the user."""


@dataclass(frozen=True)
class QuestionDetails:
    """What an officer writes on a question.

    - ``bank``: one of ``BANKS`` ("test", "reaction", "follow_up")
    - ``kind``: "single", "multiple" or "true_false" in the test bank; "likert" or "text" in a survey bank
    - ``text`` (required), ``text_ar``: the question in English and Arabic
    - ``options``: the choices, ``((text, text_ar), …)``, 2 to 6 for single and multiple choice (ignored for the
      other kinds: true/false has its two fixed choices)
    - ``correct``: indexes into ``options`` of the correct choices (exactly one for single choice and
      true/false, at least one for multiple choice; none for survey items)
    - ``theme``: an optional short label (e.g. "Refugee law")
    """

    bank: str
    kind: str
    text: str | None
    text_ar: str | None = None
    options: tuple = ()
    correct: tuple = ()
    theme: str | None = None

    @classmethod
    def of(cls, question: Question) -> "QuestionDetails":
        options = tuple((o.get("text") or "", o.get("text_ar") or "") for o in question.options or ())
        return cls(bank=question.bank, kind=question.kind, text=question.text, text_ar=question.text_ar,
                   options=options, correct=tuple(question.correct or ()), theme=question.theme)


@dataclass
class ImportResult:
    """What an import would add, or every bad row: ``errors`` is ``[(line, message), …]``."""

    questions: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def bank_of(course, bank: str = "test") -> list[Question]:
    """The current questions (latest versions, not retired) of ``course``'s ``bank``, in order (one query)."""
    return db.session.scalars(
        select(Question).where(Question.course_id == course.id, Question.bank == bank,
                               Question.superseded_at.is_(None), Question.retired_at.is_(None))
        .order_by(Question.position, Question.id)
    ).all()


def create_question(course, details: QuestionDetails, *, by_user) -> Question:
    """Add a question at the end of ``course``'s bank and commit; audited as ``question.create``.
    Raises QuestionError when ``details`` break a rule of ``QuestionDetails``."""
    question = new_question(course, _checked(details), by_user)
    audit.record(by_user, "question.create", question, f"Question added: {_short(question.text)}",
                 details={"question": _short(question.text), "question_ar": _short(question.text_ar or "")})
    db.session.commit()
    return question


def update_question(question: Question, details: QuestionDetails, *, by_user) -> Question:
    """Save ``details`` as a new version of ``question`` (the old one is kept for the answers given to it) and
    commit; return the new version, or ``question`` itself when nothing changed. Instruments nobody has answered
    ask the new version from now on. Raises QuestionError as ``create_question``, or when ``question`` is not
    the current version."""
    if not question.current:
        raise QuestionError(_l("This question has been replaced or removed; edit its latest version."))
    values = _checked(details)
    if values["bank"] != question.bank:
        raise QuestionError(_l("A question stays in its bank."))
    if all(getattr(question, name) == value for name, value in values.items()):
        return question
    now = utcnow()
    new = Question(course_id=question.course_id, family_id=question.family_id, version=question.version + 1,
                   position=question.position, created_by_id=by_user.id, **values)
    db.session.add(new)
    question.superseded_at = now
    db.session.flush()
    _move_unanswered_instruments(question.id, new.id)
    audit.record(by_user, "question.update", new, f"Question edited (version {new.version}): {_short(new.text)}",
                 details={"question": _short(new.text), "question_ar": _short(new.text_ar or "")})
    db.session.commit()
    return new


def retire_question(question: Question, *, by_user) -> None:
    """Take ``question`` out of its bank and of the instruments nobody has answered yet; commit. Answers already
    given to it stay, and so do the results."""
    if not question.current:
        raise QuestionError(_l("This question has been replaced or removed already."))
    question.retired_at = utcnow()
    unanswered = _unanswered_instrument_ids()
    db.session.execute(InstrumentItem.__table__.delete().where(
        InstrumentItem.question_id == question.id, InstrumentItem.instrument_id.in_(unanswered)))
    audit.record(by_user, "question.retire", question, f"Question removed: {_short(question.text)}",
                 details={"question": _short(question.text), "question_ar": _short(question.text_ar or "")})
    db.session.commit()


def ensure_survey_items(course, bank: str, *, by_user=None) -> list[Question]:
    """The current items of ``course``'s survey ``bank`` ("reaction" or "follow_up"); when it has none, the
    default items (``DEFAULT_ITEMS``) are added to it first (flushed, not committed: the caller commits)."""
    items = bank_of(course, bank)
    if items:
        return items
    for kind, text, text_ar in DEFAULT_ITEMS[bank]:
        new_question(course, {"bank": bank, "kind": kind, "text": text, "text_ar": text_ar, "options": [],
                               "correct": None, "theme": None}, by_user)
    return bank_of(course, bank)


def add_default_survey_items(course, bank: str, *, by_user) -> int:
    """Give an empty survey bank its default items and commit; return how many the bank holds."""
    items = ensure_survey_items(course, bank, by_user=by_user)
    db.session.commit()
    return len(items)


# --- XLSX import ---------------------------------------------------------------------------------

#: the columns of an import, in the template's order; option columns are A…F and A_ar…F_ar
IMPORT_COLUMNS = ("kind", "theme", "question", "question_ar",
                  *[f"{letter}{suffix}" for letter in LETTERS for suffix in ("", "_ar")], "correct")
_KIND_WORDS = {"single": "single", "single choice": "single", "multiple": "multiple", "multiple choice": "multiple",
               "true_false": "true_false", "true/false": "true_false", "true false": "true_false"}
_TRUE_FALSE_WORDS = {"true": 0, "t": 0, "a": 0, "صح": 0, "false": 1, "f": 1, "b": 1, "خطأ": 1}


#: the title of the template's sheet, read first in a workbook of several
IMPORT_SHEET = "Questions"


def import_questions(course, filename: str, data: bytes, *, max_bytes: int, by_user, sheet: str | None = None) -> int:
    """Add the knowledge-test questions of an XLSX sheet (``IMPORT_COLUMNS``; the ``sheet`` the user chose, else the
    one titled ``IMPORT_SHEET``) to ``course``'s bank and commit; return how many. All or nothing: when any row is
    bad, nothing is added and QuestionError lists every bad row ("Row 4: …; Row 7: …"). Raises the nomination
    import's errors for a file that is not a readable XLSX or whose sheet must be chosen (``sheets``)."""
    from ..registrations.importing import check_upload, read_rows

    if check_upload(filename, data, max_bytes) != "xlsx":
        raise QuestionError(_l("Please upload an XLSX spreadsheet."), field="file")
    header, rows = read_rows("xlsx", data, preferred=IMPORT_SHEET, sheet=sheet, subject="questions")
    result = parse_rows(header, rows)
    if result.errors:
        raise QuestionError(join_parts((_("Row %(line)s: %(error)s", line=line, error=error)
                                        for line, error in result.errors), ";"), field="file")
    for values in result.questions:
        new_question(course, values, by_user)
    audit.record(by_user, "question.import", course, f"{len(result.questions)} questions imported from {filename}",
                 details={"count": len(result.questions), "filename": filename})
    db.session.commit()
    return len(result.questions)


def parse_rows(header, rows) -> ImportResult:
    """Check every row of an import; the questions' values, or every bad row with its reason."""
    columns = [str(h or "").strip().lower().replace(" ", "_") for h in header]
    result = ImportResult()
    if "question" not in columns or "kind" not in columns or "correct" not in columns:
        result.errors.append((1, _("The first row must name the columns: %(columns)s.", columns=join_parts(IMPORT_COLUMNS))))
        return result
    for line, cells in rows:
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns)}
        kind = _KIND_WORDS.get((row.get("kind") or "").strip().lower())
        if kind is None:
            result.errors.append((line, _("unknown kind “%(kind)s” (single, multiple or true/false).", kind=row.get("kind", ""))))
            continue
        options = [(row.get(letter.lower()) or row.get(letter) or "", row.get(f"{letter.lower()}_ar") or "")
                   for letter in LETTERS]
        while options and not any(options[-1]):
            options.pop()
        try:
            correct = _correct_indexes(kind, row.get("correct") or "")
            result.questions.append(_checked(QuestionDetails(
                bank="test", kind=kind, text=row.get("question"), text_ar=row.get("question_ar"),
                options=tuple(options), correct=correct, theme=row.get("theme"))))
        except QuestionError as error:
            result.errors.append((line, str(error)))
    if not result.errors and not result.questions:
        result.errors.append((1, _("The sheet holds no questions.")))
    return result


def template_xlsx() -> bytes:
    """An empty import sheet with its header row and one example question."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = IMPORT_SHEET
    sheet.append(list(IMPORT_COLUMNS))
    example = {"kind": "single", "theme": "Refugee law", "question": "Who may claim asylum at a border?",
               "question_ar": "من يحق له طلب اللجوء على الحدود؟", "A": "Anyone", "A_ar": "أي شخص",
               "B": "Only holders of a visa", "B_ar": "حاملو التأشيرة فقط", "correct": "A"}
    sheet.append([example.get(column, "") for column in IMPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _correct_indexes(kind: str, cell: str) -> tuple:
    cell = cell.strip()
    if kind == "true_false":
        if cell.lower() not in _TRUE_FALSE_WORDS:
            raise QuestionError(_l("the correct answer of a true/false question is True or False."))
        return (_TRUE_FALSE_WORDS[cell.lower()],)
    letters = [part for part in cell.upper().replace(",", " ").replace(";", " ").split() if part] or list(cell.upper())
    letters = [c for part in letters for c in part]
    if not letters or any(c not in LETTERS for c in letters):
        raise QuestionError(_l("write the correct answer as the letters of its choices (A to F), e.g. “B” or “A, C”."))
    return tuple(sorted({LETTERS.index(c) for c in letters}))


# --- rules ---------------------------------------------------------------------------------------

def _checked(details: QuestionDetails) -> dict:
    text = (details.text or "").strip()
    text_ar = (details.text_ar or "").strip() or None
    theme = (details.theme or "").strip() or None
    if details.bank not in BANKS:
        raise QuestionError(_l("Unknown question bank."))
    allowed = TEST_KINDS if details.bank == "test" else SURVEY_KINDS
    if details.kind not in allowed:
        raise QuestionError(_l("This kind of question does not belong in this bank."), field="kind")
    if not text:
        raise QuestionError(_l("Please write the question."), field="text")
    if len(text) > 2000 or len(text_ar or "") > 2000 or len(theme or "") > 200:
        raise QuestionError(_l("The question is too long."), field="text")
    options, correct = [], None
    if details.kind in ("single", "multiple"):
        options = [{"text": (en or "").strip(), "text_ar": (ar or "").strip() or None}
                   for en, ar in details.options if (en or "").strip() or (ar or "").strip()]
        if len(options) < 2:
            raise QuestionError(_l("Give at least two choices."), field="options")
        if len(options) > MAX_OPTIONS:
            raise QuestionError(_l("Give at most six choices."), field="options")
        if any(not o["text"] for o in options):
            raise QuestionError(_l("Every choice needs its English text."), field="options")
    elif details.kind == "true_false":
        options = [dict(o) for o in TRUE_FALSE_OPTIONS]
    if details.bank == "test":
        correct = sorted(set(details.correct or ()))
        if any(not isinstance(i, int) or not 0 <= i < len(options) for i in correct):
            raise QuestionError(_l("The correct answer must be one of the choices."), field="correct")
        if not correct:
            raise QuestionError(_l("Mark the correct answer."), field="correct")
        if details.kind != "multiple" and len(correct) != 1:
            raise QuestionError(_l("This kind of question has exactly one correct answer."), field="correct")
    return {"bank": details.bank, "kind": details.kind, "text": text, "text_ar": text_ar,
            "options": options, "correct": correct, "theme": theme}


def new_question(course, values: dict, by_user) -> Question:
    """Add a question with checked ``values`` (``_checked``) at the end of its bank; flushed, not committed (for
    the seeds, which commit once)."""
    last = db.session.scalar(select(func.max(Question.position)).where(Question.course_id == course.id,
                                                                       Question.bank == values["bank"]))
    question = Question(course_id=course.id, version=1, position=(last or 0) + 1,
                        created_by_id=getattr(by_user, "id", None), **values)
    db.session.add(question)
    db.session.flush()
    question.family_id = question.id
    return question


def _unanswered_instrument_ids():
    return select(Instrument.id).where(
        ~Instrument.id.in_(select(Response.instrument_id)), ~Instrument.id.in_(select(Respondent.instrument_id)))


def _move_unanswered_instruments(old_id: int, new_id: int) -> None:
    db.session.execute(update(InstrumentItem).where(
        InstrumentItem.question_id == old_id, InstrumentItem.instrument_id.in_(_unanswered_instrument_ids())
    ).values(question_id=new_id))


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
