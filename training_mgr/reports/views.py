from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from ..core.permissions import STAFF_ROLES, require_view_session, roles_required
from ..extensions import db
from ..participants.models import Participant
from ..trainings.models import TrainingSession

bp = Blueprint("reports", __name__)


@bp.get("/dashboard")
@roles_required("manager", "admin")
def dashboard():
    figures = {
        "trainings": db.session.scalar(select(func.count(TrainingSession.id))),
        "participants": db.session.scalar(select(func.count(Participant.id))),
    }
    return render_template("reports/dashboard.html", figures=figures)


@bp.get("/officer/sessions/<int:session_id>/report.pdf")
@roles_required(*STAFF_ROLES)
def session_report(session_id):
    """Placeholder until this screen lands."""
    training_session = db.get_or_404(TrainingSession, session_id)
    require_view_session(training_session)
    abort(404)
