from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import FlaskForm
from .services import REASON_MAX_LENGTH


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IssueForm(FlaskForm):
    """Issue to the ticked people (choices: the eligible registrations, set by the view)."""

    registration_ids = SelectMultipleField(_l("Participants"), coerce=int, validate_choice=False)


class ExportForm(FlaskForm):
    """Download every valid certificate: one merged PDF, or a ZIP of one PDF each (two buttons named ``format``)."""

    format = SelectField(_l("File"), choices=[("pdf", _l("One PDF")), ("zip", _l("ZIP, one PDF each"))])


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)], filters=[_strip],
        description=_l("Kept in the record and the audit log; not shown on the public verification page."),
    )
    submit = SubmitField(_l("Revoke certificate"))


class ReissueForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it reissued?"), validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)], filters=[_strip],
        description=_l("For example: name corrected. The old certificate is revoked with this reason."),
    )
    submit = SubmitField(_l("Reissue certificate"))


class VerifyCodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: typing a code changes nothing

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)], filters=[_strip],
                       description=_l("Printed on the certificate, e.g. 7K3M-Q9PX-2HDT-W4NB."))
    submit = SubmitField(_l("Verify"))


class VerifyFileForm(FlaskForm):
    file = FileField(_l("Certificate PDF"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))
