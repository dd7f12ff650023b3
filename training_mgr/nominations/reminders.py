"""The reminder to focal points before the nomination deadline: sent once per invitation, through the outbox."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..audit import services as audit
from ..core.db import utcnow
from ..extensions import db
from ..trainings.models import TrainingSession
from . import balance, notifications
from .models import NominationInvitation
from .services import NOMINATING_STATUSES


def due_reminders(now=None) -> list[int]:
    """Ids of the invitations to remind at ``now``: link still working (not revoked, deadline ahead, training
    not over), deadline within ``NOMINATION_REMINDER_DAYS`` days, no reminder sent yet."""
    now = now or utcnow()
    days = current_app.config["NOMINATION_REMINDER_DAYS"]
    return db.session.scalars(
        select(NominationInvitation.id)
        .join(TrainingSession, TrainingSession.id == NominationInvitation.training_id)
        .where(NominationInvitation.revoked_at.is_(None), NominationInvitation.reminder_sent_at.is_(None),
               NominationInvitation.deadline > now, NominationInvitation.deadline <= now + timedelta(days=days),
               TrainingSession.status.in_(NOMINATING_STATUSES))
        .order_by(NominationInvitation.id)
    ).all()


def send_deadline_reminders(now=None) -> int:
    """Queue the reminder of every invitation due (``due_reminders``), one commit each; returns how many.

    Each invitation is claimed first (``reminder_sent_at`` set only where it is still empty, in the same commit
    as its e-mail), so two runs at once, or a job run again, never remind anyone twice.
    """
    now = now or utcnow()
    sent = 0
    for invitation_id in due_reminders(now):
        claimed = db.session.execute(
            update(NominationInvitation)
            .where(NominationInvitation.id == invitation_id, NominationInvitation.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            db.session.rollback()
            continue
        invitation = db.session.get(NominationInvitation, invitation_id)
        db.session.refresh(invitation)
        notifications.deadline_reminder(invitation, balance.quota_use(invitation).used)
        audit.record(None, "nomination.reminder", invitation,
                     f"Reminder of the nomination deadline sent to {invitation.focal_point_email}",
                     training_id=invitation.training_id, details={"email": invitation.focal_point_email})
        db.session.commit()
        sent += 1
    return sent
