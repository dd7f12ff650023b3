from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from ..core.permissions import roles_required
from ..extensions import db
from ..registrations.models import Registration

bp = Blueprint("account", __name__)


@bp.get("/account")
@roles_required("participant", "officer", "manager", "admin")
def home():
    registrations = []
    if current_user.participant_id:
        registrations = db.session.scalars(
            select(Registration)
            .where(Registration.participant_id == current_user.participant_id)
            .order_by(Registration.created_at.desc())
        ).all()
    return render_template("account/home.html", registrations=registrations)
