from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, SubmitField
from wtforms.validators import Length, Optional

from ..core.forms import FlaskForm, Form, strip
from .admin import PROBLEM_STATES


class OutboxSearchForm(Form):
    """Search and filter of the admins' list of failed messages, read from the query string."""

    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=254)],
                    description=_l("Part of the recipient's address or of the subject"))
    state = SelectField(_l("Status"), validate_choice=False)

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.state.choices = [("", _l("Failed and being retried"))] + list(PROBLEM_STATES.items())


class DiscardForm(FlaskForm):
    """The discard confirmation page's button (and its CSRF token)."""

    submit = SubmitField(_l("Discard the message"))
