"""A training's agenda: time slots per day with a facilitator and a room, the facilitators, and the materials (files
kept in the database, or links) attached to a slot and released to confirmed participants when an officer says so."""
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

MATERIAL_KINDS = ("file", "link")


class Facilitator(db.Model):
    """A person who leads slots of trainings: names, title, organisation, e-mail and a short bio (shared by every
    training)."""

    __tablename__ = "facilitators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    #: their position, as printed beside the name ("Senior Legal Officer"; Arabic)
    title: Mapped[str | None] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    #: for the officers to reach them; never shown to participants or the public
    email: Mapped[str | None] = mapped_column(String(254))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    bio: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    organisation = relationship("Organisation")


class AgendaSlot(db.Model):
    """One time slot of a training day, in the training's local time."""

    __tablename__ = "agenda_slots"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("session_days.id", ondelete="CASCADE"), index=True)
    starts_at = mapped_column(db.Time, nullable=False)
    ends_at = mapped_column(db.Time, nullable=False)
    title: Mapped[str] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitators.id", ondelete="SET NULL"), index=True)
    room: Mapped[str | None] = mapped_column(String(100))

    day = relationship("SessionDay")
    facilitator: Mapped[Facilitator | None] = relationship()
    materials: Mapped[list["Material"]] = relationship(
        back_populates="slot", order_by="Material.id", cascade="all, delete-orphan")


class Material(db.Model):
    """A file (kept here, at most AGENDA_MATERIAL_MAX_BYTES) or a link attached to a slot; participants see it once
    ``released_at`` is set."""

    __tablename__ = "agenda_materials"
    __table_args__ = (one_of("kind", MATERIAL_KINDS),
                      CheckConstraint("(kind = 'link') = (url IS NOT NULL)", name="link_has_url"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("agenda_slots.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(200))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    data: Mapped[bytes | None] = mapped_column(db.LargeBinary, deferred=True)
    released_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    slot: Mapped[AgendaSlot] = relationship(back_populates="materials")
