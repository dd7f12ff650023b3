"""The officer's forms: the reminder schedule and a message to a filtered set; a participant's opt-out choice."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import FlaskForm
from ..core.i18n import localized
from ..core.labels import REGISTRATION_STATUS_LABELS, SEX_LABELS
from ..registrations.models import REGISTRATION_STATUSES
from .services import MAX_REMINDER_DAYS


class ReminderForm(FlaskForm):
    enabled = BooleanField(_l("Send a reminder to confirmed participants before the training"))
    reminder_days = IntegerField(_l("Days before the first day"), default=3,
                                 validators=[Optional(), NumberRange(min=0, max=MAX_REMINDER_DAYS)])
    submit = SubmitField(_l("Save reminder"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.enabled.data and self.reminder_days.data is None:  # Optional() stops the field's own checks
            self.reminder_days.errors = [_l("Give the number of days.")]
            return False
        return valid


class MessageForm(FlaskForm):
    statuses = SelectMultipleField(
        _l("Registration status"), default=["confirmed"], validators=[DataRequired(_l("Choose at least one status."))],
        choices=[(s, REGISTRATION_STATUS_LABELS[s]) for s in REGISTRATION_STATUSES],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    organisation_id = SelectField(_l("Organisation"), coerce=int, default=0)
    sex = SelectField(_l("Sex"), choices=[("", _l("Any"))] + list(SEX_LABELS.items()), default="")
    subject = StringField(_l("Subject (English)"), validators=[InputRequired(), Length(max=200)])
    body = TextAreaField(_l("Message (English)"), validators=[InputRequired(), Length(max=10000)])
    subject_ar = StringField(_l("Subject (Arabic)"), validators=[InputRequired(), Length(max=200)])
    body_ar = TextAreaField(_l("Message (Arabic)"), validators=[InputRequired(), Length(max=10000)])
    essential = BooleanField(_l("Essential: practical information about the training, sent also to people who "
                                "opted out of other messages"))
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send"))

    def set_organisation_choices(self, organisations, language):
        self.organisation_id.choices = [(0, _l("Any"))] + [(o.id, localized(o, "name", language)) for o in organisations]


class OptOutForm(FlaskForm):
    opted_out = BooleanField(_l("Send me no reminders, certificate notices, questionnaire links or other "
                                "non-essential messages"))
    submit = SubmitField(_l("Save"))


class ConfirmOptOutForm(FlaskForm):
    submit = SubmitField(_l("Stop these messages"))
