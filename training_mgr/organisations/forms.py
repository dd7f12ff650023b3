from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import strip
from ..core.i18n import localized
from ..core.labels import ORGANISATION_KIND_LABELS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name (English)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(_l("Name (Arabic)"), filters=[strip], validators=[Optional(), Length(max=200)],
                          render_kw={"dir": "rtl", "lang": "ar"})
    acronym = StringField(_l("Acronym"), filters=[strip], validators=[Optional(), Length(max=30)],
                          description=_l('Short form shown in tables, e.g. "MoI".'))
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KIND_LABELS.items()), default="ministry")
    country = SelectField(_l("Country"), choices=[])
    parent_id = SelectField(_l("Part of"), coerce=_optional_int, choices=[],
                            description=_l("The entity this one belongs to, if any."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisations=(), countries=(), exclude_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = list(countries)
        self.parent_id.choices = [(None, "—")] + [(o.id, localized(o, "name")) for o in organisations if o.id != exclude_id]


class OrganisationFilterForm(Form):
    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("", _l("All kinds"))] + list(ORGANISATION_KIND_LABELS.items()),
                       validate_choice=False)


class MapOtherForm(FlaskForm):
    """Map one typed-in organisation name to an organisation of the list."""

    name = HiddenField(validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_int, choices=[],
                                  validators=[DataRequired(message=_l("Choose an organisation."))])
    submit = SubmitField(_l("Map"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(None, "—")] + [(o.id, localized(o, "name")) for o in organisations]
