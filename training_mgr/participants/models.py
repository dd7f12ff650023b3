from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..core.text import folded_lines
from ..extensions import db

SEXES = ("female", "male")


class Participant(db.Model):
    """One real person across all trainings."""

    __tablename__ = "participants"
    __table_args__ = (one_of("sex", SEXES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: name in Latin script
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: name in Arabic script
    name_ar: Mapped[str | None] = mapped_column(String(200))
    #: both names folded for search (``core.text.folded_lines``), one a line; filled on every write
    name_folded: Mapped[str] = mapped_column(Text, default="", server_default="", index=True)
    #: recorded for sex-disaggregated statistics
    sex: Mapped[str] = mapped_column(String(6))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    #: organisation typed in by the participant when not in the list, until an officer maps it
    organisation_other: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    #: stored lower-cased; one participant per address
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    #: language e-mails are sent in
    locale: Mapped[str] = mapped_column(String(5), default="en")
    #: when the person consented to the processing of their personal data
    consent_at = mapped_column(db.DateTime(timezone=True))
    #: when the person's details were erased (on request or by the retention rule); what identified them is
    #: replaced by placeholders, while sex, organisation, registrations and marks stay for the reports
    erased_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)

    organisation = relationship("Organisation")
    registrations = relationship("Registration", back_populates="participant")
    user = relationship("User", back_populates="participant", uselist=False)

    def __repr__(self):
        return f"<Participant {self.id} {self.email}>"


@event.listens_for(Participant, "before_insert")
@event.listens_for(Participant, "before_update")
def _fold_names(_mapper, _connection, participant):
    participant.name_folded = folded_lines(participant.name, participant.name_ar)
