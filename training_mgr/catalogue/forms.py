from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ..core.bottrap import BotTrapMixin
from ..core.forms import FlaskForm
from ..participants.forms import ParticipantDetailsForm


def lower_case_email(value):
    return value.strip().lower() if isinstance(value, str) else value


class RegistrationForm(BotTrapMixin, ParticipantDetailsForm):
    #: the error summary's names of fields whose label is a sentence
    short_labels = {"consent": _l("Consent to data processing")}

    email = EmailField(
        _l("Email"), filters=[lower_case_email],
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False, message=_l("Type a valid e-mail address, e.g. name@example.org."))],
        description=_l("We send the confirmation and a link to your account here."),
    )
    consent = BooleanField(
        _l("I agree that the organisers process my personal data to manage this training, as the privacy notice explains."),
        validators=[DataRequired(message=_l("Your agreement is needed to register."))],
    )
    submit = SubmitField(_l("Register"))


class ConfirmHeldRegistrationForm(FlaskForm):
    """The page a held registration's e-mailed link opens: confirm the seat, or say it was not you."""

    confirm = SubmitField(_l("Confirm my seat"))
    decline = SubmitField(_l("It was not me: release the seat"))
