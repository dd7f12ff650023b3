from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SearchField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import FlaskForm, Form, strip
from .services import MAX_DEFAULT_DAYS

TEXT = {"filters": [strip], "validators": [Optional(), Length(max=20000)]}


class CourseForm(FlaskForm):
    title = StringField(_l("Title (English)"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    title_ar = StringField(_l("Title (Arabic)"), filters=[strip], validators=[Optional(), Length(max=300)],
                           render_kw={"dir": "rtl", "lang": "ar"})
    description = TextAreaField(_l("Description (English)"), **TEXT)
    description_ar = TextAreaField(_l("Description (Arabic)"), **TEXT, render_kw={"dir": "rtl", "lang": "ar"})
    objectives = TextAreaField(_l("Objectives (English)"), **TEXT)
    objectives_ar = TextAreaField(_l("Objectives (Arabic)"), **TEXT, render_kw={"dir": "rtl", "lang": "ar"})
    themes = TextAreaField(_l("Themes (English)"), description=_l("One theme per line."), **TEXT)
    themes_ar = TextAreaField(_l("Themes (Arabic)"), description=_l("One theme per line."), **TEXT,
                              render_kw={"dir": "rtl", "lang": "ar"})
    default_days = IntegerField(
        _l("Default length (days)"), default=1,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_DEFAULT_DAYS)],
    )
    certificate_wording = TextAreaField(
        _l("Certificate wording (English)"), description=_l('For example: "has successfully completed"'), **TEXT
    )
    certificate_wording_ar = TextAreaField(_l("Certificate wording (Arabic)"), **TEXT,
                                           render_kw={"dir": "rtl", "lang": "ar"})
    submit = SubmitField(_l("Save"))


class CourseFilterForm(Form):
    """The list's search box (read from the query string, so no CSRF token)."""

    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=200)])
    archived = BooleanField(_l("Show archived courses"))
