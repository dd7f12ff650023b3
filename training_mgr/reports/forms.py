from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ..core.forms import FlaskForm
from ..core.i18n import country_name, localized
from ..courses.models import Course
from ..extensions import db
from ..organisations.models import Organisation
from ..trainings.models import TrainingSession
from .figures import ProgrammeFilters


class ProgrammeFilterForm(FlaskForm):
    """The period and filters of the programme report, read from the query string (``?from=&to=&course=…``)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])
    course = SelectField(_l("Course"), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])

    def __init__(self, formdata):
        super().__init__(formdata=formdata)
        courses = db.session.scalars(select(Course).order_by(Course.title)).all()
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        countries = db.session.scalars(
            select(TrainingSession.country).where(TrainingSession.country.is_not(None)).distinct()
        ).all()
        self.course.choices = [("", _("All courses"))] + [(str(c.id), localized(c, "title")) for c in courses]
        self.organisation.choices = [("", _("All organisations"))] + [
            (str(o.id), localized(o, "name")) for o in organisations
        ]
        self.country.choices = [("", _("All countries"))] + sorted(
            ((code, country_name(code)) for code in countries), key=lambda item: item[1]
        )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end of the period must not be before its start."))

    def filters(self) -> ProgrammeFilters:
        return ProgrammeFilters(
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            course_id=int(self.course.data) if self.course.data else None,
            organisation_id=int(self.organisation.data) if self.organisation.data else None,
            country=self.country.data or None,
        )
