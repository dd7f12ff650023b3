from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

ORGANISATION_KINDS = ("ministry", "commission", "authority", "un_agency", "institute", "ngo", "other")


class Organisation(db.Model):
    """A national entity (ministry, commission, authority) or a partner (UN agency, host institute)."""

    __tablename__ = "organisations"
    __table_args__ = (one_of("kind", ORGANISATION_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_ar: Mapped[str | None] = mapped_column(String(200))
    #: short form shown in tables, e.g. "IOM", "MoI"
    acronym: Mapped[str | None] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20), default="ministry")
    #: ISO 3166-1 alpha-2 country the entity belongs to (partners may leave it empty)
    country: Mapped[str | None] = mapped_column(String(2))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent")

    def __repr__(self):
        return f"<Organisation {self.id} {self.name!r}>"

