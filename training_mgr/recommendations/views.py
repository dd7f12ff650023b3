from flask import Blueprint, render_template
from sqlalchemy import select

from ..core.permissions import EDITOR_ROLES, roles_required
from ..extensions import db
from .models import Recommendation

bp = Blueprint("recommendations", __name__)


@bp.get("/recommendations")
@roles_required(*EDITOR_ROLES)
def tracker():
    recommendations = db.session.scalars(select(Recommendation).order_by(Recommendation.due_date)).all()
    return render_template("recommendations/tracker.html", recommendations=recommendations)
