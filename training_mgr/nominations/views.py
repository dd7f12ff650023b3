"""Nominations: the officers' invitations and decisions, the focal point's page (through the link, no account)
and the nominee's page to confirm their own details."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..core.domain import shows_domain_errors
from ..core.forms import shows_upload_errors
from ..core.i18n import localized
from ..core.permissions import STAFF_ROLES, roles_required
from ..core.urls import public_url
from ..extensions import db
from ..organisations.models import Organisation
from ..questions import services as questions
from ..questions.forms import answers_of, fill_answers, question_fields, with_questions
from ..trainings.access import session_part_or_404, training_access
from . import balance, services, spreadsheet
from .forms import ConfirmForm, InvitationForm, NomineeForm, SpreadsheetForm, WomenTargetForm
from .inputs import InvitationDetails, NomineeDetails, default_deadline
from .models import Nomination, NominationInvitation

bp = Blueprint("nominations", __name__)
#: a nominee confirmed beyond the quota, on the focal point's and the officers' pages
bp.add_app_template_global(balance.added_seat, "added_seat")


# --- officers ----------------------------------------------------------------------------------

def _invitation_form(training, formdata=None):
    form = InvitationForm(formdata=formdata) if formdata is not None else InvitationForm()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = [("", "—")] + [(str(o.id), localized(o, "name")) for o in organisations]
    if form.deadline.data is None:
        form.deadline.data = default_deadline(training)
    return form


def _render_index(training, can_manage, invite_form=None, target_form=None, status=200):
    invitations = services.invitations_of(training)
    positions = balance.positions_of(invitations)
    if target_form is None:
        target_form = WomenTargetForm(formdata=None, percent=training.women_target_percent)
    rows, overall = balance.gender_balance(training, invitations, positions)
    return render_template(
        "nominations/index.html", training=training, can_manage=can_manage, invitations=invitations,
        uses={i.id: balance.quota_use(i, positions) for i in invitations},
        statuses={i.id: services.status_of(i) for i in invitations},
        invite_form=invite_form or _invitation_form(training, formdata={}), target_form=target_form,
        balance_rows=rows, overall=overall,
    ), status


@bp.get("/officer/trainings/<int:training_id>/nominations")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    return _render_index(training, can_manage)


@bp.post("/officer/trainings/<int:training_id>/nominations/invite")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def invite(training):
    form = _invitation_form(training)
    if form.validate():
        with shows_domain_errors(form):
            invitation, token = services.invite(training, InvitationDetails.from_form(form), by_user=current_user)
            flash(_("%(organisation)s is invited; the link was e-mailed to %(email)s. It is shown only this once: %(link)s",
                    organisation=localized(invitation.organisation, "name"), email=invitation.focal_point_email,
                    link=public_url("nominations.focal_point", token=token)), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render_index(training, True, invite_form=form, status=422)


@bp.post("/officer/trainings/<int:training_id>/nominations/target")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def women_target(training):
    form = WomenTargetForm()
    if form.validate():
        with shows_domain_errors(form):
            services.set_women_target(training, form.percent.data, by_user=current_user)
            flash(_("Gender balance target saved."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render_index(training, True, target_form=form, status=422)


@bp.route("/officer/trainings/<int:training_id>/nominations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def revoke(training, invitation_id):
    invitation = session_part_or_404(training, NominationInvitation, invitation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.revoke(invitation, by_user=current_user)
        flash(_("The nomination link of %(organisation)s no longer works.",
                organisation=localized(invitation.organisation, "name")), "success")
        return redirect(url_for(".index", training_id=training.id))
    return render_template("nominations/revoke.html", training=training, invitation=invitation, form=form)


@bp.get("/officer/trainings/<int:training_id>/nominations/nominees")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def nominees(training, can_manage):
    invitations = services.invitations_of(training)
    positions = balance.positions_of(invitations)
    nominations = [n for i in invitations for n in i.nominations]
    rows, overall = balance.gender_balance(training, invitations, positions)
    return render_template(
        "nominations/nominees.html", training=training, can_manage=can_manage, invitations=invitations,
        positions=positions, uses={i.id: balance.quota_use(i, positions) for i in invitations},
        trained=balance.already_trained(training, nominations), balance_rows=rows, overall=overall,
    )


@bp.post("/officer/trainings/<int:training_id>/nominations/nominees/<int:nomination_id>/approve")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def approve(training, nomination_id):
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.invitation.training_id != training.id:
        abort(404)
    if ConfirmForm().validate():
        with shows_domain_errors():
            services.approve(nomination, by_user=current_user)
            flash(_("%(name)s is confirmed.", name=nomination.name), "success")
    return redirect(url_for(".nominees", training_id=training.id))


# --- the focal point ----------------------------------------------------------------------------

def _link_refused(error):
    return render_template("nominations/link_invalid.html", message=str(error)), error.status


def _nominee_form(training, formdata=False):
    """The nomination form with the training's registration questions, and those questions."""
    asked = questions.questions_of(training)
    form_class = with_questions(NomineeForm, asked)
    return (form_class() if formdata else form_class(formdata=None)), asked


def _render_focal_point(invitation, token, form=None, sheet_form=None, sheet=None, status=200):
    training = invitation.training
    if form is None:
        form, _asked = _nominee_form(training)
    positions = balance.quota_positions(invitation)
    rows, _overall = balance.gender_balance(training, [invitation], positions)
    return render_template(
        "nominations/focal_point.html", invitation=invitation, training=training, token=token,
        positions=positions, use=balance.quota_use(invitation, positions),
        balance=rows[0] if rows else None, trained=balance.already_trained(training, invitation.nominations),
        form=form, question_fields=question_fields(form, questions.questions_of(training)),
        sheet_form=sheet_form or SpreadsheetForm(formdata=None),
        sheet=sheet,
    ), status


@bp.route("/nominations/<token>", methods=["GET", "POST"])
def focal_point(token):
    try:
        invitation = services.invitation_by_token(token)
    except services.NominationLinkInvalid as error:
        return _link_refused(error)
    form, asked = _nominee_form(invitation.training, formdata=True)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            nomination, within = services.nominate(invitation, NomineeDetails.from_form(form),
                                                   answers=answers_of(form, asked))
            if within:
                flash(_("%(name)s is nominated.", name=nomination.name), "success")
            else:
                flash(_("The quota is used up: %(name)s is on your organisation's waiting list.", name=nomination.name), "warning")
            return redirect(url_for(".focal_point", token=token))
        return _render_focal_point(invitation, token, form=form, status=422)
    return _render_focal_point(invitation, token, form=form, status=422 if form.errors else 200)


@bp.post("/nominations/<token>/upload")
def focal_point_upload(token):
    try:
        invitation = services.invitation_by_token(token)
    except services.NominationLinkInvalid as error:
        return _link_refused(error)
    form = SpreadsheetForm()
    if not form.validate():
        return _render_focal_point(invitation, token, sheet_form=form, status=422)
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    sheet = None
    with shows_upload_errors(form):
        sheet = spreadsheet.read_nominees(invitation, form.file.data.filename,
                                          form.file.data.stream.read(max_bytes + 1), max_bytes,
                                          sheet=form.sheet.data or None)
        if sheet.ok:
            added = services.nominate_all(invitation, sheet.nominees)
            waiting = sum(1 for _nomination, within in added if not within)
            flash(ngettext("%(num)d official nominated.", "%(num)d officials nominated.", len(added)), "success")
            if waiting:
                flash(ngettext("The quota is used up: %(num)d of them is on your organisation's waiting list.",
                               "The quota is used up: %(num)d of them are on your organisation's waiting list.", waiting),
                      "warning")
            return redirect(url_for(".focal_point", token=token))
        form.file.errors = list(form.file.errors) + [_("Nothing was nominated: please correct the file and upload it again.")]
    return _render_focal_point(invitation, token, sheet_form=form, sheet=sheet, status=422)


def _own_nomination_or_404(invitation, nomination_id):
    nomination = services.nomination_of(invitation, nomination_id)
    if nomination is None:
        abort(404)
    return nomination


@bp.route("/nominations/<token>/nominees/<int:nomination_id>", methods=["GET", "POST"])
def focal_point_edit(token, nomination_id):
    try:
        invitation = services.invitation_by_token(token)
    except services.NominationLinkInvalid as error:
        return _link_refused(error)
    nomination = _own_nomination_or_404(invitation, nomination_id)
    form = NomineeForm(obj=nomination)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            services.update_nomination(nomination, NomineeDetails.from_form(form))
            flash(_("The details of %(name)s are saved.", name=nomination.name), "success")
            return redirect(url_for(".focal_point", token=token))
    return render_template("nominations/focal_point_edit.html", invitation=invitation, training=invitation.training,
                           token=token, nomination=nomination, form=form), 422 if form.errors else 200


@bp.post("/nominations/<token>/nominees/<int:nomination_id>/remove")
def focal_point_remove(token, nomination_id):
    try:
        invitation = services.invitation_by_token(token)
    except services.NominationLinkInvalid as error:
        return _link_refused(error)
    nomination = _own_nomination_or_404(invitation, nomination_id)
    if ConfirmForm().validate():
        name = nomination.name
        with shows_domain_errors():
            services.withdraw_nomination(nomination)
            flash(_("The nomination of %(name)s is taken back.", name=name), "success")
    return redirect(url_for(".focal_point", token=token))


# --- the nominee ---------------------------------------------------------------------------------

@bp.route("/nominations/confirm/<token>", methods=["GET", "POST"])
def nominee(token):
    try:
        nomination = services.nomination_by_confirm_token(token)
    except services.NominationLinkInvalid as error:
        return _link_refused(error)
    registration = nomination.registration
    asked = questions.questions_of(registration.training_id)
    form = with_questions(NomineeForm, asked)(obj=registration.participant)
    form.email.data = nomination.email  # shown, not changed here
    if request.method == "GET":
        fill_answers(form, asked, questions.stored_answers(registration))
    if form.validate_on_submit():
        services.confirm_details(nomination, NomineeDetails.from_form(form), answers=answers_of(form, asked))
        flash(_("Thank you: your details are confirmed. The organisers will write to you once they have decided."), "success")
        return redirect(url_for(".nominee", token=token))
    return render_template("nominations/nominee.html", nomination=nomination, training=nomination.invitation.training,
                           form=form, question_fields=question_fields(form, asked)), 422 if form.errors else 200
