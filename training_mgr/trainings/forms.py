from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField,
    SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import FlaskForm, country_choices, optional_int, strip, timezone_choices, wall_clock_year
from ..core.i18n import localized
from ..core.labels import CONFIRMATION_MODE_LABELS, LANGUAGE_LABELS
from ..organisations.forms import organisation_options

AR = {"dir": "rtl", "lang": "ar"}
WINDOW_FORMAT = "%Y-%m-%dT%H:%M"


def detail_form_options() -> dict:
    """The choices a ``TrainingForm`` (or ``NewTrainingForm``) is made with: countries and time zones."""
    return {"countries": country_choices(_("No country")), "timezones": timezone_choices()}


class TrainingForm(FlaskForm):
    """A training's main fields. The registration window is typed in the training's time zone."""

    title = StringField(_l("Title (English)"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    title_ar = StringField(_l("Title (Arabic)"), filters=[strip], validators=[Optional(), Length(max=300)],
                           render_kw=AR)
    start_date = DateField(_l("First day"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    venue = StringField(_l("Venue (English)"), filters=[strip], validators=[Optional(), Length(max=200)])
    venue_ar = StringField(_l("Venue (Arabic)"), filters=[strip], validators=[Optional(), Length(max=200)],
                           render_kw=AR)
    city = StringField(_l("City (English)"), filters=[strip], validators=[Optional(), Length(max=100)])
    city_ar = StringField(_l("City (Arabic)"), filters=[strip], validators=[Optional(), Length(max=100)],
                          render_kw=AR)
    country = SelectField(_l("Country"), choices=[])
    language = SelectField(_l("Language of delivery"), choices=list(LANGUAGE_LABELS.items()), default="en_ar")
    timezone = SelectField(_l("Time zone"), choices=[], default="Asia/Baghdad")
    capacity = IntegerField(_l("Capacity (seats)"), validators=[Optional(), NumberRange(min=1, max=100000)])
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format=WINDOW_FORMAT,
                                               validators=[Optional(), wall_clock_year])
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), format=WINDOW_FORMAT,
                                                validators=[Optional(), wall_clock_year])
    late_registration = BooleanField(_l("Late registration"),
                                     description=_l("Registration stays open until the last day instead of closing "
                                                    "when the training starts."))
    confirmation_mode = SelectField(_l("Confirmation of registrations"),
                                    choices=list(CONFIRMATION_MODE_LABELS.items()), default="automatic")
    notes = TextAreaField(_l("Notes for officers"), filters=[strip], validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, countries=(), timezones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = list(countries)
        self.timezone.choices = list(timezones)


class NewTrainingForm(TrainingForm):
    course_id = SelectField(_l("Course"), coerce=optional_int, choices=[],
                            validators=[DataRequired(message=_l("Choose a course."))])
    title = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), Length(max=300)],
                        description=_l("Leave empty to use the course's title."))
    end_date = DateField(_l("Last day"), validators=[Optional()],
                         description=_l("Leave empty to use the course's default length."))
    submit = SubmitField(_l("Create training"))

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = [(None, "—")] + [(c.id, localized(c, "title")) for c in courses]


class DayForm(FlaskForm):
    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date of the day."))])
    title = StringField(_l("Agenda line"), filters=[strip], validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add day"))


class DayTitleForm(FlaskForm):
    title = StringField(_l("Agenda line"), filters=[strip], validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class OrganisersForm(FlaskForm):
    host_id = SelectField(_l("Host"), coerce=optional_int, choices=[])
    co_organiser_ids = SelectMultipleField(
        _l("Co-organisers"), coerce=int, choices=[],
        description=_l("Hold Ctrl (or ⌘) to choose several."), render_kw={"size": 10},
    )
    submit = SubmitField(_l("Save organisers"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.host_id.choices = organisation_options(organisations, blank="—")
        self.co_organiser_ids.choices = organisation_options(organisations)


class QuotaForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=optional_int, choices=[],
                                  validators=[DataRequired(message=_l("Choose an organisation."))])
    max_seats = IntegerField(_l("Seats at most"), validators=[InputRequired(), NumberRange(min=0, max=100000)])
    submit = SubmitField(_l("Set quota"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_options(organisations, blank="—")


class CertificateRuleForm(FlaskForm):
    cert_min_attendance = IntegerField(_l("Attendance needed (percentage of days)"),
                                       validators=[InputRequired(), NumberRange(min=0, max=100)])
    cert_late_counts = BooleanField(_l("A late arrival counts as attended"))
    cert_excused_excluded = BooleanField(_l("Excused days are left out of the count"))
    submit = SubmitField(_l("Save rule"))


class SignatoryForm(FlaskForm):
    name = StringField(_l("Name (English)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(_l("Name (Arabic)"), filters=[strip], validators=[Optional(), Length(max=200)],
                          render_kw=AR)
    title = StringField(_l("Title (English)"), filters=[strip], validators=[Optional(), Length(max=200)],
                        description=_l("e.g. Chief of Mission"))
    title_ar = StringField(_l("Title (Arabic)"), filters=[strip], validators=[Optional(), Length(max=200)],
                           render_kw=AR)
    signature = FileField(_l("Signature image"), description=_l("PNG or JPEG, at most 1 MB."),
                          render_kw={"accept": "image/png,image/jpeg"})
    remove_signature = BooleanField(_l("Remove the current signature image"))
    submit = SubmitField(_l("Save signatory"))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason for cancelling"), filters=[strip],
                           validators=[DataRequired(message=_l("Give the reason for cancelling.")), Length(max=2000)],
                           description=_l("Registered participants are told that the training is cancelled."))
    submit = SubmitField(_l("Cancel the training"))
