"""Accounts: creating users, checking passwords, API tokens, password links."""
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.security import hash_token
from ..extensions import db
from ..mail import services as mail
from .models import ROLES, ApiToken, User, UserToken
from .passwords import password_problem


class AccountError(ValueError):
    """A user-facing problem with an account operation."""


class WrongPassword(AccountError):
    """The current password given to confirm a change is wrong."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def active_officers() -> list[User]:
    """Active programme officers by name: who can be made to manage a training or a course, or steward an
    organisation."""
    return db.session.scalars(
        select(User).where(User.role == "officer", User.active.is_(True))
        .order_by(func.lower(func.coalesce(User.name, User.email)))
    ).all()


@cache
def _dummy_password_hash(method: str | None) -> str:
    """A hash of a random password made as ``User.set_password`` makes them (same method and cost)."""
    return generate_password_hash(secrets.token_hex(16), **({"method": method} if method else {}))


def authenticate(email: str, password: str):
    """The active user with this e-mail and password, or None (callers show one generic message).

    An unknown address, an inactive account and one without a password yet take as long as a wrong
    password: the password is checked against a dummy hash of the same method and cost, so the answer's
    timing does not tell whether an address has an account (OWASP ASVS 2.2.x, account enumeration).
    """
    user = find_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_dummy_password_hash(current_app.config.get("PASSWORD_HASH_METHOD")), password)
        return None
    if not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def create_user(email: str, role: str, password: str | None = None, name: str | None = None, participant=None):
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    email = normalise_email(email)
    if not email or "@" not in email:
        raise AccountError("A valid e-mail address is required.")
    if find_user_by_email(email) is not None:
        raise AccountError(f"A user with e-mail {email} already exists.")
    if password and (problem := password_problem(password, email)):
        raise AccountError(problem)
    user = User(email=email, role=role, name=name, participant=participant)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def create_api_token(user: User, name: str, days_valid: int | None = 365) -> tuple[ApiToken, str]:
    """Make a token; the plain value is returned once and only its hash is kept."""
    plain = "tm_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        token_hash=hash_token(plain),
        prefix=plain[:10],
        expires_at=utcnow() + timedelta(days=days_valid) if days_valid else None,
    )
    db.session.add(token)
    db.session.commit()
    return token, plain


def revoke_api_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    db.session.commit()


# --- password links (set the first password, reset a forgotten one) --------------------------------

INVALID_LINK = _l("This link is not valid any more: it has expired or has already been used. Ask for a new one below.")


def issue_password_link(user: User, purpose: str) -> None:
    """Add a single-use, expiring token for ``user`` and queue the e-mail carrying it (the caller commits).

    Only the token's SHA-256 is stored; the plain value exists only in the e-mail.
    """
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    plain = secrets.token_urlsafe(32)
    db.session.add(UserToken(
        user=user, purpose=purpose, token_hash=hash_token(plain), expires_at=utcnow() + timedelta(hours=hours),
    ))
    mail.notify_password_link(user, purpose, plain, hours)


def request_password_reset(email: str) -> None:
    """E-mail a reset link when an active account has this address; do nothing otherwise.

    The caller answers the same either way, so the form does not tell who has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    issue_password_link(user, "reset_password")
    audit.record(user, "user.password_reset_requested", user, f"{user.email} asked for a password reset link")
    db.session.commit()


def user_for_token(plain: str, purpose: str):
    """The active user a still-valid token of ``purpose`` belongs to, or None."""
    token = _usable_token(plain, purpose)
    return token.user if token is not None else None


def set_password_with_token(plain: str, purpose: str, password: str) -> User:
    """Use a password link once: set the password, end other sessions, spend every open link of the user."""
    token = _usable_token(plain, purpose)
    if token is None:
        raise AccountError(str(INVALID_LINK))
    user = token.user
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    now = utcnow()
    spent = db.session.execute(
        update(UserToken).where(UserToken.id == token.id, UserToken.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if not spent:  # the same link used a moment ago in another tab
        db.session.rollback()
        raise AccountError(str(INVALID_LINK))
    db.session.execute(
        update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)).values(used_at=now)
    )
    user.set_password(password)
    audit.record(user, f"user.{purpose}", user, f"{user.email} set a password with an e-mailed link")
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password knowing the current one; sessions elsewhere end (``session_version``)."""
    if not user.check_password(current_password):
        raise WrongPassword(str(_l("The current password is wrong.")))
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem)
    user.set_password(new_password)
    db.session.execute(
        update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)).values(used_at=utcnow())
    )
    audit.record(user, "user.password_change", user, f"{user.email} changed their password")
    db.session.commit()


def _usable_token(plain: str, purpose: str):
    if not plain or len(plain) > 200:
        return None
    token = db.session.scalar(
        select(UserToken).where(UserToken.token_hash == hash_token(plain), UserToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or as_utc(token.expires_at) <= utcnow() or not token.user.active:
        return None
    return token
