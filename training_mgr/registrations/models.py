from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, false, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted", "rejected", "withdrawn")
#: statuses that take a seat (as does a held registration that keeps one until it expires: ``occupies_seat``)
SEAT_STATUSES = ("confirmed",)
REGISTRATION_SOURCES = ("online", "officer", "import", "nomination")


class Registration(db.Model):
    """A participant in a training session."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("training_session_id", "participant_id"),
        one_of("status", REGISTRATION_STATUSES),
        one_of("source", REGISTRATION_SOURCES),
        #: a training's registrations by status (the counts of a status), in id order within one (the officer's list
        #: sorted by status walks it)
        Index("ix_registrations_training_session_id_status_id", "training_session_id", "status", "id"),
        #: a training's registrations in id order: a page of the read API reads only that page (keyset)
        Index("ix_registrations_training_session_id_id", "training_session_id", "id"),
        #: a training's registrations by name: a page of the officer's list walks it (``listing.registrations_page``)
        Index("ix_registrations_training_session_id_participant_sort_name_id",
              "training_session_id", "participant_sort_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column("training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: how the registration arrived: the online form, an officer, an imported nomination list, or a focal point's
    #: nomination (``nominations``)
    source: Mapped[str] = mapped_column(String(10), default="online")
    #: who nominated the person, as written on the nomination (e.g. "Director General, Border Points Commission")
    nominated_by: Mapped[str | None] = mapped_column(String(200))
    #: the user who entered the registration (an officer, or the participant themself)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: reason given with the latest status change (rejection, withdrawal …)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: when the registration joined the waiting list; the earliest is promoted first
    waitlisted_at = mapped_column(db.DateTime(timezone=True))
    #: A registration asked for on the public form with the e-mail address of someone already known (an
    #: account or a participant), by a visitor not logged in as that person, is *held* until this time:
    #: nothing is confirmed and the person's stored details are not touched until they open the one-time
    #: link mailed to that address or log in; then the training's rules decide as for any registration
    #: (``holds.confirm``). A held registration's status stays "pending": the five statuses are a stable
    #: interface (API, exports, reports), which therefore show a held registration as pending. Null: not held.
    #: Once this time has passed the hold no longer counts, and ``holds.release_expired`` deletes it.
    held_until = mapped_column(db.DateTime(timezone=True), index=True)
    #: SHA-256 of the token in the one-time confirmation link; the token itself is only in the e-mail
    hold_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: the hold keeps a seat (counted against capacity and quota until ``held_until``) so that the person is
    #: not overtaken while confirming: true when the training confirms automatically and a seat was free
    hold_keeps_seat: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: confirmed by an officer beyond its organisation's nomination quota, with a reason (audited as
    #: ``registration.beyond_quota``): a seat added to the quota, so while confirmed it takes no one's place within
    #: it (``nominations.balance.positions_of``); cleared by the next change of status
    beyond_quota: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    # What the officer's list sorts, filters and searches by, copied from the participant so that a page of a
    # 10,000-person training reads only its own rows. Written by the database alone (``copies.TRIGGERS``): on every
    # insert, and whenever the participant's name, e-mail, sex or organisation changes (renames and erasure
    # included); a value written here by hand is put back.
    #: ``lower(participant.name)``: the list's order by name
    participant_sort_name: Mapped[str] = mapped_column(Text, server_default="")
    #: the participant's folded names (``Participant.name_folded``) and lower-cased e-mail, one a line: the list's search
    participant_search: Mapped[str] = mapped_column(Text, server_default="")
    #: the participant's organisation (no foreign key: ``participants.organisation_id`` has it, and this follows)
    participant_organisation_id: Mapped[int | None] = mapped_column()
    #: the participant's sex
    participant_sex: Mapped[str | None] = mapped_column(String(6))

    training = relationship("TrainingSession")
    participant = relationship("Participant", back_populates="registrations")
    created_by = relationship("User", foreign_keys=[created_by_id])
    status_changed_by = relationship("User", foreign_keys=[status_changed_by_id])
    marks = relationship("AttendanceMark", back_populates="registration", cascade="all, delete-orphan")
    certificates = relationship(
        "Certificate", back_populates="registration", order_by="Certificate.id", cascade="all, delete-orphan"
    )

    @property
    def is_held(self) -> bool:
        """Asked for on the public form and still waiting for the person to confirm it (maybe expired)."""
        return self.held_until is not None

    @property
    def current_certificate(self):
        """The newest certificate, valid or revoked, or None."""
        return self.certificates[-1] if self.certificates else None

    def __repr__(self):
        return f"<Registration {self.id} {self.status}>"


def occupies_seat(now):
    """SQL condition: the registration takes one of its training's seats at ``now`` (a timezone-aware UTC
    datetime). The one seat rule: confirmed, or held with a seat until later than ``now``; an expired hold
    never counts, whether or not the sweep has released it yet."""
    return or_(
        Registration.status.in_(SEAT_STATUSES),
        and_(Registration.hold_keeps_seat.is_(True), Registration.held_until > now),
    )
