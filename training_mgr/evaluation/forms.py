from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import ChoosesSheet, FlaskForm, wall_clock_year
from .bank import LETTERS, MAX_OPTIONS, QuestionDetails
from .instruments import GivenAnswer

WINDOW_FORMAT = "%Y-%m-%dT%H:%M"
TEST_KIND_CHOICES = [("single", _l("Single choice")), ("multiple", _l("Multiple choice")), ("true_false", _l("True / false"))]
SURVEY_KIND_CHOICES = [("likert", _l("Agreement, 1 to 5")), ("text", _l("Open answer"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuestionForm(FlaskForm):
    """A question of a bank; the choices A–F in English and Arabic (blank ones are left out)."""

    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    text = TextAreaField(_l("Question (English)"), validators=[DataRequired(), Length(max=2000)])
    text_ar = TextAreaField(_l("Question (Arabic)"), validators=[Optional(), Length(max=2000)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=200)])
    correct = MultiCheckboxField(_l("Correct answer"), choices=[(str(i), LETTERS[i]) for i in range(MAX_OPTIONS)],
                                 validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, bank="test", **kwargs):
        super().__init__(*args, **kwargs)
        self.bank = bank
        self.kind.choices = TEST_KIND_CHOICES if bank == "test" else SURVEY_KIND_CHOICES

    def details(self) -> QuestionDetails:
        options = tuple((self[f"option_{i}"].data or "", self[f"option_{i}_ar"].data or "") for i in range(MAX_OPTIONS))
        return QuestionDetails(bank=self.bank, kind=self.kind.data, text=self.text.data, text_ar=self.text_ar.data,
                               options=options, correct=tuple(int(c) for c in self.correct.data or ()),
                               theme=self.theme.data)

    def fill_from(self, question) -> None:
        for i, option in enumerate(question.options or ()):
            self[f"option_{i}"].data = option.get("text")
            self[f"option_{i}_ar"].data = option.get("text_ar")
        self.correct.data = [str(i) for i in question.correct or ()]


for _index in range(MAX_OPTIONS):
    setattr(QuestionForm, f"option_{_index}", StringField(_l("Choice %(letter)s (English)", letter=LETTERS[_index]),
                                                          validators=[Optional(), Length(max=500)]))
    setattr(QuestionForm, f"option_{_index}_ar", StringField(_l("Choice %(letter)s (Arabic)", letter=LETTERS[_index]),
                                                             validators=[Optional(), Length(max=500)]))


class ImportForm(ChoosesSheet, FlaskForm):
    file = FileField(_l("XLSX file"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Import"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class InstrumentForm(FlaskForm):
    """When an instrument takes answers (in the training's local time) and, for a test, which questions."""

    opens_at = DateTimeLocalField(_l("Opens"), format=WINDOW_FORMAT, validators=[Optional(), wall_clock_year])
    closes_at = DateTimeLocalField(_l("Closes"), format=WINDOW_FORMAT, validators=[Optional(), wall_clock_year])
    follow_up_months = IntegerField(_l("Months after the training"), default=3,
                                    validators=[Optional(), NumberRange(min=1, max=24)])
    question_ids = MultiCheckboxField(_l("Questions"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening time."))


class AnswerForm(FlaskForm):
    """The CSRF token and button of a questionnaire; the answers are read by ``answers_from``."""

    submit = SubmitField(_l("Send my answers"))


def answers_from(formdata, questions) -> dict:
    """``{question_id: GivenAnswer}`` from a posted questionnaire: ``q<id>`` holds the chosen option indexes (or the
    1–5 value, or the open answer). Values that are not small whole numbers are dropped (the service then asks
    again); ``isdecimal``, not ``isdigit``: "²" or "①" are digits that ``int`` refuses."""
    def number(value):
        return int(value) if value.isdecimal() and len(value) <= 3 else None

    answers = {}
    for question in questions:
        raw = formdata.getlist(f"q{question.id}")
        if question.kind == "text":
            answers[question.id] = GivenAnswer(text=(raw[0] if raw else "")[:5000])
        elif question.kind == "likert":
            answers[question.id] = GivenAnswer(value=number(raw[0] if raw else ""))
        else:
            answers[question.id] = GivenAnswer(choices=tuple(sorted({n for n in map(number, raw) if n is not None})))
    return answers


def letters_to_answer(cell: str, question) -> GivenAnswer:
    """A paper grid cell ("A", "ac", "B, D", "T", "F"; blank) as an answer to ``question``; raises ValueError for
    a letter the question has no choice for."""
    cell = (cell or "").strip().upper().replace(",", "").replace(" ", "")
    if not cell:
        return GivenAnswer()
    if question.kind == "true_false":
        cell = {"T": "A", "F": "B", "ص": "A", "خ": "B"}.get(cell, cell)
    if any(c not in LETTERS[:len(question.options)] for c in cell):
        raise ValueError(cell)
    return GivenAnswer(choices=tuple(sorted({LETTERS.index(c) for c in cell})))
