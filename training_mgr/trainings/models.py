from datetime import date, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, Index, Numeric, String, Table, Text, UniqueConstraint, and_, event, func, not_, or_,
)
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import as_utc, one_of, utcnow
from ..core.text import folded_lines
from ..extensions import db

SESSION_STATUSES = ("draft", "open", "closed", "completed", "cancelled")
CONFIRMATION_MODES = ("automatic", "approval")
ORGANISER_ROLES = ("host", "co_organiser")
LANGUAGES = ("en", "ar", "en_ar")

#: officers who manage a training session (admins manage all)
session_officers = Table(
    "session_officers",
    db.metadata,
    Column("training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TrainingSession(db.Model):
    """One scheduled delivery of a course."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        one_of("status", SESSION_STATUSES),
        one_of("confirmation_mode", CONFIRMATION_MODES),
        one_of("language", LANGUAGES),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("cert_min_attendance >= 0 AND cert_min_attendance <= 100", name="cert_min_attendance_range"),
        CheckConstraint("women_target_percent >= 0 AND women_target_percent <= 100", name="women_target_percent_range"),
        CheckConstraint("sensitive_retention_days >= 0", name="sensitive_retention_days_non_negative"),
        Index("ix_training_sessions_status_start_date", "status", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"), index=True)
    #: copied from the course when scheduled, editable per delivery
    title: Mapped[str] = mapped_column(String(300))
    title_ar: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date | None] = mapped_column(index=True)
    end_date: Mapped[date | None]
    venue: Mapped[str | None] = mapped_column(String(200))
    venue_ar: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    city_ar: Mapped[str | None] = mapped_column(String(100))
    #: title and city in both languages folded for the catalogue's search (``core.text.folded_lines``); filled
    #: on every write
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: ISO 3166-1 alpha-2
    country: Mapped[str | None] = mapped_column(String(2))
    #: language of delivery: English, Arabic, or both with interpretation
    language: Mapped[str] = mapped_column(String(5), default="en_ar")
    #: IANA time zone the training's times are shown in
    timezone: Mapped[str] = mapped_column(String(50), default="Asia/Baghdad")
    capacity: Mapped[int | None]
    registration_opens_at = mapped_column(db.DateTime(timezone=True))
    registration_closes_at = mapped_column(db.DateTime(timezone=True))
    #: online registration stays open until the last day instead of closing when the training starts
    late_registration: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: automatic: confirm until full, then waitlist; approval: pending until an officer decides
    confirmation_mode: Mapped[str] = mapped_column(String(10), default="automatic")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at = mapped_column(db.DateTime(timezone=True))
    completed_at = mapped_column(db.DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)

    # --- certificate rule ---
    #: share of counted days (percent) a participant must attend to earn a certificate
    cert_min_attendance: Mapped[int] = mapped_column(default=80)
    #: a "late" mark counts as attended
    cert_late_counts: Mapped[bool] = mapped_column(default=True)
    #: "excused" days are left out of the count instead of counting against the participant
    cert_excused_excluded: Mapped[bool] = mapped_column(default=True)

    # --- payment sheet (per-diem / allowance) ---
    #: paid to a participant per day present (or late); None: no payment sheet
    daily_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: ISO 4217 code of ``daily_rate``, e.g. "IQD", "USD"
    currency: Mapped[str | None] = mapped_column(String(3))

    #: gender balance target of the nominations: at least this share (percent) of women; None: no target
    women_target_percent: Mapped[int | None]
    #: days after the training ends that the answers to its sensitive registration questions (passport, date of
    #: birth …) are erased (``questions.services.erase_expired_sensitive_answers``)
    sensitive_retention_days: Mapped[int] = mapped_column(default=90, server_default="90")
    #: bumped under lock by every seat-changing write; serialises them on every database
    seat_version: Mapped[int] = mapped_column(default=0)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    course = relationship("Course", lazy="joined")
    days: Mapped[list["SessionDay"]] = relationship(
        back_populates="training", order_by="SessionDay.date", cascade="all, delete-orphan"
    )
    organisers: Mapped[list["SessionOrganiser"]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="SessionOrganiser.position"
    )
    officers = relationship("User", secondary=session_officers, back_populates="managed_sessions")
    quotas: Mapped[list["OrganisationQuota"]] = relationship(
        back_populates="training", cascade="all, delete-orphan"
    )
    signatories: Mapped[list["Signatory"]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="Signatory.position"
    )

    @property
    def host(self):
        return next((o.organisation for o in self.organisers if o.role == "host"), None)

    @property
    def co_organisers(self):
        return [o.organisation for o in self.organisers if o.role == "co_organiser"]

    @property
    def number_of_days(self) -> int:
        return len(self.days)

    # --- the rule "registration is open online", in Python (on a training) and SQL (on the class) ----------
    # ``now`` is a timezone-aware UTC datetime. The window is [registration_opens_at, registration_closes_at],
    # both ends optional and both included. Free seats do not close registration (the waiting list takes over).
    # Whatever the window says, registration closes when the training starts (its first day has come), or after
    # its last day when the officer allows late registration (``late_registration``). Days are compared with
    # the date of ``now`` in UTC, the same in Python and in SQL.

    @hybrid_method
    def registration_not_yet_open(self, now) -> bool:
        """The window has a start and ``now`` is before it."""
        return self.registration_opens_at is not None and now < as_utc(self.registration_opens_at)

    @registration_not_yet_open.expression
    def registration_not_yet_open(cls, now):
        return and_(cls.registration_opens_at.is_not(None), cls.registration_opens_at > now)

    @hybrid_method
    def registration_deadline_passed(self, now) -> bool:
        """The window has an end and ``now`` is after it."""
        return self.registration_closes_at is not None and now > as_utc(self.registration_closes_at)

    @registration_deadline_passed.expression
    def registration_deadline_passed(cls, now):
        return and_(cls.registration_closes_at.is_not(None), cls.registration_closes_at < now)

    @hybrid_method
    def registration_too_late(self, now) -> bool:
        """The training has started (its first day is today or past) or, with late registration, has ended."""
        today = now.date()
        if self.late_registration:
            last = self.end_date or self.start_date
            return last is not None and last < today
        return self.start_date is not None and self.start_date <= today

    @registration_too_late.expression
    def registration_too_late(cls, now):
        today = now.date()
        return or_(
            and_(not_(cls.late_registration), cls.start_date.is_not(None), cls.start_date <= today),
            and_(cls.late_registration, func.coalesce(cls.end_date, cls.start_date) < today),
        )

    @hybrid_method
    def listed_for_registration(self, now) -> bool:
        """Shown in the public catalogue: status open, the deadline not passed and the training not started (or
        not ended, with late registration); registration may not have opened yet."""
        return (self.status == "open" and not self.registration_deadline_passed(now)
                and not self.registration_too_late(now))

    @listed_for_registration.expression
    def listed_for_registration(cls, now):
        return and_(cls.status == "open", not_(cls.registration_deadline_passed(now)),
                    not_(cls.registration_too_late(now)))

    @hybrid_method
    def registration_open(self, now) -> bool:
        """Registration is open online at ``now``: status open, ``now`` inside the window, and the training not
        started (not ended, with late registration)."""
        return self.listed_for_registration(now) and not self.registration_not_yet_open(now)

    @registration_open.expression
    def registration_open(cls, now):
        return and_(cls.listed_for_registration(now), not_(cls.registration_not_yet_open(now)))

    def __repr__(self):
        return f"<TrainingSession {self.id} {self.title!r} {self.status}>"


@event.listens_for(TrainingSession, "before_insert")
@event.listens_for(TrainingSession, "before_update")
def _fold_search_text(_mapper, _connection, training):
    training.search_folded = folded_lines(training.title, training.title_ar, training.city, training.city_ar)


class SessionDay(db.Model):
    """One calendar day of a training session."""

    __tablename__ = "session_days"
    __table_args__ = (UniqueConstraint("training_session_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column("training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"))
    date: Mapped[date]
    #: optional agenda line for the day
    title: Mapped[str | None] = mapped_column(String(200))
    #: local time (the training's time zone) after which a check-in counts as late; None: nobody is late
    starts_at: Mapped[time | None]

    training: Mapped[TrainingSession] = relationship(back_populates="days")


class SessionOrganiser(db.Model):
    """An organisation hosting or co-organising a training session."""

    __tablename__ = "session_organisers"
    __table_args__ = (one_of("role", ORGANISER_ROLES),)

    training_id: Mapped[int] = mapped_column(
        "training_session_id",
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(15), default="co_organiser")
    #: display order
    position: Mapped[int] = mapped_column(default=0)

    training: Mapped[TrainingSession] = relationship(back_populates="organisers")
    organisation = relationship("Organisation", lazy="joined")


class OrganisationQuota(db.Model):
    """Optional cap on the seats one organisation may take in a training session."""

    __tablename__ = "organisation_quotas"
    __table_args__ = (CheckConstraint("max_seats >= 0", name="max_seats_non_negative"),)

    training_id: Mapped[int] = mapped_column(
        "training_session_id",
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    max_seats: Mapped[int]

    training: Mapped[TrainingSession] = relationship(back_populates="quotas")
    organisation = relationship("Organisation", lazy="joined")


class Signatory(db.Model):
    """A person who signs the certificates of a training session."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        "training_session_id",
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    #: PNG or JPEG of the signature, printed above the name
    signature_image: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    signature_mimetype: Mapped[str | None] = mapped_column(String(30))

    training: Mapped[TrainingSession] = relationship(back_populates="signatories")
