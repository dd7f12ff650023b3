from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from ..core.forms import FlaskForm


class DailyRateForm(FlaskForm):
    daily_rate = DecimalField(_l("Daily rate"), places=2, validators=[Optional(), NumberRange(min=0)],
                              description=_l("Paid per day attended (present or late). Leave empty for no payment sheet."))
    currency = StringField(_l("Currency"), filters=[lambda v: v.strip().upper() if v else v],
                           validators=[Optional(), Length(min=3, max=3)], description=_l("ISO code, e.g. IQD or USD"),
                           render_kw={"dir": "ltr", "autocomplete": "off"})
    submit = SubmitField(_l("Save the rate"))
