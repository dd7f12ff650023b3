"""Nominations: an organisation's focal point proposes officials for a training, within a seat quota, through a
link of their own (no account needed)."""
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..core.i18n import local_date
from ..extensions import db
from ..participants.models import SEXES


class NominationInvitation(db.Model):
    """An organisation invited to nominate officials for a training, through its focal point."""

    __tablename__ = "nomination_invitations"
    __table_args__ = (CheckConstraint("seats >= 1", name="seats_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    focal_point_name: Mapped[str] = mapped_column(String(200))
    #: stored lower-cased; the link and the reminder are sent here
    focal_point_email: Mapped[str] = mapped_column(String(254))
    #: language of the focal point's e-mails ("en" or "ar")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    #: the quota: nominations beyond it go to the organisation's waiting list
    seats: Mapped[int]
    #: nominations are taken and edited until this time (UTC); then the link stops working
    deadline = mapped_column(db.DateTime(timezone=True), nullable=False, index=True)
    #: SHA-256 of the link's token; the token itself is only in the e-mail (and shown once to the officer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    #: set when an officer withdrew the link: it stops working at once, nominations made stay
    revoked_at = mapped_column(db.DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: when the reminder before the deadline was sent (it is sent once)
    reminder_sent_at = mapped_column(db.DateTime(timezone=True))

    training = relationship("TrainingSession")
    organisation = relationship("Organisation", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    nominations: Mapped[list["Nomination"]] = relationship(
        back_populates="invitation", order_by="Nomination.id", cascade="all, delete-orphan")

    @property
    def deadline_day(self):
        """The last day of nominations, in the training's time zone."""
        return local_date(self.deadline, self.training.timezone)

    def __repr__(self):
        return f"<NominationInvitation {self.id} training={self.training_id} seats={self.seats}>"


class Nomination(db.Model):
    """One official nominated by a focal point: the details as the focal point typed them, and the pending
    registration they became. Whether it is within the quota or on the waiting list is not stored but counted
    (``balance.quota_positions``): the first ``seats`` nominations still in the running are within it."""

    __tablename__ = "nominations"
    __table_args__ = (one_of("sex", SEXES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("nomination_invitations.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    #: as typed by the focal point (the participant record may already hold other details of a known person)
    name: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(6))
    email: Mapped[str] = mapped_column(String(254))
    position: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: the participant record was made by this nomination (its details follow the focal point's edits until the
    #: nominee confirms them); a person already known keeps their own details
    participant_created: Mapped[bool] = mapped_column(default=False)
    #: SHA-256 of the token in the link mailed to the nominee to check and confirm their own details
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: when the nominee confirmed their details through that link
    confirmed_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    invitation: Mapped[NominationInvitation] = relationship(back_populates="nominations")
    registration = relationship("Registration", lazy="joined")

    def __repr__(self):
        return f"<Nomination {self.id} {self.email}>"
