from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import listing as audit_listing
from ..audit import sentences as audit_sentences
from ..core.db import utcnow
from ..core.i18n import fmt_date
from ..core.domain import shows_domain_errors
from ..core.forms import OfficersForm, flash_saved
from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, roles_required
from ..extensions import db
from ..organisations import services as organisations
from ..organisations.models import Organisation
from . import organisers as organiser_services
from . import services
from . import signatories as signatory_services
from .access import can_manage_session, session_part_or_404, training_access
from .forms import (
    CancelForm, CertificateRuleForm, DayForm, DayTitleForm, OrganisersForm, QuotaForm, SignatoryForm, TrainingForm,
    detail_form_options,
)
from .inputs import CertificateRule, SignatoryDetails, TrainingDetails
from .models import SessionDay, Signatory

bp = Blueprint("trainings", __name__)


def _back(training, endpoint="trainings.detail"):
    return redirect(url_for(endpoint, training_id=training.id))


# --- creating and editing ----------------------------------------------------------------------------

# a new training is scheduled from a course: courses.views.schedule_training


@bp.get("/officer/trainings/<int:training_id>")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def detail(training, can_manage):
    return render_template(
        "trainings/detail.html",
        training=training,
        can_manage=can_manage,
        next_statuses=services.STATUS_TRANSITIONS[training.status],
        open_problems=services.open_problems(training) if training.status == "draft" else [],
    )


@bp.route("/officer/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def edit(training):
    form = TrainingForm(obj=training, **detail_form_options())
    if request.method == "GET":
        for name in services.WINDOW_FIELDS:
            form[name].data = services.to_local(getattr(training, name), training.timezone)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = services.update_training(training, current_user, TrainingDetails.from_form(form))
            flash_saved(changes, _("Training saved."))
            return _back(training)
    return render_template("trainings/form.html", form=form, training=training)


# --- session days ------------------------------------------------------------------------------------

def _render_days(training, add_form=None, failed_day=None, failed_form=None):
    forms = {day.id: DayTitleForm(prefix=f"day-{day.id}", obj=day) for day in training.days}
    if failed_day is not None:
        forms[failed_day.id] = failed_form
    return render_template("trainings/days.html", training=training, add_form=add_form or DayForm(), title_forms=forms)


@bp.route("/officer/trainings/<int:training_id>/days", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def days(training):
    form = DayForm()
    if form.validate_on_submit():
        with shows_domain_errors(form):
            day = services.add_day(training, current_user, form.date.data, form.title.data)
            flash(_("Day added: %(date)s.", date=fmt_date(day.date, "full")), "success")
            return _back(training, "trainings.days")
    return _render_days(training, add_form=form)


@bp.post("/officer/trainings/<int:training_id>/days/<int:day_id>")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def update_day(training, day_id):
    day = session_part_or_404(training, SessionDay, day_id)
    form = DayTitleForm(prefix=f"day-{day.id}")
    if not form.validate_on_submit():
        return _render_days(training, failed_day=day, failed_form=form)
    services.update_day(day, current_user, form.title.data)
    flash(_("Day %(date)s saved.", date=fmt_date(day.date, "full")), "success")
    return _back(training, "trainings.days")


@bp.post("/officer/trainings/<int:training_id>/days/<int:day_id>/remove")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def remove_day(training, day_id):
    day = session_part_or_404(training, SessionDay, day_id)
    label = fmt_date(day.date, "full")
    with shows_domain_errors():
        services.remove_day(day, current_user)
        flash(_("Day removed: %(date)s.", date=label), "success")
    return _back(training, "trainings.days")


# --- organisers, officers, quotas -------------------------------------------------------------------

@bp.route("/officer/trainings/<int:training_id>/organisers", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def organisers(training):
    form = OrganisersForm(organisations=organisations.all_organisations())
    if request.method == "GET":
        form.host_id.data = next((o.organisation_id for o in training.organisers if o.role == "host"), None)
        form.co_organiser_ids.data = [o.organisation_id for o in training.organisers if o.role == "co_organiser"]
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = organiser_services.set_organisers(training, current_user, form.host_id.data, form.co_organiser_ids.data)
            flash_saved(changes, _("Organisers saved."))
            return _back(training)
    return render_template("trainings/organisers.html", training=training, form=form)


@bp.route("/officer/trainings/<int:training_id>/officers", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def officers(training):
    form = OfficersForm(officers=organiser_services.officer_choices())
    if request.method == "GET":
        form.officer_ids.data = [u.id for u in training.officers]
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = organiser_services.set_officers(training, current_user, form.officer_ids.data)
            flash_saved(changes, _("Managing officers saved."))
            if not can_manage_session(current_user, training):
                return redirect(url_for("reports.officer_home"))
            return _back(training)
    return render_template("trainings/officers.html", training=training, form=form)


@bp.route("/officer/trainings/<int:training_id>/quotas", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def quotas(training):
    form = QuotaForm(organisations=organisations.all_organisations())
    if form.validate_on_submit():
        with shows_domain_errors(form):
            organiser_services.set_quota(training, current_user, db.session.get(Organisation, form.organisation_id.data),
                               form.max_seats.data)
            flash(_("Quota saved."), "success")
            return _back(training, "trainings.quotas")
    return render_template("trainings/quotas.html", training=training, form=form)


@bp.post("/officer/trainings/<int:training_id>/quotas/<int:organisation_id>/remove")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def remove_quota(training, organisation_id):
    organiser_services.remove_quota(training, current_user, organisation_id)
    flash(_("Quota removed."), "success")
    return _back(training, "trainings.quotas")


# --- certificate rule and signatories ---------------------------------------------------------------

@bp.route("/officer/trainings/<int:training_id>/certificate-rule", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def certificate_rule(training):
    form = CertificateRuleForm(obj=training)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = signatory_services.update_certificate_rule(training, current_user, CertificateRule.from_form(form))
            flash_saved(changes, _("Certificate rule saved."))
            return _back(training)
    return render_template("trainings/certificate_rule.html", training=training, form=form)


def _uploaded_signature(form) -> bytes | None:
    upload = form.signature.data
    if not upload or not getattr(upload, "filename", None):
        return None
    return upload.read(signatory_services.SIGNATURE_MAX_BYTES + 1)


@bp.route("/officer/trainings/<int:training_id>/signatories", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def signatories(training):
    form = SignatoryForm()
    if form.validate_on_submit():
        with shows_domain_errors(form):
            signatory = signatory_services.add_signatory(training, current_user, SignatoryDetails.from_form(form),
                                                         _uploaded_signature(form))
            flash(_("Signatory “%(name)s” added.", name=signatory.name), "success")
            return _back(training, "trainings.signatories")
    return render_template("trainings/signatories.html", training=training, form=form)


@bp.route("/officer/trainings/<int:training_id>/signatories/<int:signatory_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def edit_signatory(training, signatory_id):
    signatory = session_part_or_404(training, Signatory, signatory_id)
    form = SignatoryForm(obj=signatory)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = signatory_services.update_signatory(signatory, current_user, SignatoryDetails.from_form(form),
                                                          _uploaded_signature(form),
                                                          remove_image=form.remove_signature.data)
            flash_saved(changes, _("Signatory saved."))
            return _back(training, "trainings.signatories")
    return render_template("trainings/signatory_form.html", training=training, form=form, signatory=signatory)


@bp.post("/officer/trainings/<int:training_id>/signatories/<int:signatory_id>/remove")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def remove_signatory(training, signatory_id):
    signatory = session_part_or_404(training, Signatory, signatory_id)
    name = signatory.name
    signatory_services.remove_signatory(signatory, current_user)
    flash(_("Signatory “%(name)s” removed.", name=name), "success")
    return _back(training, "trainings.signatories")


@bp.get("/officer/trainings/<int:training_id>/signatories/<int:signatory_id>/signature")
@roles_required(*STAFF_ROLES)
@training_access("view")
def signature_image(training, signatory_id):
    signatory = session_part_or_404(training, Signatory, signatory_id)
    if not signatory.signature_image:
        abort(404)
    response = Response(signatory.signature_image, mimetype=signatory.signature_mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- status ------------------------------------------------------------------------------------------

STATUS_MESSAGES = {
    "open": lambda: _("The training is open for registration."),
    "closed": lambda: _("Registration is closed."),
    "completed": lambda: _("The training is marked as completed."),
}


@bp.post("/officer/trainings/<int:training_id>/status")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def change_status(training):
    new_status = request.form.get("status", "")
    if new_status not in STATUS_MESSAGES:  # cancelling has its own form, which asks for the reason
        abort(400)
    with shows_domain_errors():
        services.change_status(training, new_status, current_user)
        flash(STATUS_MESSAGES[new_status](), "success")
        if new_status == "open" and training.registration_too_late(utcnow()):
            flash(_("This training has already started, so nobody can register online: allow late registration "
                    "in its details if people may still register while it runs.") if not training.late_registration
                  else _("This training has already ended, so nobody can register online."), "warning")
    return _back(training)


@bp.route("/officer/trainings/<int:training_id>/cancel", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def cancel(training):
    if "cancelled" not in services.STATUS_TRANSITIONS[training.status]:
        flash(_("This training can no longer be cancelled."), "warning")
        return _back(training)
    form = CancelForm()
    if form.validate_on_submit():
        with shows_domain_errors(form):
            services.change_status(training, "cancelled", current_user, reason=form.reason.data)
            flash(_("The training is cancelled. Registered participants are being told."), "success")
            return _back(training)
    return render_template("trainings/cancel.html", training=training, form=form)


# --- audit log -------------------------------------------------------------------------------------

@bp.get("/officer/trainings/<int:training_id>/audit")
@roles_required(*STAFF_ROLES)
@training_access("view")
def audit_log(training):
    filters, page = audit_listing.filtered_page(training.id, training.timezone)
    return render_template("audit/index.html", filters=filters, page=page, training=training,
                           audit_sentence=audit_sentences.sentence)


@bp.get("/officer/trainings/<int:training_id>/audit.csv")
@roles_required(*STAFF_ROLES)
@training_access("view")
def audit_log_export(training):
    """The entries the log page's filters select, as a CSV file, times in the training's zone; filters that cannot
    be read answer 400 with the log page, which says beside the field what is wrong."""
    try:
        entries = audit_listing.export_entries(training.id, training.timezone)
    except audit_listing.AuditFilterError as error:
        return audit_log(training_id=training.id), error.status
    body = audit_sentences.log_csv(entries, training.timezone)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-log-training-{training.id}.csv"'})


# --- old addresses -----------------------------------------------------------------------------------

@bp.route("/officer/sessions/<path:rest>", methods=["GET", "POST"])
def old_officer_url(rest):
    """The officer pages of a training moved from ``/officer/sessions/…`` to ``/officer/trainings/…``: a
    permanent redirect (308, so a POST stays a POST) to the same page, query string kept, for bookmarks and
    links in old e-mails. Whoever follows it meets the new page's own access rules."""
    target = f"{request.script_root}/officer/trainings/{quote(rest)}"
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, 308)
