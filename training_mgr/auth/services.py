"""Accounts: creating users, checking passwords, API tokens."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from ..core.db import utcnow
from ..core.security import hash_token
from ..extensions import db
from .models import ROLES, ApiToken, User
from .passwords import password_problem


class AccountError(ValueError):
    """A user-facing problem with an account operation."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str):
    """The active user with this e-mail and password, or None (callers show one generic message)."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
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
