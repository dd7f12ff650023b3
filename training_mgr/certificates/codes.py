"""Certificate serial numbers and verification codes: the yearly serial counter, the codes printed on a
certificate (and typed back on /verify), and the checks that a PDF is the one issued.

Serial numbers come from one counter row per year, taken under a row lock (PostgreSQL) or the
write lock (SQLite), so two officers issuing at the same moment never print the same number.
"""
import hashlib
import secrets

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload

from ..core.db import bounded_lock_wait
from ..core.text import typed_code
from ..core.urls import public_url
from ..extensions import db
from ..registrations.models import Registration
from .models import Certificate, CertificateCounter

#: Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is unambiguous
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4  # 16 symbols x 5 bits = 80 random bits
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH


def lock_counter(year: int, increment: int) -> int:
    """Lock the year's counter row until commit, add ``increment``, and return the new last number.

    A lock held too long by someone else raises ``core.db.Busy`` ("try again", ``bounded_lock_wait``).
    """
    with bounded_lock_wait():
        return _take_counter(year, increment)


def _take_counter(year: int, increment: int) -> int:
    """PostgreSQL: create the row if missing, then SELECT ... FOR UPDATE. SQLite: the UPDATE comes
    first, as the transaction's first write, which takes the database's write lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        db.session.execute(
            pg_insert(CertificateCounter).values(year=year, last_sequence=0).on_conflict_do_nothing(index_elements=["year"])
        )
        last = db.session.scalar(
            select(CertificateCounter.last_sequence).where(CertificateCounter.year == year).with_for_update()
        )
        if increment:
            db.session.execute(
                update(CertificateCounter).where(CertificateCounter.year == year)
                .values(last_sequence=last + increment).execution_options(synchronize_session=False)
            )
        return last + increment
    updated = db.session.execute(
        update(CertificateCounter).where(CertificateCounter.year == year)
        .values(last_sequence=CertificateCounter.last_sequence + increment)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount == 0:
        db.session.execute(insert(CertificateCounter).values(year=year, last_sequence=increment))
    return db.session.scalar(select(CertificateCounter.last_sequence).where(CertificateCounter.year == year))


def reserve_sequences(year: int, count: int) -> int:
    """Reserve ``count`` consecutive serial numbers of ``year`` and commit; returns the first.

    Reserving in a short transaction of its own keeps the lock off the PDF rendering that follows.
    A render that fails afterwards leaves a gap in the numbers: serials are unique, not gapless.
    """
    last = lock_counter(year, count)
    db.session.commit()
    return last - count + 1


def format_serial(year: int, sequence: int) -> str:
    return f"{current_app.config['CERTIFICATE_SERIAL_PREFIX']}-{year}-{sequence:04d}"


def new_verification_code() -> str:
    """80 random bits in Crockford base32, in groups of four: e.g. ``7K3M-Q9PX-2HDT-W4NB``."""
    value = secrets.randbits(CODE_LENGTH * 5)
    symbols = "".join(CROCKFORD_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return _grouped(symbols)


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i:i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH))


def normalise_code(text: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code: read as ``core.text.typed_code`` reads
    it (any case; Arabic-Indic or Persian digits; spaces and dashes anywhere or none), I and L as 1, O as 0."""
    symbols = typed_code(text).translate(str.maketrans("ILO", "110"))
    if len(symbols) != CODE_LENGTH or any(c not in CROCKFORD_ALPHABET for c in symbols):
        return None
    return _grouped(symbols)


def find_by_code(text: str):
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(
        select(Certificate).where(Certificate.code == code)
        .options(joinedload(Certificate.registration).joinedload(Registration.participant))
    )


def replacement_of(certificate):
    """The certificate issued in place of this one, if it was reissued."""
    return db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))


def verification_url(code: str) -> str:
    """The absolute /verify/<code> address printed as the QR code, under PUBLIC_BASE_URL."""
    return public_url("certificates.verify", code=code)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_original(certificate, data: bytes) -> bool:
    """True when ``data`` is byte for byte the PDF issued for ``certificate``."""
    return certificate.pdf_sha256 is not None and secrets.compare_digest(sha256_hex(data), certificate.pdf_sha256)
