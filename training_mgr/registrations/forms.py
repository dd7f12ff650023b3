from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from ..core.forms import ChoosesSheet, FlaskForm, Form
from ..core.labels import REGISTRATION_STATUS_LABELS, SEX_LABELS
from ..participants.forms import ARABIC_NAME_CHECKS, LATIN_NAME_CHECKS, name_missing, single_line
from ..participants.models import SEXES
from .listing import REGISTRATION_SORTS
from .models import REGISTRATION_STATUSES


def _status_choices(statuses, first=None):
    return ([first] if first else []) + [(s, REGISTRATION_STATUS_LABELS[s]) for s in statuses]


class RegistrationFilterForm(Form):
    """Search, filters and sorting of the registration list, read from the query string (nothing to protect)."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)], description=_l("Name in either script, or e-mail"))
    status = SelectField(_l("Status"), choices=_status_choices(REGISTRATION_STATUSES, ("", _l("All"))), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    sex = SelectField(_l("Sex"), choices=[("", _l("All"))] + [(s, SEX_LABELS[s]) for s in SEXES], validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=list(zip(REGISTRATION_SORTS, (_l("Name"), _l("Organisation"), _l("Status"), _l("Date registered")))), default="name")
    order = SelectField(_l("Order"), choices=[("asc", _l("Ascending")), ("desc", _l("Descending"))], default="asc")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # translated once per request, not again for every option each time a select is drawn
        for field in (self.status, self.sex, self.sort, self.order):
            field.choices = [(value, str(label)) for value, label in field.choices]


#: how an officer's addition is decided: "" lets the training's rules choose
ADD_STATUS_CHOICES = [("", _l("By the training's rules")), ("confirmed", _l("Confirmed")),
                      ("pending", _l("Pending")), ("waitlisted", _l("Waiting list"))]


class AddExistingParticipantForm(FlaskForm):
    participant_id = IntegerField(validators=[InputRequired()])
    status = SelectField(_l("Registration status"), choices=ADD_STATUS_CHOICES, validators=[Optional()])
    nominated_by = StringField(_l("Nominated by"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add to the training"))


class NewParticipantForm(FlaskForm):
    # at least one of the two names, each checked for its script: the rule of the public form
    name = StringField(_l("Name (Latin script)"), filters=[single_line], validators=list(LATIN_NAME_CHECKS))
    name_ar = StringField(_l("Name (Arabic script)"), filters=[single_line], validators=list(ARABIC_NAME_CHECKS))
    sex = SelectField(_l("Sex"), choices=[("", "—")] + [(s, SEX_LABELS[s]) for s in SEXES], validators=[DataRequired()])
    organisation_id = SelectField(_l("Organisation"), coerce=lambda v: int(v) if v else None, validators=[DataRequired()])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40), Regexp(r"^[0-9+()\-. ]*$", message=_l("Digits, spaces and + ( ) - . only."))])
    status = SelectField(_l("Registration status"), choices=ADD_STATUS_CHOICES, validators=[Optional()])
    nominated_by = StringField(_l("Nominated by"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Create and add"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return not name_missing(self, _l("Give the name in Latin letters, in Arabic script, or both.")) and valid


class StatusChangeForm(FlaskForm):
    status = SelectField(_l("New status"), choices=_status_choices(REGISTRATION_STATUSES), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)],
                           description=_l("Required to reject or withdraw; the participant is told."))
    #: shown once an approval was refused for a quota (``services.BeyondQuota``): the officer approves anyway
    beyond_quota = BooleanField(_l("Approve beyond the quota"), description=_l(
        "Only for this person. Give the reason above: it is kept in the audit log, and the participant is not told."))
    submit = SubmitField(_l("Change status"))


class BulkStatusForm(FlaskForm):
    """The list's action on the ticked registrations; ``confirm`` is set on the confirmation page."""

    status = SelectField(_l("With the selected"), choices=[
        ("confirmed", _l("Approve")), ("rejected", _l("Reject")), ("waitlisted", _l("Move to the waiting list")),
    ], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)],
                           description=_l("Required to reject; each participant is told."))
    confirm = HiddenField()
    submit = SubmitField(_l("Apply"))


class ImportUploadForm(ChoosesSheet, FlaskForm):
    file = FileField(_l("Nomination list (CSV or XLSX)"), validators=[FileRequired()])
    submit = SubmitField(_l("Preview"))


class ImportConfirmForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import all"))
