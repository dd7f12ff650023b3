from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, and_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

RECOMMENDATION_STATUSES = ("proposed", "agreed", "in_progress", "implemented", "not_pursued")
#: statuses a recommendation can no longer be overdue in
CLOSED_RECOMMENDATION_STATUSES = ("implemented", "not_pursued")


class Recommendation(db.Model):
    """A recommendation agreed at a training, followed up for months afterwards."""

    __tablename__ = "recommendations"
    __table_args__ = (
        one_of("status", RECOMMENDATION_STATUSES),
        Index("ix_recommendations_status_due_date", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        "training_session_id",
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    text_ar: Mapped[str | None] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(String(200))
    responsible_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    training = relationship("TrainingSession")
    responsible_organisation = relationship("Organisation")
    created_by = relationship("User")
    updates: Mapped[list["RecommendationUpdate"]] = relationship(
        back_populates="recommendation",
        order_by="(RecommendationUpdate.date, RecommendationUpdate.id)",
        cascade="all, delete-orphan",
    )

    @property
    def latest_update(self):
        return self.updates[-1] if self.updates else None

    @hybrid_method
    def is_overdue(self, today: date) -> bool:
        """The one rule for an overdue recommendation: due before ``today`` and neither implemented nor not
        pursued (``CLOSED_RECOMMENDATION_STATUSES``); one without a due date is never overdue.

        On an instance it answers True/False; on the class (``Recommendation.is_overdue(today)``) it is the
        same condition as SQL, for ``where`` and ``filter``. The caller chooses ``today``.
        """
        return self.due_date is not None and self.due_date < today and self.status not in CLOSED_RECOMMENDATION_STATUSES

    @is_overdue.expression
    def is_overdue(cls, today: date):
        return and_(cls.due_date < today, cls.status.not_in(CLOSED_RECOMMENDATION_STATUSES))


class RecommendationUpdate(db.Model):
    """A dated follow-up entry on a recommendation."""

    __tablename__ = "recommendation_updates"
    __table_args__ = (one_of("status", RECOMMENDATION_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    #: the day the follow-up happened (may be earlier than when it was typed in)
    date: Mapped[date]
    #: the recommendation's status after this update
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates")
    author = relationship("User")
