"""A bulk job's page (progress bar, download link or failure reason), its status as JSON for the page's script and
for other programs, and its file. Every app server answers them from the shared database."""
from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_babel import gettext as _

from ..core.db import utcnow
from ..core.permissions import STAFF_ROLES, roles_required
from .access import visible_job
from .kinds import KINDS, progress_text, unit_of
from .services import last_sign_of_life

bp = Blueprint("bulk", __name__)

#: seconds between two looks at a running job (the script's poll, and the page's refresh without JavaScript)
REFRESH_SECONDS = 2
#: seconds without a sign of life after which an unfinished job's page says it will be resumed if its worker stopped
#: (a live job shows progress every few seconds)
QUIET_SECONDS = 30


def quiet_note(record) -> str | None:
    """What the job's page says while an unfinished job shows no sign of life (``QUIET_SECONDS``), else None."""
    if record.finished or (utcnow() - last_sign_of_life(record)).total_seconds() < QUIET_SECONDS:
        return None
    return _("No progress for a while. If the worker running this job stopped, the job will be resumed "
             "automatically: there is no need to start it again.")


def status_of(record) -> dict:
    """The job's state: {"id", "kind", "status" (queued|running|done|failed), "done", "total" (null until known),
    "error" (null unless failed), "download_url" (a path on this site, null until there is a file), "progress"
    ("312 of 500 certificates"), "note" (null, or why an unfinished job shows no progress: ``quiet_note``)}."""
    has_file = record.status == "done" and record.result_filename is not None
    return {
        "id": record.id,
        "kind": record.kind,
        "status": record.status,
        "done": record.done if record.total is None else min(record.done, record.total),
        "total": record.total,
        "error": record.error if record.status == "failed" else None,
        "download_url": url_for("bulk.download", job_id=record.id) if has_file else None,
        "progress": progress_text(unit_of(record), record.done, record.total),
        "note": quiet_note(record),
    }


@bp.get("/jobs/<int:job_id>")
@roles_required(*STAFF_ROLES)
def job_page(job_id):
    record = visible_job(job_id)
    kind = KINDS[record.kind]
    back = url_for(kind.back, **({"training_id": record.training_id} if record.training_id else {}))
    return render_template("bulk/job.html", job=record, kind=kind, status=status_of(record), back=back,
                           refresh_seconds=REFRESH_SECONDS)


@bp.get("/jobs/<int:job_id>.json")
@roles_required(*STAFF_ROLES)
def job_status(job_id):
    return jsonify(status_of(visible_job(job_id)))


@bp.get("/jobs/<int:job_id>/download")
@roles_required(*STAFF_ROLES)
def download(job_id):
    """The file the job made, from the database (so any app server hands it out): 404 until there is one."""
    record = visible_job(job_id)
    if record.status != "done" or record.result is None:
        abort(404)
    return Response(record.result, mimetype=record.result_mimetype, headers={
        "Content-Disposition": f'attachment; filename="{record.result_filename}"',
        "Cache-Control": "private, no-store",
    })
