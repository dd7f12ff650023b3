from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, require_view_session, roles_required, visible_sessions_filter
from ..extensions import db
from .models import TrainingSession

bp = Blueprint("trainings", __name__)


@bp.get("/officer")
@roles_required(*EDITOR_ROLES)
def officer_home():
    query = visible_sessions_filter(current_user, select(TrainingSession)).order_by(TrainingSession.start_date.desc())
    sessions = db.session.scalars(query).all()
    return render_template("trainings/officer_home.html", sessions=sessions)


@bp.get("/officer/sessions/<int:session_id>")
@roles_required(*STAFF_ROLES)
def detail(session_id):
    training_session = db.get_or_404(TrainingSession, session_id)
    require_view_session(training_session)
    return render_template("trainings/detail.html", ts=training_session)
