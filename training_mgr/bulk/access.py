"""Who may see a bulk job, its progress and its file: the people who may do what it does (``kinds.JobKind.access``).

An officer sees the jobs of the trainings they manage (anyone's, since they may do the same), never another
training's; managers see the reports they may read; admins see every job.
"""
from flask import abort
from flask_login import current_user

from ..extensions import db
from ..trainings.access import can_manage_session, can_view_session
from .kinds import KINDS
from .models import BulkJob

#: who may read the programme reports
PROGRAMME_ROLES = ("manager", "admin")


def can_see_job(user, record: BulkJob) -> bool:
    if not user.is_authenticated:
        return False
    access = KINDS[record.kind].access
    if access == "programme":
        return user.role in PROGRAMME_ROLES
    if record.training is None:
        return False
    if access == "view":
        return can_view_session(user, record.training)
    return can_manage_session(user, record.training)


def visible_job(job_id: int) -> BulkJob:
    """The job ``job_id``: 404 when there is none, 403 when the current user may not see it."""
    record = db.get_or_404(BulkJob, job_id)
    if not can_see_job(current_user, record):
        abort(403)
    return record
