from dataclasses import dataclass
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

CERTIFICATE_STATUSES = ("valid", "revoked")


@dataclass(frozen=True)
class PrintedHolder:
    """A certificate's holder as the certificate printed them (``Certificate.holder``): ``name`` (Latin script, or
    the Arabic name of someone who gave no Latin one) and ``name_ar``, read as a participant's are
    (``core.i18n.localized``)."""

    name: str | None
    name_ar: str | None


class Certificate(db.Model):
    """A certificate issued to one registration; a reissue is a new row and the old one is revoked."""

    __tablename__ = "certificates"
    __table_args__ = (
        one_of("status", CERTIFICATE_STATUSES),
        UniqueConstraint("year", "sequence"),
        CheckConstraint("status = 'valid' OR revoked_at IS NOT NULL", name="revoked_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="RESTRICT"), index=True)
    #: printed number, e.g. TM-2022-0007
    serial: Mapped[str] = mapped_column(String(30), unique=True)
    #: year and running number the serial is made of
    year: Mapped[int]
    sequence: Mapped[int]
    #: random verification code (>= 80 bits), Crockford base32 in groups, e.g. 7K3M-Q9PX-...
    code: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(7), default="valid")
    #: the date printed on the certificate: the training's completion
    issued_on: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    revoked_at = mapped_column(db.DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    #: what the certificate printed when it was issued: the holder's names, organisation and the training's title.
    #: The verification page shows these, whatever the profile or the training says later; only a reissue (a new
    #: certificate, audit-logged) prints them anew. Names are None once the holder's details are erased.
    printed_name: Mapped[str | None] = mapped_column(String(200))
    printed_name_ar: Mapped[str | None] = mapped_column(String(200))
    printed_organisation: Mapped[str | None] = mapped_column(String(200))
    printed_organisation_ar: Mapped[str | None] = mapped_column(String(200))
    printed_title: Mapped[str | None] = mapped_column(String(300))
    printed_title_ar: Mapped[str | None] = mapped_column(String(300))
    #: the certificate this one replaces, when reissued
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    #: the issued PDF exactly as first rendered; re-downloads serve these bytes
    pdf: Mapped[bytes | None] = mapped_column(db.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)

    registration = relationship("Registration", back_populates="certificates")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    replaces = relationship("Certificate", remote_side=[id])

    @property
    def holder(self) -> PrintedHolder:
        """The names the certificate printed, whatever the holder is called now; once the holder's details are
        erased (no printed name), the participant's names as they stand."""
        if self.printed_name is None and self.printed_name_ar is None:
            participant = self.registration.participant
            return PrintedHolder(participant.name, participant.name_ar)
        return PrintedHolder(self.printed_name, self.printed_name_ar)

    @property
    def holder_renamed(self) -> bool:
        """The holder's names now differ from those the certificate printed."""
        participant = self.registration.participant
        return self.holder != PrintedHolder(participant.name, participant.name_ar)


class CertificateCounter(db.Model):
    """Last serial number used per year; incremented under a row lock so serials never collide."""

    __tablename__ = "certificate_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(default=0)
