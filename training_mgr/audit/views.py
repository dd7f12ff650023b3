from flask import Blueprint, render_template

from ..core.permissions import roles_required
from .listing import filtered_page

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@roles_required("admin")
def index():
    filters, page = filtered_page()
    return render_template("audit/index.html", filters=filters, page=page, training=None)
