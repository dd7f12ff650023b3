from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from ..core.forms import FlaskForm
from ..participants.forms import ARABIC_DIGITS, single_line


class EraseParticipantForm(FlaskForm):
    """Typing the person's number confirms an erasure: it cannot be undone, and names the person meant."""

    confirm = StringField(
        _l("Type this person's number to confirm"), filters=[single_line],
        validators=[DataRequired(message=_l("Type the number shown above to confirm."))],
    )

    def __init__(self, participant_id: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant_id = participant_id

    def validate_confirm(self, field):
        typed = (field.data or "").translate(ARABIC_DIGITS).lstrip("#").strip()
        if typed != str(self.participant_id):
            raise ValidationError(_l("This is not the number of this person. Type %(id)s to erase them.", id=self.participant_id))
