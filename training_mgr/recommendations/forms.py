from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import FlaskForm, Form
from ..core.labels import RECOMMENDATION_STATUS_LABELS
from .models import RECOMMENDATION_STATUSES

STATUS_CHOICES = [(s, RECOMMENDATION_STATUS_LABELS[s]) for s in RECOMMENDATION_STATUSES]


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class RecommendationForm(FlaskForm):
    text = TextAreaField(_l("Recommendation (English)"), validators=[DataRequired(), Length(max=5000)])
    text_ar = TextAreaField(_l("Recommendation (Arabic)"), validators=[Optional(), Length(max=5000)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=200)])
    responsible_organisation_id = SelectField(_l("Responsible organisation"), coerce=_optional_id, validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="proposed", validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class FollowUpForm(FlaskForm):
    date = DateField(_l("Date"), validators=[InputRequired()], default=date.today)
    status = SelectField(_l("Status after this follow-up"), choices=STATUS_CHOICES, validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Add follow-up"))

    def validate_date(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("A follow-up cannot be dated in the future."))


class TrackerFilterForm(Form):
    """Filters of the recommendations tracker, read from the query string."""

    status = SelectField(_l("Status"), choices=[("", _l("All"))] + STATUS_CHOICES, validators=[Optional()])
    organisation = SelectField(_l("Responsible organisation"), coerce=_optional_id, validators=[Optional()])
    training = SelectField(_l("Training"), coerce=_optional_id, validators=[Optional()])
    overdue = SelectField(_l("Due"), choices=[("", _l("All")), ("1", _l("Overdue only"))], validators=[Optional()])
