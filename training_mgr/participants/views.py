"""An admin erases a participant on request, after a page that says what will happen."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..certificates.models import Certificate
from ..core.domain import shows_domain_errors
from ..core.permissions import roles_required
from ..extensions import db
from ..registrations.models import Registration
from . import services
from .forms import EraseParticipantForm
from .models import Participant

bp = Blueprint("participants", __name__)


def _back_url():
    """Where the admin came from (a same-site path only), for the links and the redirect after erasing."""
    target = request.values.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/admin/participants/<int:participant_id>/erase", methods=["GET", "POST"])
@roles_required("admin")
def erase(participant_id):
    participant = db.get_or_404(Participant, participant_id)
    form = EraseParticipantForm(participant.id)
    back = _back_url()
    if request.method == "POST" and services.is_erased(participant):
        flash(_("This person's details were already erased; nothing changed."), "info")
        return redirect(back or url_for(".erase", participant_id=participant.id))
    if form.validate_on_submit():
        with shows_domain_errors(form.confirm):
            services.erase_participant(participant, by_user=current_user)
            flash(_("The person's details are erased. They now appear as “%(name)s”; the figures of the reports are unchanged.",
                    name=participant.name), "success")
            return redirect(back or url_for(".erase", participant_id=participant.id))
    registrations = db.session.scalar(select(func.count(Registration.id)).where(Registration.participant_id == participant.id))
    certificates = db.session.scalar(
        select(func.count(Certificate.id)).join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.participant_id == participant.id)
    )
    return render_template(
        "participants/erase.html", participant=participant, form=form, back=back,
        registrations=registrations, certificates=certificates,
    ), 422 if form.errors else 200
