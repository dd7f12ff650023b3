"""Official letters of a training: a bilingual invitation letter and visa-support letter per participant, as PDF on a
letterhead made from the organisers' logos and addresses, with a reference number, a date and a signatory set per
training; all of a training's letters as one ZIP (bulk job "letters.export").

Letters go to confirmed participants. Each kind is drawn like the certificates (``pdf.render_batch``): the page
the letters share is laid out once, each person's box once per person. A visa-support letter prints the nationality and passport details a person gave on the
registration form (sensitive answers): each printing of them is recorded in the audit log.
"""
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import pdf
from ..audit.services import record
from ..core.domain import DomainError
from ..extensions import db
from ..participants.models import Participant
from ..questions.models import RegistrationAnswer, RegistrationQuestion
from ..registrations.models import Registration
from ..trainings.models import Signatory
from .letterhead import logo_data_uri
from .models import LetterSettings

KINDS = {"invitation": _l("Invitation letter"), "visa": _l("Visa-support letter")}
#: the registration questions a visa-support letter prints, when the training asks them
TRAVEL_FIELDS = ("nationality", "passport_number", "passport_expiry")


class LetterError(DomainError):
    """Letters cannot be made (no one confirmed, a signatory of another training …); nothing was made."""


@dataclass(frozen=True)
class LetterSettingsDetails:
    reference_prefix: str
    letter_date: date | None
    signatory_id: int | None

    @classmethod
    def from_form(cls, form) -> "LetterSettingsDetails":
        return cls(reference_prefix=form.reference_prefix.data.strip(), letter_date=form.letter_date.data,
                   signatory_id=form.signatory_id.data or None)


def settings_of(training) -> LetterSettings:
    """The training's letter settings; unsaved defaults (prefix "TRN-<id>", today's date, first signatory) if none."""
    return db.session.get(LetterSettings, training.id) or LetterSettings(
        training_id=training.id, reference_prefix=f"TRN-{training.id}",
        signatory_id=training.signatories[0].id if training.signatories else None)


def save_settings(training, details: LetterSettingsDetails, *, by_user) -> None:
    if details.signatory_id and db.session.get(Signatory, details.signatory_id) not in training.signatories:
        raise LetterError(_("Choose one of the training's signatories."), field="signatory_id")
    settings = db.session.get(LetterSettings, training.id) or LetterSettings(training_id=training.id)
    settings.reference_prefix, settings.letter_date = details.reference_prefix, details.letter_date
    settings.signatory_id = details.signatory_id
    db.session.add(settings)
    record(by_user, "letters.settings", training, "Letter settings changed",
           {"reference_prefix": details.reference_prefix, "letter_date": details.letter_date,
            "signatory_id": details.signatory_id}, training_id=training.id, details={})
    db.session.commit()


def reference_of(settings, registration, kind: str) -> str:
    """A letter's reference number: "<prefix>/<INV|VISA>/<registration id>"."""
    return f"{settings.reference_prefix}/{'INV' if kind == 'invitation' else 'VISA'}/{registration.id}"


def confirmed_registrations(training) -> list[Registration]:
    return db.session.scalars(
        select(Registration).join(Participant, Registration.participant_id == Participant.id)
        .where(Registration.training_id == training.id, Registration.status == "confirmed",
               Participant.erased_at.is_(None))
        .options(selectinload(Registration.participant).selectinload(Participant.organisation))
        .order_by(Participant.name, Registration.id)).all()


def _travel_details(training, registrations, *, by_user) -> dict[int, dict[str, str]]:
    """{registration id: {builtin key: answer}} of the travel fields; the printing is audit-logged."""
    rows = db.session.execute(
        select(RegistrationAnswer.registration_id, RegistrationQuestion.builtin, RegistrationAnswer.value)
        .join(RegistrationQuestion, RegistrationAnswer.question_id == RegistrationQuestion.id)
        .where(RegistrationQuestion.training_id == training.id, RegistrationQuestion.builtin.in_(TRAVEL_FIELDS),
               RegistrationAnswer.registration_id.in_([r.id for r in registrations]))).all()
    details: dict[int, dict[str, str]] = {}
    for registration_id, key, value in rows:
        details.setdefault(registration_id, {})[key] = value
    if details:
        record(by_user, "letters.passports_printed", training,
               f"Passport details printed in {len(details)} visa-support letters",
               {"registration_ids": sorted(details)}, training_id=training.id, details={"count": len(details)})
        db.session.commit()
    return details


def render_letters(training, kind: str, registrations, *, by_user, on_progress=None) -> list[bytes]:
    """One PDF per registration of the letter ``kind`` ("invitation" or "visa"), in the order given."""
    if kind not in KINDS:
        raise ValueError(kind)
    settings = settings_of(training)
    signatory = settings.signatory or (training.signatories[0] if training.signatories else None)
    organisers = [(o.organisation, logo_data_uri(o.organisation)) for o in training.organisers]
    travel = _travel_details(training, registrations, by_user=by_user) if kind == "visa" else {}
    letters = [{"registration": r, "participant": r.participant, "reference": reference_of(settings, r, kind),
                "travel": travel.get(r.id, {})} for r in registrations]
    return pdf.render_batch(
        "pdf/letter.html", "letters", anchor_prefix="letter-", on_progress=on_progress, kind=kind, training=training,
        letters=letters, organisers=organisers, letter_date=settings.letter_date or date.today(),
        signatory=signatory, signature=pdf.image_data_uri(signatory.signature_image, signatory.signature_mimetype)
        if signatory else None)


def letter_pdf(training, registration, kind: str, *, by_user) -> bytes:
    """One person's letter; LetterError unless their registration is confirmed."""
    if registration.status != "confirmed":
        raise LetterError(_("Letters are made for confirmed participants only."))
    return render_letters(training, kind, [registration], by_user=by_user)[0]


def letter_filename(registration, kind: str) -> str:
    return f"{kind}-letter-{registration.training_id}-{registration.id}.pdf"


def zip_of_letters(training, *, by_user, on_progress=None) -> bytes:
    """Both letters of every confirmed participant as one ZIP (``invitation/…pdf``, ``visa/…pdf``); LetterError
    when no one is confirmed."""
    registrations = confirmed_registrations(training)
    if not registrations:
        raise LetterError(_("No confirmed participants yet: there are no letters to make."))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            files = render_letters(training, kind, registrations, by_user=by_user, on_progress=on_progress)
            for registration, data in zip(registrations, files):
                archive.writestr(f"{kind}/{letter_filename(registration, kind)}", data)
    return out.getvalue()
