from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from ..core.forms import Form, optional_int
from .actions import action_label

#: the refusal of a date filter that is no date (e.g. 2026-13-45)
BAD_DATE = _l("Not a date: write it as YYYY-MM-DD, e.g. 2026-02-15.")


class AuditFilterForm(Form):
    """Filters of the audit log, read from the query string."""

    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    user_id = SelectField(_l("Who"), coerce=optional_int, choices=[], validate_choice=False)
    #: only on the admins' log: one training's entries
    training_id = SelectField(_l("Training"), coerce=optional_int, choices=[], validate_choice=False)
    person = StringField(_l("Person concerned"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()], invalid_value_message=BAD_DATE)
    date_to = DateField(_l("To"), validators=[Optional()], invalid_value_message=BAD_DATE)

    def __init__(self, formdata, actions=(), users=(), trainings=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.action.choices = [("", _l("All actions"))] + [(a, action_label(a)) for a in actions]
        self.training_id.choices = [(None, _l("All trainings"))] + [(t_id, title) for t_id, title in trainings]
        self.user_id.choices = [(None, _l("Everyone"))] + [(u.id, u.display_name) for u in users]
