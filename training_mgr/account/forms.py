from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.forms import FlaskForm, strip
from ..core.i18n import language_name
from ..participants.forms import ParticipantDetailsForm


class ProfileForm(ParticipantDetailsForm):
    locale = SelectField(_l("Language for e-mails and pages"), validate_choice=False)
    submit = SubmitField(_l("Save my profile"))

    def set_language_choices(self):
        self.locale.choices = [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]

    def validate_locale(self, field):
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Choose a language from the list."))


class ApiTokenForm(FlaskForm):
    """A new read-API token: a name to tell it apart, and when it stops working."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip],
                       description=_l("What will use it, e.g. “Donor dashboard”."))
    lifetime = SelectField(
        _l("Expires"), default="90",
        choices=[("30", _l("in 30 days")), ("90", _l("in 90 days")), ("365", _l("in a year")),
                 ("date", _l("on a date I choose"))],
    )
    expires_on = DateField(_l("Expiry date"), validators=[Optional()],
                           description=_l("Only with “on a date I choose”: the token works until the end of that day (UTC)."))
    submit = SubmitField(_l("Create the token"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Optional() stops the field's own validators when it is empty, so the date is asked for here
        if self.lifetime.data == "date" and self.expires_on.data is None and not self.expires_on.errors:
            self.expires_on.errors = [_l("Choose the date the token stops working.")]
            return False
        return valid

    def expiry(self) -> dict:
        """The service's arguments: ``days_valid`` or ``expires_on``."""
        if self.lifetime.data == "date":
            return {"days_valid": None, "expires_on": self.expires_on.data}
        return {"days_valid": int(self.lifetime.data), "expires_on": None}


class ConfirmForm(FlaskForm):
    """A confirmation page's one button (and its CSRF token)."""

    submit = SubmitField(_l("Confirm"))
