"""The forms of official letters: a training's letter settings, and an organisation's letterhead."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import FlaskForm
from ..core.i18n import join_parts, localized


class LetterSettingsForm(FlaskForm):
    reference_prefix = StringField(_l("Reference prefix"), validators=[DataRequired(), Length(max=40)],
                                   description=_l('Each letter\'s reference is the prefix, the kind and a number, '
                                                  'e.g. "IOM/IQ/2027/INV/12".'))
    letter_date = DateField(_l("Date of the letters"), validators=[Optional()],
                            description=_l("Leave empty to date each letter the day it is made."))
    signatory_id = SelectField(_l("Signed by"), coerce=int, default=0)
    submit = SubmitField(_l("Save"))

    def set_choices(self, training, language):
        self.signatory_id.choices = [(0, _l("No signature"))] + [
            (s.id, join_parts([localized(s, "name", language), localized(s, "title", language)], lang=language))
            for s in training.signatories]


class LetterheadForm(FlaskForm):
    logo = FileField(_l("Logo"), description=_l("PNG or JPEG image."))
    remove_logo = BooleanField(_l("Remove the current logo"))
    address = TextAreaField(_l("Address (English)"), validators=[Optional(), Length(max=500)])
    address_ar = TextAreaField(_l("Address (Arabic)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class PrepareLettersForm(FlaskForm):
    submit = SubmitField(_l("Prepare all letters (ZIP)"))
