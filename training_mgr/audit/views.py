from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..core.permissions import STAFF_ROLES, require_view_session, roles_required
from ..extensions import db
from ..trainings.models import TrainingSession
from .models import AuditEntry

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@roles_required("admin")
def index():
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200)).all()
    return render_template("audit/index.html", entries=entries)


@bp.get("/officer/sessions/<int:session_id>/audit")
@roles_required(*STAFF_ROLES)
def session_log(session_id):
    """Placeholder until this screen lands."""
    training_session = db.get_or_404(TrainingSession, session_id)
    require_view_session(training_session)
    abort(404)
