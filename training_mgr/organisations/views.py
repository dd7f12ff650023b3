from flask import Blueprint, render_template
from sqlalchemy import select

from ..core.permissions import EDITOR_ROLES, roles_required
from ..extensions import db
from .models import Organisation

bp = Blueprint("organisations", __name__)


@bp.get("/organisations")
@roles_required(*EDITOR_ROLES)
def index():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("organisations/index.html", organisations=organisations)
