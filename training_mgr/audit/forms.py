from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from ..core.forms import Form, optional_int


class AuditFilterForm(Form):
    """Filters of the audit log, read from the query string."""

    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    user_id = SelectField(_l("Who"), coerce=optional_int, choices=[], validate_choice=False)

    def __init__(self, formdata, actions=(), users=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.action.choices = [("", _l("All actions"))] + [(a, a) for a in actions]
        self.user_id.choices = [(None, _l("Everyone"))] + [(u.id, u.display_name) for u in users]
