"""The officer's forms for a training's agenda: a slot, a facilitator, a material."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..core.forms import FlaskForm
from ..core.i18n import fmt_date, localized


class SlotForm(FlaskForm):
    day_id = SelectField(_l("Day"), coerce=int, validators=[InputRequired()])
    starts_at = TimeField(_l("Start"), validators=[InputRequired()])
    ends_at = TimeField(_l("End"), validators=[InputRequired()])
    title = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    title_ar = StringField(_l("Title (Arabic)"), validators=[Optional(), Length(max=200)])
    facilitator_id = SelectField(_l("Facilitator"), coerce=int, default=0)
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Add slot"))

    def set_choices(self, training, facilitators, language):
        self.day_id.choices = [(day.id, fmt_date(day.date, "full")) for day in sorted(training.days, key=lambda d: d.date)]
        self.facilitator_id.choices = [(0, _l("None"))] + [(f.id, localized(f, "name", language)) for f in facilitators]


class FacilitatorForm(FlaskForm):
    name = StringField(_l("Name (Latin script)"), validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(_l("Name (Arabic script)"), validators=[Optional(), Length(max=200)])
    title = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)],
                        description=_l("Their position, e.g. Senior Legal Officer."))
    title_ar = StringField(_l("Title (Arabic)"), validators=[Optional(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, default=0)
    email = EmailField(_l("Email"), validators=[
        Optional(), Length(max=254),
        Email(check_deliverability=False, message=_l("Type a valid e-mail address, e.g. name@example.org."))],
        description=_l("For the officers only; never shown to participants."))
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Add facilitator"))

    def set_choices(self, organisations, language):
        self.organisation_id.choices = [(0, _l("None"))] + [(o.id, localized(o, "name", language)) for o in organisations]


class FacilitatorEditForm(FacilitatorForm):
    submit = SubmitField(_l("Save the facilitator"))


class MaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    file = FileField(_l("File"))
    url = StringField(_l("or a link"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Attach"))
