from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

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
