"""A training's official letters: the reference prefix, the date and the signatory printed on its invitation and
visa-support letters."""
from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import utcnow
from ..extensions import db


class LetterSettings(db.Model):
    """What a training's letters print besides the person: reference "<prefix>/<registration id>", the letter's
    date (None: the day it is made) and the signatory (one of the training's certificate signatories)."""

    __tablename__ = "letter_settings"

    training_id: Mapped[int] = mapped_column(
        "training_session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    reference_prefix: Mapped[str] = mapped_column(String(40))
    letter_date: Mapped[date | None]
    signatory_id: Mapped[int | None] = mapped_column(ForeignKey("signatories.id", ondelete="SET NULL"))
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    signatory = relationship("Signatory")
