from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..core.forms import FlaskForm
from .services import REASON_MAX_LENGTH


class ReplaceBadgeForm(FlaskForm):
    """Replace a person's badge (lost, stolen): the reason is shown when the old one is scanned."""

    reason = StringField(_l("Why is it replaced?"), validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
                         description=_l("For example: lost at the hotel. The scanner says it when the old badge is scanned."))
    #: the number of the badge the officer saw and replaces: a form sent twice, or by two officers at once,
    #: replaces it once (``services.replace_badge``)
    number = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])
