"""What an admin does to other people's accounts: create or invite, change the role, deactivate and
reactivate, force a password reset; and the searchable list of accounts.

Every change is audit-logged in the same commit. The rules that keep the system administrable live
here: an admin never deactivates or demotes themselves, and at least one active admin remains.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..audit import services as audit
from ..core.permissions import STAFF_ROLES
from ..core.text import contains_words, fold_words
from ..extensions import db
from . import services
from .models import ROLES, User
from .services import AccountError

#: users listed per page
PER_PAGE = 50
#: list filters on the account's state
USER_STATES = ("active", "inactive")
#: sort keys of the users list (``?sort=``; a leading "-" sorts descending) -> columns, then the id
SORTS = {
    "email": lambda: [func.lower(User.email)],
    "name": lambda: [func.lower(func.coalesce(User.name, User.email))],
    "role": lambda: [User.role, func.lower(User.email)],
    "last_login": lambda: [User.last_login_at],
    "created": lambda: [User.created_at],
}
DEFAULT_SORT = "email"


def users_query(search: str | None = None, role: str | None = None, state: str | None = None, sort: str | None = None):
    """A select of users for the admins' list.

    ``search``: part of the e-mail or name, every word of it, compared folded (``core.text.contains_words``: any case, احمد finds أحمد); ``role``: one of ROLES; ``state``: ``active`` or
    ``inactive``; anything else in these is ignored. ``sort``: a key of SORTS, ``-`` first for
    descending (unknown: by e-mail); never-logged-in users come last either way.
    """
    query = select(User)
    if search and fold_words(search):
        query = query.where(contains_words(User.search_folded, search))
    if role in ROLES:
        query = query.where(User.role == role)
    if state in USER_STATES:
        query = query.where(User.active == (state == "active"))
    descending = (sort or "").startswith("-")
    key = (sort or "").lstrip("-")
    columns = SORTS.get(key, SORTS[DEFAULT_SORT])()
    order = [(column.desc() if descending else column.asc()).nulls_last() for column in columns]
    return query.order_by(*order, User.id.desc() if descending else User.id)


def create_account(by: User, email: str, role: str, name: str | None = None, password: str | None = None,
                   invite: bool = False) -> User:
    """Create an account as ``flask create-user`` does, audit-logged as done by the admin ``by``.

    With ``invite`` the account gets no password and a set-password link is e-mailed (valid
    PASSWORD_RESET_HOURS); otherwise ``password`` (may be None: no password, no e-mail; the person
    can use "Forgot your password?"). Raises AccountError as ``services.new_user``.
    """
    user = services.new_user(email, role, password=None if invite else password, name=name)
    if invite:
        services.issue_password_link(user, "set_password", reason="invite")
    how = "invited by e-mail" if invite else "with a password" if password else "without a password"
    audit.record(by, "user.create", user, f"{by.email} created the {role} account {user.email}, {how}",
                 changes={"email": [None, user.email], "role": [None, role], "name": [None, user.name]},
                 details={"email": user.email, "role": role})
    db.session.commit()
    return user


def send_invitation(by: User, user: User) -> None:
    """E-mail a new set-password link to an active account that has no password yet; older links stop working.

    Raises AccountError when the account is deactivated or already has a password (force a reset then).
    """
    if not user.active:
        raise AccountError(_l("This account is deactivated. Reactivate it first."))
    if user.password_hash:
        raise AccountError(_l("This account already has a password. Force a password reset instead."))
    services.spend_password_links(user)
    services.issue_password_link(user, "set_password", reason="invite")
    audit.record(by, "user.invite", user, f"{by.email} sent {user.email} an invitation to choose a password",
                 details={"email": user.email})
    db.session.commit()


def change_role(by: User, user: User, role: str) -> bool:
    """Give ``user`` another role; False when it is the one they have.

    Leaving the staff roles revokes the user's API tokens (the API is for staff). Raises AccountError
    (field ``role``) for an unknown role, for the admin's own account, and when the last active admin
    would lose the role.
    """
    if role not in ROLES:
        raise AccountError(_l("Choose a role from the list."), "role")
    if role == user.role:
        return False
    if user.id == by.id:
        raise AccountError(_l("You cannot change your own role. Ask another admin."), "role")
    if user.role == "admin":
        _keep_an_active_admin(user)
    old = user.role
    user.role = role
    revoked = services.revoke_api_tokens(user) if role not in STAFF_ROLES else 0
    audit.record(by, "user.role_change", user,
                 f"{by.email} changed the role of {user.email} from {old} to {role}"
                 + (f"; {revoked} API token(s) revoked" if revoked else ""),
                 changes={"role": [old, role]}, details={"email": user.email, "old_role": old, "role": role})
    db.session.commit()
    return True


def deactivate(by: User, user: User) -> bool:
    """Deactivate an account: it cannot log in, its sessions end everywhere at once, its API tokens are
    revoked and its password links stop working. False when it was inactive already.

    Raises AccountError for the admin's own account and for the last active admin.
    """
    if user.id == by.id:
        raise AccountError(_l("You cannot deactivate your own account. Ask another admin."))
    if not user.active:
        return False
    if user.role == "admin":
        _keep_an_active_admin(user)
    user.active = False
    revoked = services.end_sessions_and_tokens(user)
    services.spend_password_links(user)
    audit.record(by, "user.deactivate", user,
                 f"{by.email} deactivated {user.email}; sessions ended, {revoked} API token(s) revoked",
                 changes={"active": [True, False]}, details={"email": user.email})
    db.session.commit()
    return True


def reactivate(by: User, user: User) -> bool:
    """Let a deactivated account log in again (its revoked tokens stay revoked); False when it was active.

    Raises AccountError for the account of an erased participant: erasure is final.
    """
    if user.active:
        return False
    if user.participant is not None and user.participant.erased_at is not None:
        raise AccountError(_l("This account belonged to a person whose details were erased; it cannot be reactivated."))
    user.active = True
    audit.record(by, "user.reactivate", user, f"{by.email} reactivated {user.email}", changes={"active": [False, True]},
                 details={"email": user.email})
    db.session.commit()
    return True


def force_password_reset(by: User, user: User) -> int:
    """Clear ``user``'s password (it no longer logs in), end their sessions everywhere, revoke their API tokens,
    spend their open links and e-mail a reset link (valid PASSWORD_RESET_HOURS). Returns how many tokens were
    revoked: a reset is forced because the account may be in someone else's hands, and a token is a way in too.

    Raises AccountError for the admin's own account (change it on the account page) and for a
    deactivated one (the link would not open).
    """
    if user.id == by.id:
        raise AccountError(_l("Change your own password on your account page."))
    if not user.active:
        raise AccountError(_l("This account is deactivated. Reactivate it first."))
    user.password_hash = None
    revoked = services.end_sessions_and_tokens(user)
    services.spend_password_links(user)
    services.issue_password_link(user, "reset_password", reason="forced_reset")
    audit.record(by, "user.password_reset_forced", user,
                 f"{by.email} cleared the password of {user.email} and sent a reset link; sessions ended, "
                 f"{revoked} API token(s) revoked", details={"email": user.email})
    db.session.commit()
    return revoked


def _keep_an_active_admin(user: User) -> None:
    """Refuse to take the admin role or activity away from the last active admin.

    The active admins' rows are locked (PostgreSQL) so that two admins demoting each other at the
    same moment cannot both succeed.
    """
    admins = db.session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if not set(admins) - {user.id}:
        raise AccountError(_l("At least one active admin must remain."))
