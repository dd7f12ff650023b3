from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..core.bottrap import BotTrapMixin
from .passwords import MAX_LENGTH, MIN_LENGTH, PasswordPolicy


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(BotTrapMixin, FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(FlaskForm):
    """Choosing a password from an e-mailed link; the view sets ``account_email`` for the policy."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(), PasswordPolicy()],
        description=_l("At least %(count)d characters. A few unrelated words are easy to remember and hard to guess.", count=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Save my password"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Change my password"))
