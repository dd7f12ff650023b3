"""An admin erases a participant on request, after a page that says what will happen."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from ..core.domain import shows_domain_errors
from ..core.permissions import roles_required
from ..core.urls import safe_local_path
from ..extensions import db
from . import services
from .forms import EraseParticipantForm
from ..participants.models import Participant

bp = Blueprint("erasure", __name__)


@bp.route("/admin/participants/<int:participant_id>/erase", methods=["GET", "POST"])
@roles_required("admin")
def erase(participant_id):
    participant = db.get_or_404(Participant, participant_id)
    form = EraseParticipantForm(participant.id)
    back = safe_local_path(request.values.get("next"))  # where the admin came from
    if request.method == "POST" and services.is_erased(participant):
        flash(_("This person's details were already erased; nothing changed."), "info")
        return redirect(back or url_for(".erase", participant_id=participant.id))
    if form.validate_on_submit():
        with shows_domain_errors(form.confirm):
            services.erase_participant(participant, by_user=current_user)
            flash(_("The person's details are erased. They now appear as “%(name)s”; the figures of the reports are unchanged.",
                    name=participant.name), "success")
            return redirect(back or url_for(".erase", participant_id=participant.id))
    registrations, certificates = services.records_of(participant)
    return render_template(
        "erasure/erase.html", participant=participant, form=form, back=back,
        registrations=registrations, certificates=certificates,
    ), 422 if form.errors else 200
