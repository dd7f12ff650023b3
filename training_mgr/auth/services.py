"""Accounts: creating users, checking passwords, ending sessions, API tokens, password links."""
import secrets
from datetime import date, datetime, time, timedelta, timezone
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.i18n import join_parts, language_name
from ..core.permissions import STAFF_ROLES
from ..core.security import hash_token
from ..extensions import db
from ..mail import messages as mail
from .models import ROLES, ApiToken, User, UserToken
from .passwords import password_problem


class AccountError(DomainError):
    """A user-facing problem with an account operation (beside ``field`` when a form has it)."""


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
    """Create and commit an account (``flask create-user``); raises AccountError as :func:`new_user`."""
    user = new_user(email, role, password=password, name=name, participant=participant)
    db.session.commit()
    return user


def new_user(email: str, role: str, password: str | None = None, name: str | None = None, participant=None) -> User:
    """Add an account to the session (the caller commits): e-mail stored lower-cased, unique.

    Without ``password`` the account has none and cannot log in until one is set through an e-mailed
    link. Raises AccountError (field ``email``, ``role``, ``password`` or ``name``) for an unknown role,
    a missing or taken e-mail address, a password the policy (``passwords.py``) refuses or a name
    longer than 200 characters.
    """
    if role not in ROLES:
        raise AccountError(_l("Unknown role %(role)s; choose one of %(roles)s.", role=role, roles=join_parts(ROLES)), "role")
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > 254:
        raise AccountError(_l("A valid e-mail address is required."), "email")
    if find_user_by_email(email) is not None:
        raise AccountError(_l("A user with e-mail %(email)s already exists.", email=email), "email")
    if password and (problem := password_problem(password, email)):
        raise AccountError(problem, "password")
    name = (name or "").strip() or None
    if name and len(name) > 200:
        raise AccountError(_l("Use at most %(count)d characters.", count=200), "name")
    user = User(email=email, role=role, name=name, participant=participant)
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


def end_sessions(user: User) -> None:
    """End every logged-in session of ``user`` on every device at once (the caller commits).

    The login cookie (and a remember-me cookie) carries ``session_version`` (``User.get_id``);
    raising it makes ``auth.loaders.load_user`` refuse every copy made before, wherever it is.
    """
    user.session_version = User.session_version + 1  # in SQL, so two requests at once both count


def end_sessions_and_tokens(user: User) -> int:
    """End every logged-in session of ``user`` and revoke every API token of theirs (the caller commits); returns how
    many tokens were revoked.

    Called whenever the credentials that opened them can no longer be trusted: a password changed (by its owner or
    with an e-mailed link), cleared by an admin's forced reset, or the account deactivated or erased. A token is
    another way in: leaving it working would keep out only the people who use the browser.
    """
    end_sessions(user)
    # in SQL, so two requests at once both count; tokens still being made by requests already under way carry the
    # generation before this one and are refused too (``loaders.load_user_from_bearer``)
    user.credentials_version = User.credentials_version + 1
    return revoke_api_tokens(user)


def log_out(user: User) -> None:
    """Logging out ends the session everywhere: a copy of the cookie taken before stops working too."""
    end_sessions(user)
    db.session.commit()


def spend_password_links(user: User) -> None:
    """Make every open password link of ``user`` unusable (the caller commits)."""
    db.session.execute(
        update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)).values(used_at=utcnow())
    )


#: the longest a token may live; a longer-lived secret in a script is a liability
MAX_TOKEN_DAYS = 365


def create_api_token(
    user: User, name: str, days_valid: int | None = 365, expires_on: date | None = None,
    credentials_version: int | None = None,
) -> tuple[ApiToken, str]:
    """Make a read-API token for a staff user and audit-log it; returns (token, plain value).

    The plain value is returned once and only its SHA-256 is kept. The token expires ``days_valid``
    days from now, or at the end of ``expires_on`` (UTC) when given (after today, at most
    MAX_TOKEN_DAYS ahead); ``days_valid=None`` and no date: it never expires (not offered in the web).
    ``credentials_version``: the ``User.credentials_version`` read when the request began (``loaders.load_user``);
    when the credentials were revoked since, the token is refused at once (default: the user's current one).
    Raises AccountError for a participant (the API is for staff), an empty or too long name
    (field ``name``) or a date out of range (field ``expires_on``).
    """
    if user.role not in STAFF_ROLES:
        raise AccountError(_l("Only officers, managers and admins can use the API."))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise AccountError(_l("Give the token a name of at most %(count)d characters.", count=100), "name")
    if expires_on is not None:
        today = utcnow().date()
        if not today < expires_on <= today + timedelta(days=MAX_TOKEN_DAYS):
            raise AccountError(_l("Choose a date after today and at most %(count)d days ahead.", count=MAX_TOKEN_DAYS), "expires_on")
        expires_at = datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=timezone.utc)
    else:
        expires_at = utcnow() + timedelta(days=days_valid) if days_valid else None
    plain = "tm_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(plain), prefix=plain[:10], expires_at=expires_at,
                     credentials_version=credentials_version or user.credentials_version)
    db.session.add(token)
    audit.record(user, "api_token.create", token, f"{user.email} created the API token {name!r} ({token.prefix}…)",
                 changes={"expires_at": [None, expires_at.isoformat() if expires_at else None]},
                 details={"token": name})
    db.session.commit()
    return token, plain


def revoke_api_token(token: ApiToken, by: User | None = None) -> None:
    """Revoke a token at once (the next request with it answers 401) and audit-log it; revoking twice is harmless."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(by or token.user, "api_token.revoke", token,
                 f"API token {token.name!r} ({token.prefix}…) of {token.user.email} revoked",
                 details={"token": token.name, "email": token.user.email})
    db.session.commit()


def revoke_api_tokens(user: User) -> int:
    """Revoke every token of ``user`` that is not revoked yet (the caller commits); returns how many."""
    return db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    ).rowcount


def own_api_token(user: User, token_id: int):
    """One of ``user``'s own tokens, or None (someone else's is as good as unknown)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def api_tokens_of(user: User) -> list[ApiToken]:
    """``user``'s tokens, newest first, revoked and expired ones included (the page says which)."""
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def token_state(token: ApiToken) -> str:
    """``active``, ``expired`` or ``revoked``."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and as_utc(token.expires_at) <= utcnow():
        return "expired"
    return "active"


# --- password links (set the first password, reset a forgotten one) --------------------------------

INVALID_LINK = _l("This link is not valid any more: it has expired or has already been used. Ask for a new one below.")


def issue_password_link(user: User, purpose: str, reason: str | None = None) -> None:
    """Add a single-use, expiring token for ``user`` and queue the e-mail carrying it (the caller commits).

    Only the token's SHA-256 is stored; the plain value exists only in the e-mail. ``reason``
    (``invite``, ``forced_reset``) picks the wording of the e-mail when an admin sent it.
    """
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    plain = secrets.token_urlsafe(32)
    db.session.add(UserToken(
        user=user, purpose=purpose, token_hash=hash_token(plain), expires_at=utcnow() + timedelta(hours=hours),
    ))
    mail.notify_password_link(user, purpose, plain, hours, reason=reason)


def request_password_reset(email: str) -> None:
    """E-mail a reset link when an active account has this address; do nothing otherwise.

    The caller answers the same either way, so the form does not tell who has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    issue_password_link(user, "reset_password")
    audit.record(user, "user.password_reset_requested", user, f"{user.email} asked for a password reset link", details={})
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
    spend_password_links(user)
    user.set_password(password)
    revoked = end_sessions_and_tokens(user)
    audit.record(user, f"user.{purpose}", user, f"{user.email} set a password with an e-mailed link"
                 + (f"; {revoked} API token(s) revoked" if revoked else ""), details={})
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> int:
    """Change a password knowing the current one: every session ends (``session_version``; the caller logs this
    browser in again) and every API token of the user is revoked. Returns how many tokens were revoked.

    Raises WrongPassword (the current password) or AccountError (a weak new one).
    """
    if not user.check_password(current_password):
        raise WrongPassword(str(_l("The current password is wrong.")))
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem)
    user.set_password(new_password)
    spend_password_links(user)
    revoked = end_sessions_and_tokens(user)
    audit.record(user, "user.password_change", user, f"{user.email} changed their password"
                 + (f"; {revoked} API token(s) revoked" if revoked else ""), details={})
    db.session.commit()
    return revoked


def _usable_token(plain: str, purpose: str):
    if not plain or len(plain) > 200:
        return None
    token = db.session.scalar(
        select(UserToken).where(UserToken.token_hash == hash_token(plain), UserToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or as_utc(token.expires_at) <= utcnow() or not token.user.active:
        return None
    return token


def set_preferred_language(user, lang: str) -> None:
    """The language of the user's pages and, for a participant, of their e-mails: saved in the profile and
    audit-logged when the user picks one with ``?lang=`` (receiver of ``core.signals.language_chosen``)."""
    changes = {"locale": [user.locale, lang]}
    user.locale = lang
    if user.participant is not None:
        user.participant.locale = lang
    audit.record(user, "user.language", user, f"{user.email} chose {language_name(lang, 'en')}", changes=changes,
                 details={"language": lang})
    db.session.commit()
