"""Badges and check-in: the badge PDF, a badge's personal link, the officer's scanner and the projector's code."""
from flask import Blueprint, Response, abort, render_template, request

from ..core.permissions import STAFF_ROLES, roles_required
from ..trainings.access import training_access
from . import services
from .badges import LAYOUTS, badges_pdf

bp = Blueprint("checkin", __name__)


@bp.get("/officer/trainings/<int:training_id>/badges.pdf")
@roles_required(*STAFF_ROLES)
@training_access("view")
def badges(training):
    layout = request.args.get("layout", "sheet")
    if layout not in LAYOUTS:
        abort(404)
    return Response(
        badges_pdf(training, layout), mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=badges-{training.id}-{layout}.pdf"},
    )


@bp.get("/b/<token>")
def badge(token):
    """A badge's personal link: what its QR code holds. It names the training, not the person."""
    registration = services.registration_of_badge(token)
    if registration is None:
        abort(404)
    services.remember_badge(token)
    return render_template("checkin/badge.html", training=registration.training)
