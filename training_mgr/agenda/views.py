"""A training's agenda: the officer's page (slots, facilitators, materials and their release), the printable agenda
PDF (public, like the training's page), and a material's download (its officers; its confirmed participants once
released)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import shows_domain_errors
from ..core.forms import flash_saved
from ..core.i18n import current_language
from ..core.permissions import STAFF_ROLES, roles_required
from ..extensions import db
from ..organisations.services import all_organisations
from ..pdf import render_pdf
from ..trainings.access import can_manage_session, can_view_session, training_access
from ..trainings.models import TrainingSession
from . import services
from .forms import FacilitatorEditForm, FacilitatorForm, MaterialForm, SlotForm
from .models import AgendaSlot, Facilitator

bp = Blueprint("agenda", __name__)


def _slot_form(training, **kwargs) -> SlotForm:
    form = SlotForm(**kwargs)
    form.set_choices(training, services.all_facilitators(), current_language())
    return form


def _facilitator_form(form_class=FacilitatorForm, **kwargs) -> FacilitatorForm:
    form = form_class(**kwargs)
    form.set_choices(all_organisations(), current_language())
    return form


def _render(training, can_manage=True, slot_form=None, facilitator_form=None, material_form=None, material_slot=None,
            status=200):
    return render_template(
        "agenda/index.html", training=training, can_manage=can_manage, agenda=services.agenda_of(training),
        slot_form=slot_form or _slot_form(training, formdata=None),
        facilitator_form=facilitator_form or _facilitator_form(formdata=None), facilitators=services.all_facilitators(),
        material_form=material_form, material_slot=material_slot,
        max_mb=current_app.config["AGENDA_MATERIAL_MAX_BYTES"] // (1024 * 1024),
    ), status


def _slot(training, slot_id) -> AgendaSlot:
    slot = db.get_or_404(AgendaSlot, slot_id)
    if slot.day.training_id != training.id:
        abort(404)
    return slot


@bp.get("/officer/trainings/<int:training_id>/agenda")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    return _render(training, can_manage)


@bp.post("/officer/trainings/<int:training_id>/agenda/slots")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_slot(training):
    form = _slot_form(training)
    if form.validate():
        with shows_domain_errors(form):
            services.add_slot(training, services.SlotDetails.from_form(form), by_user=current_user)
            flash(_("Slot added to the agenda."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render(training, slot_form=form, status=422)


@bp.post("/officer/trainings/<int:training_id>/agenda/slots/<int:slot_id>/remove")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def remove_slot(training, slot_id):
    services.remove_slot(training, _slot(training, slot_id), by_user=current_user)
    flash(_("Slot removed, with its materials."), "success")
    return redirect(url_for(".index", training_id=training.id))


@bp.post("/officer/trainings/<int:training_id>/agenda/facilitators")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_facilitator(training):
    form = _facilitator_form()
    if form.validate():
        with shows_domain_errors(form):
            services.add_facilitator(services.FacilitatorDetails.from_form(form), by_user=current_user)
            flash(_("Facilitator added: you can now choose them for a slot."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render(training, facilitator_form=form, status=422)


@bp.route("/officer/trainings/<int:training_id>/agenda/facilitators/<int:facilitator_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def edit_facilitator(training, facilitator_id):
    """A facilitator's page, reached from a training the officer manages (facilitators are shared by every
    training): their details, the slots they lead, and their removal when they lead none."""
    facilitator = db.get_or_404(Facilitator, facilitator_id)
    form = _facilitator_form(FacilitatorEditForm, obj=facilitator)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            flash_saved(services.update_facilitator(facilitator, services.FacilitatorDetails.from_form(form),
                                                    by_user=current_user), _("Facilitator saved."))
            return redirect(url_for(".index", training_id=training.id, _anchor="facilitators"))
    return render_template("agenda/facilitator.html", training=training, facilitator=facilitator, form=form,
                           slots=services.slots_led_by(facilitator)), 422 if form.errors else 200


@bp.post("/officer/trainings/<int:training_id>/agenda/facilitators/<int:facilitator_id>/remove")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def remove_facilitator(training, facilitator_id):
    facilitator = db.get_or_404(Facilitator, facilitator_id)
    with shows_domain_errors():
        services.remove_facilitator(facilitator, by_user=current_user)
        flash(_("Facilitator removed."), "success")
        return redirect(url_for(".index", training_id=training.id, _anchor="facilitators"))
    return redirect(url_for(".edit_facilitator", training_id=training.id, facilitator_id=facilitator.id))


@bp.post("/officer/trainings/<int:training_id>/agenda/slots/<int:slot_id>/materials")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_material(training, slot_id):
    slot = _slot(training, slot_id)
    form = MaterialForm()
    if form.validate():
        upload = form.file.data
        with shows_domain_errors(form):
            services.add_material(
                training, slot, title=form.title.data.strip(), by_user=current_user, url=(form.url.data or "").strip() or None,
                filename=upload.filename if upload else None,
                data=upload.read(current_app.config["AGENDA_MATERIAL_MAX_BYTES"] + 1) if upload else None)
            flash(_("Material attached. Participants see it once you release it."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render(training, material_form=form, material_slot=slot, status=422)


@bp.post("/officer/trainings/<int:training_id>/agenda/materials/<int:material_id>/release")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def release_material(training, material_id):
    material = services.material_of(training, material_id) or abort(404)
    released = request.form.get("released", "1") == "1"
    services.set_released(training, material, released, by_user=current_user)
    flash(_("Released to the confirmed participants.") if released else _("Hidden from the participants."), "success")
    return redirect(url_for(".index", training_id=training.id))


@bp.post("/officer/trainings/<int:training_id>/agenda/materials/release")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def release_all(training):
    count = services.release_all(training, by_user=current_user)
    flash(_("%(count)d materials released to the confirmed participants.", count=count), "success")
    return redirect(url_for(".index", training_id=training.id))


@bp.post("/officer/trainings/<int:training_id>/agenda/materials/<int:material_id>/remove")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def remove_material(training, material_id):
    material = services.material_of(training, material_id) or abort(404)
    services.remove_material(training, material, by_user=current_user)
    flash(_("Material removed."), "success")
    return redirect(url_for(".index", training_id=training.id))


@bp.get("/sessions/<int:training_id>/agenda.pdf")
def agenda_pdf(training_id):
    """The printable agenda, public like the training's page (drafts: their viewing staff only)."""
    training = db.get_or_404(TrainingSession, training_id)
    if training.status == "draft" and not can_view_session(current_user, training):
        abort(404)
    body = render_pdf("pdf/agenda.html", training=training, agenda=services.agenda_of(training),
                      lang=current_language())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="agenda-{training.id}.pdf"'})


@bp.get("/sessions/<int:training_id>/materials/<int:material_id>")
def material(training_id, material_id):
    """A material: its training's officers and admins always; its confirmed participants once released (404 to anyone
    else, as if it did not exist)."""
    training = db.get_or_404(TrainingSession, training_id)
    found = services.material_of(training, material_id)
    if found is None:
        abort(404)
    allowed = can_manage_session(current_user, training) or (
        found.released_at is not None and services.is_confirmed_participant(current_user, training))
    if not allowed:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        abort(404)
    if found.kind == "link":
        return redirect(found.url)
    return Response(found.data, mimetype=found.mime_type, headers={
        "Content-Disposition": f'attachment; filename="material-{found.id}.{found.filename.rsplit(".", 1)[-1]}"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
