"""The officer's forms for a training's questions, and the questions as fields of the registration and nomination
forms (``question_fields``, ``answers_of``)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import FlaskForm
from ..core.i18n import current_language, localized
from ..core.labels import QUESTION_KIND_LABELS as KIND_LABELS
from .models import QUESTION_KINDS
from .services import BUILTIN_QUESTIONS, choices_of

#: prefix of the registration form's question fields: "question_<id>"
FIELD_PREFIX = "question_"


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(kind, KIND_LABELS[kind]) for kind in QUESTION_KINDS])
    label = StringField(_l("Question (English)"), validators=[DataRequired(), Length(max=300)])
    label_ar = StringField(_l("Question (Arabic)"), validators=[Optional(), Length(max=300)])
    help = StringField(_l("Help (English)"), validators=[Optional(), Length(max=500)],
                       description=_l("Shown under the question, e.g. what to write or why it is asked."))
    help_ar = StringField(_l("Help (Arabic)"), validators=[Optional(), Length(max=500)])
    choices = TextAreaField(_l("Choices"), validators=[Optional(), Length(max=3000)],
                            description=_l("For a choice question: one choice a line, English | Arabic."))
    required = BooleanField(_l("An answer is required"))
    sensitive = BooleanField(_l("Sensitive (shown only to the training's officers, erased after the retention period)"))
    submit = SubmitField(_l("Add the question"))


class QuestionEditForm(QuestionForm):
    submit = SubmitField(_l("Save the question"))


class BuiltinQuestionsForm(FlaskForm):
    keys = SelectMultipleField(_l("Travel fields"), choices=[(key, spec[1]) for key, spec in BUILTIN_QUESTIONS.items()],
                               option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                               validators=[DataRequired(message=_l("Tick at least one field."))])
    add = SubmitField(_l("Add the fields"))


class RetentionForm(FlaskForm):
    days = IntegerField(_l("Erase sensitive answers this many days after the training ends"),
                        validators=[InputRequired(), NumberRange(min=0, max=3650)])
    save = SubmitField(_l("Save"))


def _field_for(question):
    label = localized(question, "label")
    help_text = localized(question, "help")  # the field's description: the line under it
    checks = [InputRequired(message=_l("Please answer this question."))] if question.required else [Optional()]
    if question.kind == "short_text":
        return StringField(label, validators=[*checks, Length(max=300)], description=help_text)
    if question.kind == "long_text":
        return TextAreaField(label, validators=[*checks, Length(max=2000)], description=help_text)
    if question.kind == "date":
        return DateField(label, validators=checks, description=help_text)
    if question.kind == "yes_no":
        return RadioField(label, choices=[("yes", _l("Yes")), ("no", _l("No"))], validators=checks, description=help_text)
    arabic_page = current_language() == "ar"
    choices = [(key, arabic if arabic and arabic_page else english) for key, english, arabic in choices_of(question)]
    if question.kind == "single_choice":
        return RadioField(label, choices=choices, validators=checks, description=help_text)
    return SelectMultipleField(label, choices=choices, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                               validators=[DataRequired(message=_l("Please answer this question."))] if question.required else [Optional()],
                               description=help_text)


def with_questions(form_class, questions):
    """A subclass of ``form_class`` with one field per question, named ``question_<id>``."""
    if not questions:
        return form_class
    fields = {f"{FIELD_PREFIX}{q.id}": _field_for(q) for q in questions}
    return type(form_class.__name__, (form_class,), fields)


def question_fields(form, questions) -> list:
    """The bound fields of ``questions`` in ``form``, in order (for the template)."""
    return [form[f"{FIELD_PREFIX}{q.id}"] for q in questions if f"{FIELD_PREFIX}{q.id}" in form]


def fill_answers(form, questions, stored: dict) -> None:
    """Put the ``stored`` answers ({question id: text}) back into the form's question fields (a form drawn again)."""
    for question in questions:
        value = stored.get(question.id)
        if value is None:
            continue
        field = form[f"{FIELD_PREFIX}{question.id}"]
        if question.kind == "multiple_choice":
            field.data = value.splitlines()
        elif question.kind == "date":
            try:
                field.data = date.fromisoformat(value)
            except ValueError:  # answered before the question asked for a date: shown as given, to answer again
                field.description = _l("Your earlier answer “%(answer)s” is not a date: please give the date.",
                                       answer=value)
        else:
            field.data = value


def answers_of(form, questions) -> dict:
    """{question id: the answer as stored text, or None} from a validated form."""
    answers = {}
    for question in questions:
        data = form[f"{FIELD_PREFIX}{question.id}"].data
        if question.kind == "multiple_choice":
            answers[question.id] = "\n".join(data or []) or None
        elif question.kind == "date":
            answers[question.id] = data.isoformat() if data else None
        else:
            answers[question.id] = data or None
    return answers
