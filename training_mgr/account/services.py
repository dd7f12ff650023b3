"""The participant's own space: their registrations, withdrawing, their profile and a copy of their data."""
from dataclasses import asdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..attendance.models import AttendanceMark
from ..audit import services as audit
from ..core.db import utcnow
from ..extensions import db
from ..participants.inputs import PersonalDetails
from ..questions import services as questions
from ..registrations import services as registrations
from ..registrations.models import Registration
from ..trainings.models import TrainingSession

#: registrations a participant may still withdraw
WITHDRAWABLE_STATUSES = ("pending", "confirmed", "waitlisted")


def my_registrations(participant):
    """The participant's registrations, most recent training first, with trainings and certificates loaded."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.training)
        .where(Registration.participant_id == participant.id)
        .options(selectinload(Registration.training), selectinload(Registration.certificates))
        .order_by(TrainingSession.start_date.desc(), Registration.id.desc())
    ).all()


def own_registration(user, registration_id: int):
    """One of the user's own registrations, or None (someone else's is as good as unknown)."""
    if not user.participant_id:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.id == registration_id, Registration.participant_id == user.participant_id)
    )


def can_withdraw(registration, today: date | None = None) -> bool:
    """Before the training starts, a pending, confirmed or waitlisted registration can be withdrawn."""
    training = registration.training
    today = today or date.today()
    return (
        registration.status in WITHDRAWABLE_STATUSES
        and training.status in ("open", "closed")
        and (training.start_date is None or training.start_date > today)
    )


def withdraw(user, registration):
    """The participant withdraws; a freed seat goes to the first on the waiting list (``change_status``)."""
    if not can_withdraw(registration):
        raise registrations.RegistrationError(str(_l("This registration can no longer be withdrawn. Please contact the organisers.")))
    return registrations.change_status(registration, "withdrawn", by_user=user)


def update_profile(user, details: PersonalDetails, locale: str) -> dict:
    """Give the participant of ``user`` every field of ``details`` and ``locale`` (a language code of
    the ``LANGUAGES`` setting, for e-mails and pages); commit and return what changed, ``{field: [old, new]}`` (audited as
    ``participant.update``). Raises nothing: the form has checked the answers."""
    participant = user.participant
    values = {**asdict(details), "locale": locale}
    changes = audit.diff(participant, list(values), values)
    user.locale = locale
    user.name = participant.name
    if changes:
        audit.record(user, "participant.update", participant, f"{participant.name} updated their profile", changes=changes,
                     details={"name": participant.name, "name_ar": participant.name_ar})
    db.session.commit()
    return changes


def export_my_data(user) -> dict:
    """Everything stored about the logged-in participant, and nothing about anyone else."""
    participant = user.participant
    regs = db.session.scalars(
        select(Registration)
        .where(Registration.participant_id == participant.id)
        .options(
            selectinload(Registration.training),
            selectinload(Registration.marks).joinedload(AttendanceMark.session_day),
            selectinload(Registration.certificates),
        )
        .order_by(Registration.id)
    ).all()
    organisation = participant.organisation
    return {
        "exported_at": utcnow().isoformat(),
        "participant": {
            "id": participant.id,
            "name": participant.name,
            "name_ar": participant.name_ar,
            "sex": participant.sex,
            "organisation": None if organisation is None else {
                "id": organisation.id, "name": organisation.name, "name_ar": organisation.name_ar,
            },
            "organisation_other": participant.organisation_other,
            "position": participant.position,
            "email": participant.email,
            "phone": participant.phone,
            "locale": participant.locale,
            "consent_at": _iso(participant.consent_at),
            "created_at": _iso(participant.created_at),
            "updated_at": _iso(participant.updated_at),
        },
        "account": {
            "email": user.email,
            "role": user.role,
            "locale": user.locale,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "registrations": [_registration_data(r) for r in regs],
    }


def _registration_data(registration):
    training = registration.training
    return {
        "id": registration.id,
        "training": {
            "id": training.id, "title": training.title, "title_ar": training.title_ar,
            "start_date": _iso(training.start_date), "end_date": _iso(training.end_date),
            "venue": training.venue, "city": training.city, "country": training.country, "status": training.status,
        },
        "status": registration.status,
        "source": registration.source,
        "nominated_by": registration.nominated_by,
        "status_reason": registration.status_reason,
        "registered_at": _iso(registration.created_at),
        "status_changed_at": _iso(registration.status_changed_at),
        "attendance": [
            {"date": _iso(mark.session_day.date), "status": mark.status, "note": mark.note}
            for mark in sorted(registration.marks, key=lambda m: m.session_day.date)
        ],
        "certificates": [
            {
                "serial": c.serial, "verification_code": c.code, "status": c.status, "issued_on": _iso(c.issued_on),
                "revoked_at": _iso(c.revoked_at), "revoke_reason": c.revoke_reason, "pdf_sha256": c.pdf_sha256,
            }
            for c in registration.certificates
        ],
        # their own answers to the training's registration questions, sensitive ones included: the data is theirs
        "answers": [
            {"question": question.label, "question_ar": question.label_ar, "answer": value}
            for question, value in questions.own_answers(registration)
        ],
    }


def _iso(value):
    return value.isoformat() if value is not None else None
