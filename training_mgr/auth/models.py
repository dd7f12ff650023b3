from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from flask import current_app, has_app_context
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.db import one_of, utcnow
from ..core.text import folded_lines
from ..extensions import db

ROLES = ("admin", "officer", "manager", "participant")
TOKEN_PURPOSES = ("reset_password", "set_password")


class User(UserMixin, db.Model):
    """Someone who logs in. A participant user is linked to its participant record."""

    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(11), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: preferred interface language
    locale: Mapped[str | None] = mapped_column(String(5))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    #: bumped when the password changes; part of the login cookie, so old sessions end everywhere
    session_version: Mapped[int] = mapped_column(default=1)
    #: bumped when the credentials can no longer be trusted (``services.end_sessions_and_tokens``); an API token
    #: made from a session of an older generation is refused, even one committed after the bump
    credentials_version: Mapped[int] = mapped_column(default=1, server_default="1")
    last_login_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    #: the e-mail address and the name folded (``core.text.fold``), one a line, for the admins' search; kept by
    #: ``_fold_search_text``
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")

    participant = relationship("Participant", back_populates="user")
    managed_sessions = relationship("TrainingSession", secondary="session_officers", back_populates="officers")
    api_tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        # tests choose a cheaper method through PASSWORD_HASH_METHOD; production keeps werkzeug's default
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, **({"method": method} if method else {}))
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self):
        return self.role == "admin"

    @property
    def is_officer(self):
        return self.role == "officer"

    @property
    def is_manager(self):
        return self.role == "manager"

    @property
    def is_participant(self):
        return self.role == "participant"

    @property
    def is_staff(self):
        """Officers, managers and admins: the people who read the API and the reports."""
        return self.role in ("admin", "officer", "manager")

    @property
    def display_name(self):
        return self.name or self.email

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role}>"


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fold_search_text(_mapper, _connection, user):
    user.search_folded = folded_lines(user.email, user.name)


class ApiToken(db.Model):
    """A bearer token for the read API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: first characters of the token, shown so the owner can tell tokens apart
    prefix: Mapped[str] = mapped_column(String(12))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at = mapped_column(db.DateTime(timezone=True))
    last_used_at = mapped_column(db.DateTime(timezone=True))
    revoked_at = mapped_column(db.DateTime(timezone=True))
    #: ``User.credentials_version`` of the session that made the token, read when its request began
    credentials_version: Mapped[int] = mapped_column(default=1, server_default="1")

    user = relationship("User", back_populates="api_tokens")


class UserToken(db.Model):
    """A single-use, expiring token sent by e-mail (password reset or first password); stored hashed."""

    __tablename__ = "user_tokens"
    __table_args__ = (one_of("purpose", TOKEN_PURPOSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at = mapped_column(db.DateTime(timezone=True), nullable=False)
    used_at = mapped_column(db.DateTime(timezone=True))

    user = relationship("User")
