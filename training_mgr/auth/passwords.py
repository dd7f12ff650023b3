"""The password policy, in one place: every form and command that sets a password uses it."""
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import ValidationError

MIN_LENGTH = 10
#: hashing a very long password costs the server; nobody types more than this
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str | None = None) -> str | None:
    """What is wrong with ``password`` for the account ``email``, as a translated sentence; None when it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return _("This password is one of the most common ones; choose one that is harder to guess.")
    if email:
        email = email.strip().lower()
        if lowered in (email, email.partition("@")[0]):
            return _("The password must not be your e-mail address.")
    return None


class PasswordPolicy:
    """WTForms validator applying :func:`password_problem`.

    The account's e-mail is read from the form's ``email_field`` when the form has one, else from
    ``form.account_email`` (set it in the view, e.g. for a reset link), else from the logged-in user.
    """

    def __init__(self, email_field: str = "email"):
        self.email_field = email_field

    def __call__(self, form, field):
        problem = password_problem(field.data, self._account_email(form))
        if problem:
            raise ValidationError(problem)

    def _account_email(self, form):
        if self.email_field in form:
            return form[self.email_field].data
        if getattr(form, "account_email", None):
            return form.account_email
        return current_user.email if current_user.is_authenticated else None
