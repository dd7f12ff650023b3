"""Certificate rules: eligibility, issuing, revoking and reissuing, and the certificate PDFs. Serial
numbers and verification codes are in ``codes.py``.
"""
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, undefer

from .. import pdf
from ..attendance.services import certificate_rule_result
from ..audit import services as audit
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.i18n import fmt_date, fmt_date_range
from ..core.labels import REGISTRATION_STATUS_LABELS
from ..extensions import db
from ..participants.models import Participant
from ..registrations.models import Registration
from .codes import format_serial, lock_counter, new_verification_code, reserve_sequences, sha256_hex, verification_url
from .models import Certificate

REASON_MAX_LENGTH = 500
SIGNATURE_MIMETYPES = ("image/png", "image/jpeg")
PDF_ANCHOR_PREFIX = "certificate-"


class CertificateError(DomainError):
    """A certificate rule refused the request; the message is shown to the user."""


# --- eligibility ---------------------------------------------------------------------------


@dataclass
class Eligibility:
    """Whether one registration may receive a certificate now, and if not, why."""

    registration: Registration
    #: why not, in words an officer understands; None when eligible
    reason: str | None
    #: the certificate rule measured against the marks (None when not confirmed)
    rule: object | None = None

    @property
    def eligible(self) -> bool:
        return self.reason is None

    @property
    def certificate(self):
        return self.registration.current_certificate


def valid_certificate(registration):
    return next((c for c in registration.certificates if c.status == "valid"), None)


def attendance_reason(training, registration):
    """Why the attendance rule is not met (None when it is), and the measured rule."""
    statuses = [mark.status for mark in registration.marks]
    if not statuses:
        return _("No attendance recorded"), None
    rule = certificate_rule_result(training, statuses)
    if rule.met:
        return None, rule
    if rule.counted == 0:
        return _("Every day was excused, so no day counts"), rule
    return _(
        "Attended %(attended)s of %(counted)s days, %(needed)s%% needed",
        attended=rule.attended, counted=rule.counted, needed=training.cert_min_attendance,
    ), rule


def eligibility_of(training, registration) -> Eligibility:
    if registration.status != "confirmed":
        label = str(REGISTRATION_STATUS_LABELS[registration.status]).lower()
        return Eligibility(registration, _("Not confirmed (%(status)s)", status=label))
    if registration.participant.erased_at is not None:
        return Eligibility(registration, _("The person's details were erased on their request"))
    reason, rule = attendance_reason(training, registration)
    if valid_certificate(registration) is not None:
        return Eligibility(registration, _("Already has a valid certificate"), rule)
    return Eligibility(registration, reason, rule)


def session_registrations(training, registration_ids=None):
    """A training's registrations, by participant name, with marks, certificates and participant loaded."""
    query = (
        select(Registration)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.training_id == training.id)
        .options(
            joinedload(Registration.participant),
            selectinload(Registration.marks),
            selectinload(Registration.certificates),
        )
        .order_by(Participant.name, Registration.id)
    )
    if registration_ids is not None:
        query = query.where(Registration.id.in_(registration_ids))
    return db.session.scalars(query).unique().all()


def eligibility(training, registration_ids=None) -> list[Eligibility]:
    """Every registration of the training (or the given ones) with its eligibility."""
    return [eligibility_of(training, r) for r in session_registrations(training, registration_ids)]


def issuing_error(training):
    """Why certificates cannot be issued for this training now, or None."""
    if training.status != "completed":
        return _("Certificates can be issued once the training is marked as completed.")
    if completion_date(training) is None:
        return _("The training has no end date, so the certificate date is unknown.")
    return None


def completion_date(training) -> date | None:
    """The date printed on certificates: the training's last day, else the day it was marked completed."""
    if training.end_date:
        return training.end_date
    completed_at = as_utc(training.completed_at)
    if completed_at is None:
        return None
    return completed_at.astimezone(ZoneInfo(training.timezone)).date()


# --- the PDF -------------------------------------------------------------------------------


@dataclass
class PrintedCertificate:
    """What one page of the certificate template needs."""

    certificate: Certificate
    participant: Participant
    verify_url: str
    qr_data_uri: str
    #: the font size (pt) of the printed name in each half, {"en": …, "ar": …}: see ``name_font_sizes``
    name_sizes: dict


#: the box a printed name has in each half of the certificate (templates/pdf/certificate.html): 108 mm wide,
#: room for about two lines at the largest size; and the fonts it is drawn in (bold)
NAME_BOX = {"width_pt": 306.0, "height_pt": 58.0, "largest": 23.0, "smallest": 14.0}
NAME_FONTS = {"en": ("Amiri-Bold.ttf", "DejaVuSans-Bold.ttf"), "ar": ("NotoNaskhArabic-Bold.ttf", "DejaVuSans-Bold.ttf")}


def printed_text(training, participant) -> dict:
    """What a certificate issued now prints and keeps (``Certificate.printed_*``): the holder's names and
    organisation, the training's title."""
    organisation = participant.organisation
    return {
        "printed_name": participant.name, "printed_name_ar": participant.name_ar,
        "printed_organisation": organisation.name if organisation else participant.organisation_other,
        "printed_organisation_ar": organisation.name_ar if organisation else None,
        "printed_title": training.title, "printed_title_ar": training.title_ar,
    }


def printed_names(certificate) -> dict:
    """The name printed in each half: {"en": the Latin name, "ar": the Arabic name, else the Latin one}."""
    return {"en": certificate.printed_name, "ar": certificate.printed_name_ar or certificate.printed_name}


def name_font_sizes(names: dict) -> dict:
    """{half: font size in pt} at which each printed name fits its box: the largest size on one line, else
    smaller down to 14 pt, else wrapped over two or three lines (an unbroken word breaks anywhere), smaller
    still only for the longest names of wide letters (names are at most 200 characters)."""
    return {half: pdf.fit_font_size(text, NAME_FONTS[half], **NAME_BOX) for half, text in names.items()}


def _signature_data_uri(signatory):
    if not signatory.signature_image or signatory.signature_mimetype not in SIGNATURE_MIMETYPES:
        return None
    return pdf.image_data_uri(signatory.signature_image, signatory.signature_mimetype)


def print_context(training) -> dict:
    """The training's part of the certificate, with dates written in each of its two languages."""
    completed_on = completion_date(training)
    texts = {}
    for lang in ("en", "ar"):
        with force_locale(lang):
            texts[lang] = {
                "dates": fmt_date_range(training.start_date, training.end_date),
                "completed_on": fmt_date(completed_on, "long"),
            }
    return {
        "training": training,
        "course": training.course,
        "host": training.host,
        "co_organisers": training.co_organisers,
        "signatories": [(s, _signature_data_uri(s)) for s in training.signatories],
        "logos": organiser_logos(training),
        "texts": texts,
    }


def organiser_logos(training) -> list:
    """[(organisation, logo as a data: URI)] of the training's host and co-organisers that have a logo: the
    issuers a certificate and its verification page show."""
    organisers = ([training.host] if training.host else []) + list(training.co_organisers)
    return [(o, uri) for o in organisers if (uri := pdf.image_data_uri(o.logo, o.logo_mimetype))]


def _printed(certificate, participant) -> PrintedCertificate:
    url = verification_url(certificate.code)
    return PrintedCertificate(certificate, participant, url, pdf.qr_data_uri(url),
                              name_font_sizes(printed_names(certificate)))


def render_certificates(training, pairs, on_progress=None) -> list[bytes]:
    """One PDF per (certificate, participant), rendered as a batch (what they share is laid out once)."""
    printed = [_printed(certificate, participant) for certificate, participant in pairs]
    return pdf.render_batch(
        "pdf/certificate.html", "certificates", anchor_prefix=PDF_ANCHOR_PREFIX, on_progress=on_progress,
        certificates=printed, **print_context(training),
    )


# --- writes --------------------------------------------------------------------------------


def issue_certificates(training, registration_ids=None, *, by_user=None, on_progress=None):
    """Issue certificates to the eligible ones among ``registration_ids`` (every registration when None)
    and commit. Returns (issued certificates, ineligible Eligibility rows)."""
    error = issuing_error(training)
    if error:
        raise CertificateError(error)
    rows = eligibility(training, registration_ids)
    eligible = [row.registration for row in rows if row.eligible]
    skipped = [row for row in rows if not row.eligible]
    if not eligible:
        return [], skipped
    return _issue(training, [r.id for r in eligible], by_user=by_user, on_progress=on_progress), skipped


def issue_part(training, registration_ids, *, by_user, before_commit) -> list:
    """Issue certificates to the eligible ones among ``registration_ids`` (one part of a bulk job) and commit,
    calling ``before_commit(issued)`` just before the commit; when it returns False (the part was done meanwhile)
    everything is rolled back and nothing issued. People issued to already are skipped, so a part run again after
    a crash issues to nobody twice (``_issue`` checks again under the serial counter's lock)."""
    error = issuing_error(training)
    if error:
        raise CertificateError(error)
    eligible = [row.registration.id for row in eligibility(training, registration_ids) if row.eligible]
    if eligible:
        return _issue(training, eligible, by_user=by_user, before_commit=before_commit)
    if before_commit([]):
        db.session.commit()
    else:
        db.session.rollback()
    return []


def _issue(training, registration_ids, *, by_user, on_progress=None, replacing=None, reason=None, before_commit=None):
    issued_on = completion_date(training)
    first = reserve_sequences(issued_on.year, len(registration_ids))
    # The commit expired everything; one query loads the people again.
    by_id = {r.id: r for r in session_registrations(training, registration_ids)}
    registrations = [by_id[i] for i in registration_ids]
    pairs = []
    for offset, registration in enumerate(registrations):
        sequence = first + offset
        certificate = Certificate(
            registration_id=registration.id, year=issued_on.year, sequence=sequence,
            serial=format_serial(issued_on.year, sequence), code=new_verification_code(), status="valid",
            issued_on=issued_on, issued_by_id=getattr(by_user, "id", None),
            replaces_id=replacing.id if replacing else None, **printed_text(training, registration.participant),
        )
        pairs.append((certificate, registration.participant))
    files = render_certificates(training, pairs, on_progress=on_progress)

    # The year's counter lock again: issuing to the same people at the same moment
    # cannot leave anyone with two valid certificates.
    lock_counter(issued_on.year, 0)
    already = set(db.session.scalars(
        select(Certificate.registration_id).where(
            Certificate.registration_id.in_(registration_ids), Certificate.status == "valid",
            *([Certificate.id != replacing.id] if replacing else []),
        )
    ))
    if replacing is not None:
        db.session.refresh(replacing)
        if replacing.status != "valid":
            db.session.rollback()
            raise CertificateError(_("This certificate was changed by someone else meanwhile; please look again."))
        _revoke(replacing, reason, by_user)
    issued = []
    for (certificate, participant), data in zip(pairs, files):
        if certificate.registration_id in already:
            continue
        certificate.pdf, certificate.pdf_sha256 = data, sha256_hex(data)
        db.session.add(certificate)
        audit.record(
            by_user, "certificate.reissued" if replacing else "certificate.issued", certificate,
            _("Certificate %(serial)s issued to %(name)s", serial=certificate.serial, name=participant.name),
            {"serial": certificate.serial, "replaces": replacing.serial if replacing else None,
             **({"printed_name": [replacing.printed_name, certificate.printed_name],
                 "printed_name_ar": [replacing.printed_name_ar, certificate.printed_name_ar]} if replacing else {})},
            training_id=training.id,
            details={"name": participant.name, "name_ar": participant.name_ar, "serial": certificate.serial},
        )
        issued.append(certificate)
    if before_commit is not None and not before_commit(issued):
        db.session.rollback()
        return []
    db.session.commit()
    return issued


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Please give a reason."))
    if len(reason) > REASON_MAX_LENGTH:
        raise CertificateError(_("Please keep the reason under %(max)s characters.", max=REASON_MAX_LENGTH))
    return reason


def _revoke(certificate, reason, by_user):
    certificate.status = "revoked"
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = getattr(by_user, "id", None)
    certificate.revoke_reason = reason
    audit.record(
        by_user, "certificate.revoked", certificate,
        _("Certificate %(serial)s revoked", serial=certificate.serial), {"status": ["valid", "revoked"], "reason": reason},
        details={"name": certificate.printed_name or certificate.registration.participant.name,
                 "name_ar": certificate.printed_name_ar, "serial": certificate.serial, "reason": reason},
    )


def revoke_certificate(certificate, reason, *, by_user):
    """Revoke a valid certificate with a (required) reason, and commit."""
    reason = _clean_reason(reason)
    if certificate.status != "valid":
        raise CertificateError(_("This certificate is already revoked."))
    _revoke(certificate, reason, by_user)
    db.session.commit()
    return certificate


def reissue_certificate(certificate, reason, *, by_user):
    """Replace a valid certificate with a new one (new serial, new code) and revoke the old one; commit.

    Used when something printed was wrong (a misspelt name, say): the person must still meet the rule.
    """
    reason = _clean_reason(reason)
    registration = certificate.registration
    training = registration.training
    error = issuing_error(training)
    if error:
        raise CertificateError(error)
    if certificate.status != "valid":
        raise CertificateError(_("Only a valid certificate can be reissued."))
    if registration.status != "confirmed":
        raise CertificateError(eligibility_of(training, registration).reason)
    attendance_error, _rule = attendance_reason(training, registration)
    if attendance_error:
        raise CertificateError(attendance_error)
    issued = _issue(training, [registration.id], by_user=by_user, replacing=certificate, reason=reason)
    return issued[0]


def merged_pdf(certificates, on_progress=None) -> bytes:
    """The stored PDFs one after the other, as one file for printing: what they share (fonts, the drawing
    they have in common) is stored once (``pdf.merge_pdfs``)."""
    return pdf.merge_pdfs((certificate.pdf for certificate in certificates), on_progress=on_progress)


def zip_of_pdfs(certificates, on_progress=None) -> bytes:
    """One stored PDF per person in a ZIP, named by serial and name."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(export_filename(certificate), certificate.pdf)
            if on_progress:
                on_progress(1)
    return out.getvalue()


def export_filename(certificate) -> str:
    """``TM-2022-0003-Zainab-Al-Karkhi.pdf``: the serial and the name the certificate printed (``holder``), its Latin
    letters and digits or, for a holder with an Arabic name only, its Arabic letters; anything else between words
    as one hyphen, Arabic marks (tashkeel) left out; at most 60 characters of name."""
    holder = certificate.holder
    name = "".join(_file_name_character(ch) for ch in holder.name or holder.name_ar or "")
    name = re.sub("-+", "-", name).strip("-")[:60].strip("-")
    return f"{certificate.serial}-{name}.pdf" if name else f"{certificate.serial}.pdf"


def _file_name_character(ch: str) -> str:
    """``ch`` as it goes into a file name: ASCII letters and digits and Arabic letters kept, Arabic marks dropped,
    anything else a hyphen."""
    if ch.isascii() and ch.isalnum():
        return ch
    if unicodedata.name(ch, "").startswith("ARABIC"):
        return ch if ch.isalpha() else "" if unicodedata.category(ch) == "Mn" else "-"
    return "-"


def valid_certificates(training):
    """A training's valid certificates with their PDFs, by serial (not those whose PDF was deleted when their
    holder was erased)."""
    return db.session.scalars(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.training_id == training.id, Certificate.status == "valid",
               Certificate.pdf.is_not(None))
        .options(selectinload(Certificate.registration).joinedload(Registration.participant))
        .options(undefer(Certificate.pdf))
        .order_by(Certificate.year, Certificate.sequence)
    ).all()
