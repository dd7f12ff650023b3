from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import FlaskForm, Form, optional_int, strip
from ..core.i18n import localized
from ..core.labels import ORGANISATION_KIND_LABELS


def organisation_options(organisations, blank=None, exclude_id=None):
    """Select choices of organisations by their name in the active language; ``blank`` adds a "none" choice."""
    options = [(o.id, localized(o, "name")) for o in organisations if o.id != exclude_id]
    return ([(None, blank)] if blank is not None else []) + options


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name (English)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(_l("Name (Arabic)"), filters=[strip], validators=[Optional(), Length(max=200)],
                          render_kw={"dir": "rtl", "lang": "ar"})
    acronym = StringField(_l("Acronym"), filters=[strip], validators=[Optional(), Length(max=30)],
                          description=_l('Short form shown in tables, e.g. "MoI".'))
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KIND_LABELS.items()), default="ministry")
    country = SelectField(_l("Country"), choices=[])
    parent_id = SelectField(_l("Part of"), coerce=optional_int, choices=[],
                            description=_l("The entity this one belongs to, if any."))
    steward_id = SelectField(_l("Steward"), coerce=optional_int, choices=[],
                             description=_l("The programme officer who may edit this organisation besides the admins."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisations=(), countries=(), exclude_id=None, stewards=None, **kwargs):
        """``stewards``: the officers an admin may name steward; None (not an admin) leaves the field out."""
        super().__init__(*args, **kwargs)
        self.country.choices = list(countries)
        self.parent_id.choices = organisation_options(organisations, blank="—", exclude_id=exclude_id)
        if stewards is None:
            del self.steward_id
        else:
            self.steward_id.choices = [(None, _l("None: admins only"))] + [
                (u.id, f"{u.display_name} <{u.email}>") for u in stewards
            ]


class OrganisationFilterForm(Form):
    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("", _l("All kinds"))] + list(ORGANISATION_KIND_LABELS.items()),
                       validate_choice=False)


class MapOtherForm(FlaskForm):
    """Map one typed-in organisation name to an organisation of the list."""

    name = HiddenField(validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=optional_int, choices=[],
                                  validators=[DataRequired(message=_l("Choose an organisation."))])
    submit = SubmitField(_l("Map"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_options(organisations, blank="—")
