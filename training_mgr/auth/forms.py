from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..core.bottrap import BotTrapMixin
from ..core.forms import FlaskForm, Form, strip
from ..core.labels import ROLE_LABELS
from .admin import USER_STATES
from .models import ROLES
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


# --- admins' user management ----------------------------------------------------------------------

def role_choices():
    return [(role, ROLE_LABELS[role]) for role in ROLES]


class UserSearchForm(Form):
    """Search and filters of the users list, read from the query string."""

    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=254)],
                    description=_l("Part of the e-mail address or name"))
    role = SelectField(_l("Role"), validate_choice=False)
    state = SelectField(_l("Status"), validate_choice=False)
    sort = HiddenField()

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.role.choices = [("", _l("All roles"))] + role_choices()
        self.state.choices = [("", _l("Active and deactivated"))] + [
            (state, label) for state, label in zip(USER_STATES, (_l("Active"), _l("Deactivated")))
        ]


class NewUserForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)], filters=[strip])
    role = SelectField(_l("Role"), default="officer")
    how = RadioField(
        _l("Password"), default="invite",
        choices=[("invite", _l("E-mail an invitation: they choose their own password")),
                 ("password", _l("Set a password now and tell them yourself"))],
    )
    password = PasswordField(
        _l("Password to set"), validators=[Length(max=MAX_LENGTH)],
        description=_l("Only when setting a password now. At least %(count)d characters.", count=MIN_LENGTH),
    )
    submit = SubmitField(_l("Create the account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()

    def validate_password(self, field):
        if self.how.data == "password" and not field.data:
            raise ValidationError(_l("Type the password, or choose to e-mail an invitation."))


class RoleForm(FlaskForm):
    """Choosing another role; the page asks for confirmation before it is saved."""

    role = SelectField(_l("New role"))
    submit = SubmitField(_l("Change the role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ConfirmForm(FlaskForm):
    """A confirmation page's one button (and its CSRF token)."""

    submit = SubmitField(_l("Confirm"))
