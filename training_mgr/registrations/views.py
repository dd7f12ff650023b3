from dataclasses import dataclass

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..bulk import services as bulk
from ..core.domain import shows_domain_errors
from ..core.forms import shows_upload_errors
from ..core.i18n import current_language, fmt_date, local_date, localized
from ..core.labels import REGISTRATION_STATUS_LABELS, SEX_LABELS
from ..core.pagecache import cached_page
from ..core.pagination import requested_page
from ..core.permissions import STAFF_ROLES, roles_required
from ..core.text import clean_text
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import Participant
from ..trainings.access import can_manage_session, session_part_or_404, training_access
from . import decisions, importing, listing, seats, services
from .forms import (
    AddExistingParticipantForm, BulkStatusForm, ImportConfirmForm, ImportUploadForm, NewParticipantForm, RegistrationFilterForm,
    StatusChangeForm,
)
from .inputs import ParticipantDetails
from .models import REGISTRATION_STATUSES, Registration
from .services import ALLOWED_TRANSITIONS

bp = Blueprint("registrations", __name__)

PER_PAGE = 50


def _new_participant_form():
    form = NewParticipantForm()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = [("", "—")] + [
        (str(o.id), localized(o, "name") + (f" ({o.acronym})" if o.acronym else "")) for o in organisations
    ]
    return form


@bp.get("/officer/trainings/<int:training_id>/registrations")
@roles_required(*STAFF_ROLES)
@cached_page
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    form = RegistrationFilterForm(request.args)
    form.organisation.choices = [("", _("All"))] + [(str(o.id), localized(o, "name")) for o in listing.registered_organisations(training)]
    filters = form.data if form.validate() else {}
    counts = seats.registration_counts([training.id])[training.id]
    page = listing.registrations_page(
        training,
        search=filters.get("q"), status=filters.get("status"), organisation_id=filters.get("organisation"),
        sex=filters.get("sex"), sort=filters.get("sort") or "name", descending=filters.get("order") == "desc",
        page=requested_page(), per_page=PER_PAGE, counts=counts,
    )
    totals = {status: counts.get(status, 0) for status in REGISTRATION_STATUSES}
    return render_template(
        "registrations/index.html", training=training, form=form, page=page, totals=totals, grand_total=sum(totals.values()),
        rows=_list_rows(training, page.items, can_manage), can_manage=can_manage,
        seats_left=seats.seats_left(training), bulk_form=BulkStatusForm() if can_manage else None,
    )


@dataclass(frozen=True)
class ListRow:
    """One registration of the list, with what its row prints prepared."""

    #: a row of ``listing.registrations_page``: the registration's and its participant's columns
    registration: object
    organisation: str
    sex: str
    status: str
    #: the day of registration in the training's time zone (the time is on the registration's page)
    registered: str
    detail_url: str
    #: where "Approve" posts, for a pending or waitlisted registration the user may manage; else None
    approve_url: str | None


def _list_rows(training, registrations, can_manage) -> list:
    """The rows of the list in one pass: labels translated once, each distinct day formatted once and the URLs
    built once for the page (translating, formatting and url_for per row were most of the page's cost)."""
    statuses = {status: str(label) for status, label in REGISTRATION_STATUS_LABELS.items()}
    # asked for on the public form in a known person's name: the person confirms it, not an officer
    held = _("Pending: waiting for the person to confirm by e-mail")
    sexes = {sex: str(label) for sex, label in SEX_LABELS.items()}
    detail_url = _url_for_each(".detail", training_id=training.id)
    approve_url = _url_for_each(".change_status", training_id=training.id)
    lang = current_language()
    days = {}
    rows = []
    for registration in registrations:
        day = local_date(registration.created_at, training.timezone)
        if day not in days:
            days[day] = fmt_date(day, "short")
        rows.append(ListRow(
            registration=registration,
            organisation=localized(registration, "organisation_name", lang) or registration.organisation_other or "—",
            sex=sexes[registration.sex],
            status=held if registration.held_until is not None else statuses[registration.status],
            registered=days[day],
            detail_url=detail_url(registration.id),
            approve_url=approve_url(registration.id)
            if can_manage and registration.status in services.AWAITING_DECISION and registration.held_until is None else None,
        ))
    return rows


_PLACEHOLDER_ID = 2_147_483_647


def _url_for_each(endpoint, **values):
    """``registration id -> URL`` of ``endpoint``: url_for once for a whole list instead of once per row."""
    head, tail = url_for(endpoint, registration_id=_PLACEHOLDER_ID, **values).rsplit(str(_PLACEHOLDER_ID), 1)
    return lambda registration_id: f"{head}{registration_id}{tail}"


@bp.get("/officer/trainings/<int:training_id>/registrations/by-organisation")
@roles_required(*STAFF_ROLES)
@training_access("view")
def by_organisation(training):
    rows, totals, grand_total = listing.counts_by_organisation(training)
    return render_template(
        "registrations/by_organisation.html", training=training, rows=rows, totals=totals, grand_total=grand_total,
        statuses=REGISTRATION_STATUSES,
    )


@bp.get("/officer/trainings/<int:training_id>/registrations/add")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add(training):
    return _render_add(training, _new_participant_form())


def _render_add(training, new_form, status=200):
    term = clean_text(request.args.get("q", ""))
    found = services.search_participants(term) if term else []
    return render_template(
        "registrations/add.html", training=training, term=term, found=found,
        registered=services.registered_among(training, found),
        existing_form=AddExistingParticipantForm(formdata=None), new_form=new_form,
    ), status


@bp.post("/officer/trainings/<int:training_id>/registrations/add-existing")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_existing(training):
    form = AddExistingParticipantForm()
    if not form.validate():
        flash(_("Please pick a person to add."), "danger")
        return redirect(url_for(".add", training_id=training.id))
    participant = db.get_or_404(Participant, form.participant_id.data)
    with shows_domain_errors():
        registration = services.register(
            training, participant, source="officer", by_user=current_user,
            nominated_by=form.nominated_by.data or None, status=form.status.data or None,
        )
        flash(_("%(name)s added as %(status)s.", name=participant.name, status=REGISTRATION_STATUS_LABELS[registration.status]), "success")
        return redirect(url_for(".index", training_id=training.id))
    return redirect(url_for(".add", training_id=training.id, q=participant.email))


@bp.post("/officer/trainings/<int:training_id>/registrations/add-new")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_new(training):
    form = _new_participant_form()
    if not form.validate():
        return _render_add(training, form, 422)
    with shows_domain_errors():
        registration = services.register_new_participant(
            training, ParticipantDetails.from_form(form), by_user=current_user,
            nominated_by=form.nominated_by.data or None, status=form.status.data or None,
        )
        flash(_("%(name)s added as %(status)s.", name=registration.participant.name,
                status=REGISTRATION_STATUS_LABELS[registration.status]), "success")
        return redirect(url_for(".index", training_id=training.id))
    return _render_add(training, form, 422)


@bp.get("/officer/trainings/<int:training_id>/registrations/<int:registration_id>")
@roles_required(*STAFF_ROLES)
@training_access("view")
def detail(training, registration_id):
    registration = session_part_or_404(training, Registration, registration_id)
    return _render_detail(training, registration, StatusChangeForm(formdata=None))


def _render_detail(training, registration, form, status=200):
    form.status.choices = [(s, REGISTRATION_STATUS_LABELS[s]) for s in REGISTRATION_STATUSES
                           if s in ALLOWED_TRANSITIONS.get(registration.status, ())]
    return render_template(
        "registrations/detail.html", training=training, registration=registration, form=form,
        can_manage=can_manage_session(current_user, training),
    ), status


@bp.post("/officer/trainings/<int:training_id>/registrations/<int:registration_id>/status")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def change_status(training, registration_id):
    registration = session_part_or_404(training, Registration, registration_id)
    form = StatusChangeForm()
    if not form.validate():
        return _render_detail(training, registration, form, 422)
    with shows_domain_errors(form):  # "a reason is needed" beside the reason, the others flashed
        promoted = services.change_status(registration, form.status.data, by_user=current_user, reason=(form.reason.data or "").strip() or None,
                                          beyond_quota=bool(form.beyond_quota.data))
        flash(_("%(name)s is now %(status)s.", name=registration.participant.name,
                status=REGISTRATION_STATUS_LABELS[registration.status]), "success")
        for other in promoted:
            flash(_("%(name)s was promoted from the waiting list.", name=other.participant.name), "info")
        if request.form.get("back") == "list":
            return redirect(url_for(".index", training_id=training.id))
        return redirect(url_for(".detail", training_id=training.id, registration_id=registration_id))
    return _render_detail(training, registration, form, 422)


@bp.post("/officer/trainings/<int:training_id>/registrations/bulk")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def bulk_status(training):
    """The ticked registrations: first a page that names them and the action (confirmation), then the change."""
    form = BulkStatusForm()
    ids = [int(value) for value in request.form.getlist("registration_ids") if value.isdigit()]
    chosen = decisions.selected_registrations(training, ids)
    if not chosen:
        flash(_("Tick the registrations to change first."), "warning")
        return redirect(url_for(".index", training_id=training.id))
    valid = form.validate()
    if not valid or form.confirm.data != "yes":
        return render_template("registrations/bulk_confirm.html", training=training, form=form, chosen=chosen,
                               action=dict(form.status.choices).get(form.status.data)), 200 if valid else 422
    with shows_domain_errors(form):  # a missing reason beside the reason; nothing changed then
        outcome = decisions.change_statuses(chosen, form.status.data, by_user=current_user, reason=form.reason.data)
        label = REGISTRATION_STATUS_LABELS[form.status.data]
        flash(_("%(changed)d changed to %(status)s, %(unchanged)d already so, %(refused)d not changed.",
                changed=len(outcome.changed), status=label, unchanged=len(outcome.unchanged),
                refused=len(outcome.refused)), "success" if not outcome.refused else "warning")
        for registration, message in outcome.refused:
            flash(_("%(name)s: %(message)s", name=registration.participant.name, message=message), "warning")
        for other in outcome.promoted:
            flash(_("%(name)s was promoted from the waiting list.", name=other.participant.name), "info")
        return redirect(url_for(".index", training_id=training.id))
    return render_template("registrations/bulk_confirm.html", training=training, form=form, chosen=chosen,
                           action=dict(form.status.choices).get(form.status.data)), 422


@bp.route("/officer/trainings/<int:training_id>/registrations/import", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def import_upload(training):
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return render_template("registrations/import.html", training=training, form=form), 422 if form.errors else 200
    upload = form.file.data
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    with shows_upload_errors(form):
        preview = importing.preview_upload(training, upload.filename, upload.stream.read(max_bytes + 1), max_bytes,
                                           sheet=form.sheet.data or None)
        confirm = ImportConfirmForm(formdata=None)
        if preview.ok:
            confirm.payload.data = importing.sign_rows(training, upload.filename, preview)
        return render_template("registrations/import_preview.html", training=training, preview=preview, confirm=confirm,
                               filename=upload.filename)
    return render_template("registrations/import.html", training=training, form=form), 422


@bp.post("/officer/trainings/<int:training_id>/registrations/import/confirm")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def import_confirm(training):
    form = ImportConfirmForm()
    try:
        if not form.validate():
            raise importing.NominationImportError(_("This preview has expired or is invalid; please upload the file again."))
        filename, rows = importing.unsign_rows(training, form.payload.data)
    except importing.NominationImportError as error:
        flash(str(error), "danger")
        return redirect(url_for(".import_upload", training_id=training.id))
    # a bulk job: its page shows the outcome, or every reason the rows were refused
    record = bulk.start("registrations.import", by_user=current_user, training=training,
                        params={"filename": filename, "rows": rows})
    return redirect(url_for("bulk.job_page", job_id=record.id))


@bp.get("/officer/trainings/<int:training_id>/registrations/import/template.<any(csv, xlsx):kind>")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def import_template(training, kind):
    if kind == "csv":
        body, mimetype = importing.template_csv(), "text/csv; charset=utf-8"
    else:
        body, mimetype = importing.template_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename=nomination-list.{kind}"})
