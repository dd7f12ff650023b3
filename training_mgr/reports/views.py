from flask import Blueprint, render_template
from sqlalchemy import func, select

from ..core.permissions import roles_required
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
