from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, RadioField, SelectField, StringField, SubmitField, TelField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import ChoosesSheet, FlaskForm
from ..participants.forms import person_name, phone_number, printable, single_line
from ..participants.models import SEXES


class InvitationForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=lambda v: int(v) if v else None,
                                  validators=[DataRequired(message=_l("Choose an organisation from the list."))])
    focal_point_name = StringField(_l("Focal point's name"), filters=[single_line],
                                   validators=[DataRequired(), Length(max=200), printable])
    focal_point_email = EmailField(_l("Focal point's e-mail"), filters=[single_line], validators=[
        DataRequired(), Length(max=254), Email(check_deliverability=False, message=_l("Type a valid e-mail address, e.g. name@example.org."))])
    seats = IntegerField(_l("Seats (quota)"), validators=[InputRequired(), NumberRange(min=1, max=10000)])
    deadline = DateField(_l("Deadline for nominations"), validators=[InputRequired()],
                         description=_l("The link works until the end of this day, in the training's time zone."))
    locale = SelectField(_l("Language of the e-mails"), choices=[("en", "English"), ("ar", "العربية")], default="en")
    submit = SubmitField(_l("Invite and send the link"))


class WomenTargetForm(FlaskForm):
    percent = IntegerField(_l("At least this share of women (%)"), validators=[Optional(), NumberRange(min=0, max=100)],
                           description=_l("Leave empty for no target."))
    submit = SubmitField(_l("Save the target"))


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (revoke, approve, remove)."""

    submit = SubmitField(_l("Confirm"))


class NomineeForm(FlaskForm):
    """An official, as a focal point nominates them, or as the nominee confirms their details."""

    name = StringField(_l("Full name in Latin letters"), filters=[single_line],
                       validators=[DataRequired(), Length(max=200), person_name])
    name_ar = StringField(_l("Full name in Arabic script"), filters=[single_line],
                          validators=[Optional(), Length(max=200), person_name])
    sex = RadioField(_l("Sex"), choices=[("female", _l("Female")), ("male", _l("Male"))], validate_choice=False,
                     validators=[DataRequired(message=_l("Please choose one."))])
    email = EmailField(_l("Email"), filters=[single_line], validators=[
        DataRequired(), Length(max=254), Email(check_deliverability=False, message=_l("Type a valid e-mail address, e.g. name@example.org."))])
    position = StringField(_l("Position or rank"), filters=[single_line], validators=[Optional(), Length(max=200), printable])
    phone = TelField(_l("Telephone"), filters=[single_line], validators=[Optional(), Length(max=40), phone_number])
    submit = SubmitField(_l("Nominate"))

    def validate_sex(self, field):
        if field.data not in SEXES:
            raise ValidationError(_l("Please choose one."))


class SpreadsheetForm(ChoosesSheet, FlaskForm):
    file = FileField(_l("Nomination spreadsheet (XLSX or CSV)"), validators=[FileRequired()])
    upload = SubmitField(_l("Nominate everyone in the file"))
