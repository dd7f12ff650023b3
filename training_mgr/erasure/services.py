"""Erasing a participant, on request or by the retention rule, without breaking the reports or the certificates.

What identifies the person goes: both names become a placeholder (``Erased participant #<id>``), e-mail
and user e-mail a unique address under the reserved ``.invalid`` domain that nothing can deliver to,
position, phone, free-text reasons and attendance notes are cleared, their account is deactivated and
scrubbed (sessions ended, password links and API tokens made unusable), stored certificate PDFs deleted,
queued or sent e-mails to them deleted, and their names and contact details replaced in the audit log.

What the reports count stays: sex, organisation (listed or typed), every registration with its status
and every attendance mark, and each certificate's serial, code, status and SHA-256, so the figures of
``reports.figures`` are the same before and after and ``/verify/<code>`` still answers, with the
holder's details withheld. The audit log keeps who did what and when, on which record; erasure itself
is logged with the participant's id only.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, or_, select, update

from ..attendance.models import AttendanceMark
from ..audit import services as audit
from ..audit.models import AuditEntry
from ..auth import services as auth
from ..auth.models import User, UserToken
from ..certificates.models import Certificate
from ..core import signals
from ..core.db import utcnow
from ..core.domain import DomainError
from ..extensions import db
from ..mail.models import OutboundEmail
from ..registrations.models import Registration
from ..trainings.models import TrainingSession
from ..participants.models import Participant

#: domain reserved by RFC 2606 / RFC 6761: an address under it is unique here and can never be delivered
ERASED_EMAIL_DOMAIN = "erased.invalid"
#: stands for an erased e-mail address or phone number in the audit log, and for any old detail in its changes
ERASED_VALUE = "(erased)"
#: keys of an audit entry's ``changes`` that hold the person's own details, replaced on erasure
PERSONAL_CHANGE_KEYS = ("name", "name_ar", "email", "phone", "position")


class ErasureError(DomainError):
    """Erasure refused; the message is shown to the admin."""


def placeholder_name(participant_id: int, lang: str = "en") -> str:
    """``Erased participant #<id>`` in ``lang``: what the erased person is called everywhere from then on."""
    with force_locale(lang):
        return _("Erased participant #%(id)s", id=participant_id)


def erased_email(kind: str, record_id: int) -> str:
    """A unique placeholder for a NOT NULL, unique e-mail column: ``erased-<kind>-<id>@erased.invalid``."""
    return f"erased-{kind}-{record_id}@{ERASED_EMAIL_DOMAIN}"


def is_erased(participant) -> bool:
    return participant.erased_at is not None


def records_of(participant) -> tuple[int, int]:
    """(registrations, certificates) of ``participant``: what the erasure page says stays, counted."""
    registrations = db.session.scalar(select(func.count(Registration.id)).where(Registration.participant_id == participant.id))
    certificates = db.session.scalar(
        select(func.count(Certificate.id)).join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.participant_id == participant.id)
    )
    return registrations, certificates


# --- erasure on request -------------------------------------------------------------------------------


def erase_participant(participant, *, by_user) -> bool:
    """Erase ``participant``'s personal data on their request and commit; audit-logged with their id only.

    Returns True when erased now, False when they were erased already (erasing twice changes nothing).
    Raises ErasureError when their account is a staff account (admin, officer, manager): that account
    is someone's working login, to be changed by an admin first, not wiped as a side effect.
    """
    if not _claim(participant):
        return False
    _erase(participant)
    audit.record(by_user, "participant.erase", participant, f"Participant #{participant.id} erased on request",
                 details={"number": participant.id})
    db.session.commit()
    return True


def _claim(participant) -> bool:
    """Mark the participant erased in the open transaction, or say it was done already.

    The conditional UPDATE holds the row (PostgreSQL) or the database (SQLite) until commit, so two admins
    erasing the same person at the same moment erase and audit-log once.
    """
    account = participant.user
    if account is not None and account.role != "participant":
        raise ErasureError(str(_l(
            "This person has a staff account (%(email)s). Change that account first: it is not erased with the participant.",
            email=account.email,
        )))
    claimed = db.session.execute(
        update(Participant).where(Participant.id == participant.id, Participant.erased_at.is_(None))
        .values(erased_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    return True


def _erase(participant) -> None:
    """Replace or remove everything that identifies ``participant`` (the caller has claimed them and commits)."""
    account = participant.user
    registration_ids = select(Registration.id).where(Registration.participant_id == participant.id)
    addresses = [participant.email.lower()] + ([account.email.lower()] if account is not None else [])
    scrub = _scrubber_for(participant, account)
    _scrub_audit_log(participant, account, registration_ids, scrub)
    # why a certificate was revoked stays on record for the officers, without the name it may quote
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.registration_id.in_(registration_ids), Certificate.revoke_reason.is_not(None))
    ):
        certificate.revoke_reason = scrub(certificate.revoke_reason)

    arabic = placeholder_name(participant.id, "ar")
    participant.name = placeholder_name(participant.id)
    participant.name_ar = arabic if arabic != participant.name else None  # until translated, the name alone
    participant.email = erased_email("participant", participant.id)
    participant.phone = None
    participant.position = None

    # Free text written about the person (why they withdrew, a note on a day's mark) may say anything about them.
    db.session.execute(
        update(Registration).where(Registration.participant_id == participant.id).values(status_reason=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AttendanceMark).where(AttendanceMark.registration_id.in_(registration_ids)).values(note=None)
        .execution_options(synchronize_session=False)
    )
    # A seat held for them ends now: its mailed link stops working, and it counts for nothing from this moment.
    db.session.execute(
        update(Registration).where(Registration.participant_id == participant.id, Registration.held_until.is_not(None))
        .values(held_until=utcnow(), hold_token_hash=None).execution_options(synchronize_session=False)
    )
    # The stored PDFs and the names kept as printed go; serial, code, status and SHA-256 stay, so the certificate
    # is still verifiable.
    db.session.execute(
        update(Certificate).where(Certificate.registration_id.in_(registration_ids))
        .values(pdf=None, printed_name=None, printed_name_ar=None, printed_organisation=None, printed_organisation_ar=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(OutboundEmail).where(func.lower(OutboundEmail.recipient).in_(addresses))
        .execution_options(synchronize_session=False)
    )
    if account is not None:
        _scrub_account(account)
    training_ids = db.session.scalars(select(Registration.training_id).where(Registration.participant_id == participant.id)
                                      .distinct()).all()
    signals.participant_erased.send(participant, registration_ids=db.session.scalars(registration_ids).all(),
                                    training_ids=training_ids)
    db.session.flush()


def _scrub_account(account) -> None:
    """Deactivate the participant's account, end its sessions and make its links and tokens unusable."""
    account.email = erased_email("user", account.id)
    account.name = None
    account.password_hash = None
    account.locale = None
    account.last_login_at = None
    account.active = False
    auth.end_sessions_and_tokens(account)
    db.session.execute(delete(UserToken).where(UserToken.user_id == account.id).execution_options(synchronize_session=False))


# --- the audit log and other text that names the person ---------------------------------------------------


class _Scrubber:
    """Replaces the person's names (by the placeholder) and e-mail addresses and phone numbers (by ``(erased)``)
    wherever they occur as whole words, in any case."""

    def __init__(self, names, contacts, placeholder: str):
        self.strings = names | contacts
        # Contacts first: an e-mail address may begin with the name.
        self._substitutions = [
            (pattern, replacement)
            for pattern, replacement in ((self._pattern(contacts), ERASED_VALUE), (self._pattern(names), placeholder))
            if pattern is not None
        ]

    @staticmethod
    def _pattern(strings):
        if not strings:
            return None
        alternatives = "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def __call__(self, text):
        if isinstance(text, str):
            for pattern, replacement in self._substitutions:
                text = pattern.sub(replacement, text)
        return text


def _own_audit_entries(participant, account):
    """The audit entries about the participant record and their account (``object_type``, ``object_id``)."""
    own = [and_(AuditEntry.object_type == "Participant", AuditEntry.object_id == participant.id)]
    if account is not None:
        own.append(and_(AuditEntry.object_type == "User", AuditEntry.object_id == account.id))
    return or_(*own)


def _scrubber_for(participant, account) -> _Scrubber:
    """The person's names and contact details as they are now and as the audit log says they were (a name
    before a correction)."""
    names = {participant.name, participant.name_ar, account.name if account is not None else None}
    contacts = {participant.email, participant.phone, account.email if account is not None else None}
    for changes in db.session.scalars(select(AuditEntry.changes).where(_own_audit_entries(participant, account))):
        for key, values in (changes or {}).items():
            if key in ("name", "name_ar", "email", "phone") and isinstance(values, list):
                (contacts if key in ("email", "phone") else names).update(v for v in values if isinstance(v, str))
    names = {n.strip() for n in names if n and n.strip()}
    contacts = {c.strip() for c in contacts if c and c.strip()} - names
    return _Scrubber(names, contacts, placeholder_name(participant.id))


def _scrub_audit_log(participant, account, registration_ids, scrub: _Scrubber) -> int:
    """Replace the person's names, e-mail addresses and phone numbers in the audit log; returns entries changed.

    The log is kept — who did what, when, on which record — because it is the organisers' accountability
    record; what it said about the person is not. Scrubbed are the entries about the participant, their
    account, registrations, marks and certificates, and the entries of their trainings that name them
    (e.g. a removed mark, whose record is gone); in the entries about the participant and their account,
    every old value of a personal detail is replaced too. Two people of the same full name in one
    training cannot be told apart in a summary: the other's entries then lose the name as well.
    """
    if not scrub.strings:
        return 0
    own = _own_audit_entries(participant, account)
    mark_ids = select(AttendanceMark.id).where(AttendanceMark.registration_id.in_(registration_ids))
    certificate_ids = select(Certificate.id).where(Certificate.registration_id.in_(registration_ids))
    training_ids = select(Registration.training_id).where(Registration.participant_id == participant.id)
    related = or_(
        own,
        and_(AuditEntry.object_type == "Registration", AuditEntry.object_id.in_(registration_ids)),
        and_(AuditEntry.object_type == "AttendanceMark", AuditEntry.object_id.in_(mark_ids)),
        and_(AuditEntry.object_type == "Certificate", AuditEntry.object_id.in_(certificate_ids)),
        and_(
            AuditEntry.training_id.in_(training_ids),
            or_(*(AuditEntry.summary.contains(s, autoescape=True) for s in scrub.strings)),
        ),
    )
    own_ids = set(db.session.scalars(select(AuditEntry.id).where(own)))
    changed = 0
    for entry in db.session.scalars(select(AuditEntry).where(related)):
        summary = scrub(entry.summary)
        changes = None
        if entry.changes:
            changes = {
                key: ([ERASED_VALUE if v is not None else None for v in values]
                      if entry.id in own_ids and key in PERSONAL_CHANGE_KEYS and isinstance(values, list)
                      else [scrub(v) for v in values] if isinstance(values, list) else scrub(values))
                for key, values in entry.changes.items()
            }
        details = None if entry.details is None else {
            key: [scrub(v) for v in value] if isinstance(value, list) else scrub(value)
            for key, value in entry.details.items()}
        if (summary != entry.summary or (changes is not None and changes != entry.changes)
                or details != entry.details):
            entry.summary = summary
            if changes is not None:
                entry.changes = changes  # a new dict: the JSON column notices assignment, not mutation
            entry.details = details
            changed += 1
    return changed


# --- retention ------------------------------------------------------------------------------------------


@dataclass
class RetentionResult:
    """What a run of the retention rule did (or, dry, would do)."""

    #: people whose latest training ended before this day (never registered: recorded before it) are erased
    cutoff: date
    #: ids of the participants erased (or, dry, to be erased), in id order
    participant_ids: list
    dry_run: bool

    @property
    def count(self) -> int:
        return len(self.participant_ids)


def retention_cutoff(today: date | None = None, years=None) -> date | None:
    """``today`` minus ``years`` (RETENTION_YEARS when not given), or None when the rule is off (0 or None).

    29 February falls back to the 28th in a year without it.
    """
    years = current_app.config.get("RETENTION_YEARS") if years is None else years
    years = int(years or 0)
    if years <= 0:
        return None
    today = today or date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def retention_candidates(cutoff: date):
    """A select of the ids of the participants the retention rule erases for ``cutoff``, in id order.

    Not yet erased; every training they registered for (whatever the status) ended before ``cutoff``
    (its end date, else its start date; a training without dates has not ended); with no registration at
    all, recorded before ``cutoff``. People whose account is a staff account are left alone.
    """
    ended_on = func.coalesce(TrainingSession.end_date, TrainingSession.start_date)
    recent_registration = (
        exists()
        .where(Registration.participant_id == Participant.id, TrainingSession.id == Registration.training_id)
        .where(or_(ended_on.is_(None), ended_on >= cutoff))
    )
    any_registration = exists().where(Registration.participant_id == Participant.id)
    staff_account = exists().where(User.participant_id == Participant.id, User.role != "participant")
    recorded_before = Participant.created_at < datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=timezone.utc)
    return (
        select(Participant.id)
        .where(
            Participant.erased_at.is_(None),
            ~recent_registration,
            ~staff_account,
            or_(any_registration, recorded_before),
        )
        .order_by(Participant.id)
    )


def apply_retention(today: date | None = None, *, dry_run: bool = False) -> RetentionResult | None:
    """Erase everyone the retention rule selects (``retention_candidates``), one commit per person.

    Returns None when the rule is off (RETENTION_YEARS 0 or None). With ``dry_run`` nothing changes and
    the result lists who would be erased. Each erasure is audit-logged as ``participant.anonymise``
    with no user, the participant's id and the cut-off day. Safe to run again, or while people use the app:
    whoever was erased meanwhile is skipped.
    """
    cutoff = retention_cutoff(today)
    if cutoff is None:
        return None
    ids = list(db.session.scalars(retention_candidates(cutoff)))
    if dry_run:
        return RetentionResult(cutoff, ids, dry_run=True)
    erased = []
    for participant_id in ids:
        participant = db.session.get(Participant, participant_id)
        try:
            claimed = participant is not None and _claim(participant)
        except ErasureError:  # given a staff account since the list was made
            claimed = False
        if not claimed:
            db.session.rollback()
            continue
        _erase(participant)
        audit.record(None, "participant.anonymise", participant,
                     f"Participant #{participant.id} anonymised: latest training ended before {cutoff.isoformat()}",
                     changes={"retention_cutoff": [None, cutoff.isoformat()]},
                     details={"number": participant.id, "date": cutoff})
        db.session.commit()
        erased.append(participant_id)
    return RetentionResult(cutoff, erased, dry_run=False)
