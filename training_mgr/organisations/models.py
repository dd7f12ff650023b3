from sqlalchemy import Column, ForeignKey, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..core.text import folded_lines
from ..extensions import db

ORGANISATION_KINDS = ("ministry", "commission", "authority", "un_agency", "institute", "ngo", "other")

#: the steward of an organisation: the one officer who may edit it besides the admins — the officer who added it,
#: or one an admin names. At most one row per organisation; none means admins only. A table of its own rather than
#: a column, so that the organisations table, which participants, quotas and organisers point at, is never rebuilt
#: on SQLite, and users → participants → organisations gains no cycle.
organisation_stewards = Table(
    "organisation_stewards",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
)


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
    #: postal address printed on letterheads, in English and Arabic (several lines)
    address: Mapped[str | None] = mapped_column(Text)
    address_ar: Mapped[str | None] = mapped_column(Text)
    #: PNG or JPEG logo printed on letterheads (checked and size-limited on upload: ``letters.letterhead.check_logo``)
    logo: Mapped[bytes | None] = mapped_column(db.LargeBinary, deferred=True)
    logo_mimetype: Mapped[str | None] = mapped_column(String(30))
    #: both names and the acronym folded (``core.text.fold``), one a line, for the organisations' search and for
    #: telling a name already taken; kept by ``_fold_search_text``
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent")
    #: the officer who may edit it besides the admins, or None (see ``organisations.access.can_manage_organisation``)
    steward = relationship("User", secondary="organisation_stewards", uselist=False)

    @property
    def steward_id(self) -> int | None:
        return self.steward.id if self.steward is not None else None

    def __repr__(self):
        return f"<Organisation {self.id} {self.name!r}>"


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _fold_search_text(_mapper, _connection, organisation):
    organisation.search_folded = folded_lines(organisation.name, organisation.name_ar, organisation.acronym)

