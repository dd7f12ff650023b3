"""Official letters: a training's letters page (settings, the ZIP of all letters as a bulk job), one person's letter,
and an organisation's letterhead (logo and address)."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..bulk import services as bulk
from ..core.domain import shows_domain_errors
from ..core.i18n import current_language
from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, roles_required
from ..organisations.access import manageable_organisation
from ..registrations.models import Registration
from ..trainings.access import session_part_or_404, training_access
from . import letterhead, services
from .forms import LetterheadForm, LetterSettingsForm, PrepareLettersForm

bp = Blueprint("letters", __name__)


def _render(training, can_manage=True, form=None, status=200):
    if form is None:
        settings = services.settings_of(training)
        form = LetterSettingsForm(formdata=None, reference_prefix=settings.reference_prefix,
                                  letter_date=settings.letter_date, signatory_id=settings.signatory_id or 0)
    form.set_choices(training, current_language())
    return render_template(
        "letters/index.html", training=training, can_manage=can_manage, form=form, prepare_form=PrepareLettersForm(),
        registrations=services.confirmed_registrations(training), kinds=services.KINDS,
        jobs=bulk.recent_jobs(training, ["letters.export"]),
        organisers=[o.organisation for o in training.organisers],
    ), status


@bp.get("/officer/trainings/<int:training_id>/letters")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    return _render(training, can_manage)


@bp.post("/officer/trainings/<int:training_id>/letters")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def save_settings(training):
    form = LetterSettingsForm()
    form.set_choices(training, current_language())
    if form.validate():
        with shows_domain_errors(form):
            services.save_settings(training, services.LetterSettingsDetails.from_form(form), by_user=current_user)
            flash(_("Letter settings saved."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render(training, form=form, status=422)


@bp.post("/officer/trainings/<int:training_id>/letters/prepare")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def prepare(training):
    """Every confirmed participant's two letters as one ZIP, made by a bulk job: answers with the job's page."""
    if not PrepareLettersForm().validate():
        flash(_("The form expired. Please submit it again."), "danger")
        return redirect(url_for(".index", training_id=training.id))
    record = bulk.start("letters.export", by_user=current_user, training=training)
    return redirect(url_for("bulk.job_page", job_id=record.id))


@bp.get("/officer/trainings/<int:training_id>/registrations/<int:registration_id>/letters/<any(invitation, visa):kind>.pdf")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def letter(training, registration_id, kind):
    registration = session_part_or_404(training, Registration, registration_id)
    with shows_domain_errors(None, category="warning"):
        body = services.letter_pdf(training, registration, kind, by_user=current_user)
        return Response(body, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{services.letter_filename(registration, kind)}"',
            "Cache-Control": "private, no-store"})
    return redirect(url_for(".index", training_id=training.id))


@bp.route("/organisations/<int:organisation_id>/letterhead", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def organisation_letterhead(organisation_id):
    organisation = manageable_organisation(organisation_id)
    form = LetterheadForm(address=organisation.address, address_ar=organisation.address_ar)
    status = 200
    if form.validate_on_submit():
        upload = form.logo.data
        data = upload.read(current_app.config["ORGANISATION_LOGO_MAX_BYTES"] + 1) if upload else None
        with shows_domain_errors(form):
            letterhead.set_letterhead(organisation, letterhead.LetterheadDetails.from_form(form, data or None),
                                      by_user=current_user)
            flash(_("Letterhead saved."), "success")
            return redirect(url_for(".organisation_letterhead", organisation_id=organisation.id))
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("letters/letterhead.html", organisation=organisation, form=form,
                           logo=letterhead.logo_data_uri(organisation),
                           max_kb=current_app.config["ORGANISATION_LOGO_MAX_BYTES"] // 1024), status
