from flask import Blueprint, render_template, request

from ..core.pagination import requested_page
from ..core.permissions import STAFF_ROLES, roles_required
from ..extensions import db
from ..trainings.access import training_access
from . import services
from .forms import AuditFilterForm

bp = Blueprint("audit", __name__)

PER_PAGE = 50


def _filtered_page(training_id=None):
    actions, users = services.filter_choices(training_id)
    filters = AuditFilterForm(request.args, actions=actions, users=users)
    query = services.entries_query(training_id, action=filters.action.data or None,
                                   user_id=filters.user_id.data)
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    return filters, page


@bp.get("/admin/audit")
@roles_required("admin")
def index():
    filters, page = _filtered_page()
    return render_template("audit/index.html", filters=filters, page=page, training=None)


@bp.get("/officer/trainings/<int:training_id>/audit")
@roles_required(*STAFF_ROLES)
@training_access("view")
def session_log(training):
    filters, page = _filtered_page(training.id)
    return render_template("audit/index.html", filters=filters, page=page, training=training)
