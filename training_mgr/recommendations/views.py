from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..core.permissions import STAFF_ROLES, require_view_session, EDITOR_ROLES, roles_required
from ..extensions import db
from ..trainings.models import TrainingSession
from .models import Recommendation

bp = Blueprint("recommendations", __name__)


@bp.get("/recommendations")
@roles_required(*EDITOR_ROLES)
def tracker():
    recommendations = db.session.scalars(select(Recommendation).order_by(Recommendation.due_date)).all()
    return render_template("recommendations/tracker.html", recommendations=recommendations)


@bp.get("/officer/sessions/<int:session_id>/recommendations")
@roles_required(*STAFF_ROLES)
def index(session_id):
    """Placeholder until this screen lands."""
    training_session = db.get_or_404(TrainingSession, session_id)
    require_view_session(training_session)
    abort(404)
