from flask import Blueprint, abort

from ..core.permissions import STAFF_ROLES, require_view_session, roles_required
from ..extensions import db
from ..trainings.models import TrainingSession

bp = Blueprint("registrations", __name__)


@bp.get("/officer/sessions/<int:session_id>/registrations")
@roles_required(*STAFF_ROLES)
def index(session_id):
    """Placeholder until this screen lands."""
    training_session = db.get_or_404(TrainingSession, session_id)
    require_view_session(training_session)
    abort(404)
