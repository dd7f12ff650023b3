from flask import Blueprint, render_template
from sqlalchemy import select

from ..core.permissions import roles_required
from ..extensions import db
from .models import AuditEntry

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@roles_required("admin")
def index():
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200)).all()
    return render_template("audit/index.html", entries=entries)
