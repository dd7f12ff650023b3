"""Badges replaced one by one: which printing of a person's badge is the one that checks them in."""
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import utcnow
from ..extensions import db


class BadgeReplacement(db.Model):
    """The latest replacement of a registration's badge (a lost or stolen one), if it was ever replaced.

    A registration without a row has its first badge, number 1; each replacement raises ``number``, and a badge of a
    lower number is refused at check-in with the date and reason below (``services.registration_of_badge``).
    """

    __tablename__ = "badge_replacements"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    #: the number of the badge that is valid now: 2 after the first replacement, 3 after the second …
    number: Mapped[int]
    replaced_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: why the officer replaced it ("lost at the hotel"), shown when the old one is scanned
    reason: Mapped[str | None] = mapped_column(String(200))

    replaced_by = relationship("User")

    @staticmethod
    def numbers_of(registration_ids) -> dict[int, int]:
        """{registration id: number of its valid badge} for ``registration_ids`` (1 for a badge never replaced)."""
        ids = list(registration_ids)
        replaced = dict(db.session.execute(
            select(BadgeReplacement.registration_id, BadgeReplacement.number)
            .where(BadgeReplacement.registration_id.in_(ids))).all()) if ids else {}
        return {registration_id: replaced.get(registration_id, 1) for registration_id in ids}
