from flask import Blueprint, Response, render_template

from ..core.permissions import roles_required
from . import services
from .listing import AuditFilterError, export_entries, filtered_page
from .sentences import change_rows, log_csv, sentence

bp = Blueprint("audit", __name__)
#: the change list of an entry, on both log pages (the admins' here, a training's in ``trainings``)
bp.add_app_template_global(change_rows, "audit_changes")


@bp.get("/admin/audit")
@roles_required("admin")
def index():
    filters, page = filtered_page(trainings=services.training_choices())
    return render_template("audit/index.html", filters=filters, page=page, training=None, audit_sentence=sentence)


@bp.get("/admin/audit.csv")
@roles_required("admin")
def export():
    """The entries the page's filters select, as a CSV file (times in UTC); filters that cannot be read answer
    400 with the log page, which says beside the field what is wrong."""
    try:
        entries = export_entries()
    except AuditFilterError as error:
        return index(), error.status
    return csv_download(log_csv(entries), "audit-log.csv")


def csv_download(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
