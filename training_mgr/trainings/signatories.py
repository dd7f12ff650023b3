"""A training's certificate rule and the signatories printed on its certificates (name, title, signature
image). Every write is audited and committed once; a refused write raises ``TrainingError`` with its field."""
import io
from dataclasses import asdict, fields

from flask_babel import gettext as _

from ..audit import services as audit
from ..extensions import db
from .inputs import CertificateRule, SignatoryDetails
from .models import Signatory, TrainingSession
from .services import TrainingError

CERTIFICATE_RULE_FIELDS = ("cert_min_attendance", "cert_late_counts", "cert_excused_excluded")
SIGNATORY_FIELDS = tuple(field.name for field in fields(SignatoryDetails))
MAX_SIGNATORIES = 4
SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_PIXELS = 4000
SIGNATURE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def update_certificate_rule(training: TrainingSession, by_user, rule: CertificateRule) -> dict:
    """Give the training ``rule``; return what changed, ``{field: [old, new]}`` ({} when nothing did), audited as
    ``training.certificate_rule``. Raises TrainingError (``cert_min_attendance``) for a share outside 0..100
    percent (the same range the database checks)."""
    minimum = rule.cert_min_attendance
    if minimum is None or not 0 <= minimum <= 100:
        raise TrainingError(_("Give a share between 0 and 100 percent."), "cert_min_attendance")
    changes = audit.diff(training, CERTIFICATE_RULE_FIELDS, asdict(rule))
    if changes:
        audit.record(by_user, "training.certificate_rule", training, "Certificate rule changed", changes=changes,
                     details={})
        db.session.commit()
    return changes


def check_signature_image(data: bytes) -> str:
    """The MIME type of an acceptable signature image (PNG or JPEG, size-limited), or a TrainingError."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise TrainingError(_("The signature file is empty."), "signature")
    if len(data) > SIGNATURE_MAX_BYTES:
        raise TrainingError(_("The signature image must be smaller than %(size)s KB.", size=SIGNATURE_MAX_BYTES // 1024),
                            "signature")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise TrainingError(_("The signature must be a PNG or JPEG image."), "signature")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise TrainingError(_("The signature image could not be read."), "signature") from None
    if kind not in SIGNATURE_TYPES:
        raise TrainingError(_("The signature must be a PNG or JPEG image."), "signature")
    if max(size) > SIGNATURE_MAX_PIXELS:
        raise TrainingError(_("The signature image is too large (at most %(px)d pixels a side).",
                              px=SIGNATURE_MAX_PIXELS), "signature")
    return SIGNATURE_TYPES[kind]


def _check_signatory(details: SignatoryDetails) -> None:
    if not (details.name or "").strip():
        raise TrainingError(_("Give the signatory's name."), "name")


def add_signatory(training: TrainingSession, by_user, details: SignatoryDetails,
                  image: bytes | None = None) -> Signatory:
    """Add a signatory with ``details`` and the signature ``image`` (the uploaded file's bytes, or None) after the
    others; audited as ``training.signatory_add``. Raises TrainingError: no name (``name``), already
    ``MAX_SIGNATORIES`` (no field: room on the certificate), an image refused by ``check_signature_image``
    (``signature``)."""
    _check_signatory(details)
    if len(training.signatories) >= MAX_SIGNATORIES:
        raise TrainingError(_("A certificate has room for %(max)d signatories at most.", max=MAX_SIGNATORIES))
    mimetype = check_signature_image(image) if image else None
    signatory = Signatory(
        position=max((s.position for s in training.signatories), default=-1) + 1,
        signature_image=image or None, signature_mimetype=mimetype,
        **asdict(details),
    )
    training.signatories.append(signatory)
    audit.record(by_user, "training.signatory_add", signatory, f"Signatory added: {signatory.name}",
                 training_id=training.id, details={"name": signatory.name, "name_ar": signatory.name_ar})
    db.session.commit()
    return signatory


def update_signatory(signatory: Signatory, by_user, details: SignatoryDetails, image: bytes | None = None,
                     remove_image: bool = False) -> dict:
    """Give ``signatory`` every field of ``details``; a new ``image`` (bytes) replaces the signature, else
    ``remove_image`` removes it. Return what changed, ``{field: [old, new]}`` ({} when nothing did), audited as
    ``training.signatory_update``. Raises TrainingError for the reasons ``add_signatory`` gives."""
    _check_signatory(details)
    mimetype = check_signature_image(image) if image else None
    changes = audit.diff(signatory, SIGNATORY_FIELDS, asdict(details))
    if image:
        changes["signature_image"] = ["image" if signatory.signature_image else None, f"{mimetype}, {len(image)} bytes"]
        signatory.signature_image, signatory.signature_mimetype = image, mimetype
    elif remove_image and signatory.signature_image:
        signatory.signature_image = signatory.signature_mimetype = None
        changes["signature_image"] = ["image", None]
    if changes:
        audit.record(by_user, "training.signatory_update", signatory, f"Signatory edited: {signatory.name}",
                     changes=changes, training_id=signatory.training_id,
                     details={"name": signatory.name, "name_ar": signatory.name_ar})
        db.session.commit()
    return changes


def remove_signatory(signatory: Signatory, by_user) -> None:
    training = signatory.training
    training.signatories.remove(signatory)
    audit.record(by_user, "training.signatory_remove", signatory, f"Signatory removed: {signatory.name}",
                 training_id=training.id, details={"name": signatory.name, "name_ar": signatory.name_ar})
    db.session.commit()
