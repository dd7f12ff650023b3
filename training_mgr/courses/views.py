from flask import Blueprint, render_template
from sqlalchemy import select

from ..core.permissions import EDITOR_ROLES, roles_required
from ..extensions import db
from .models import Course

bp = Blueprint("courses", __name__)


@bp.get("/courses")
@roles_required(*EDITOR_ROLES)
def index():
    courses = db.session.scalars(select(Course).order_by(Course.title)).all()
    return render_template("courses/index.html", courses=courses)
