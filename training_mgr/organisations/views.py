from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..core.domain import shows_domain_errors
from ..core.forms import country_choices, flash_saved
from ..core.pagination import KnownPagination, requested_page
from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, roles_required
from ..extensions import db
from . import services
from .access import ORGANISATION_CURATOR_ROLES, managed_organisation_ids, manageable_organisation
from .forms import MapOtherForm, OrganisationFilterForm, OrganisationForm
from .models import Organisation

bp = Blueprint("organisations", __name__)

PER_PAGE = 25


@bp.get("/organisations")
@roles_required(*STAFF_ROLES)
def index():
    filters = OrganisationFilterForm(request.args)
    filters.validate()
    query = services.organisation_list_query(
        filters.q.data if not filters.q.errors else None, filters.kind.data or None
    ).options(joinedload(Organisation.parent))
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    curator = current_user.role in ORGANISATION_CURATOR_ROLES
    typed_in = services.count_other_organisation_names() if curator else None
    editable = managed_organisation_ids(current_user, (o.id for o in page.items))
    return render_template("organisations/index.html", page=page, filters=filters, typed_in=typed_in,
                           editable=editable)


def _form(organisation=None):
    return OrganisationForm(
        obj=organisation,
        organisations=services.all_organisations(),
        countries=country_choices(_("No country")),
        exclude_id=organisation.id if organisation else None,
        stewards=services.steward_choices() if current_user.role == "admin" else None,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def create():
    form = _form()
    if request.method == "GET" and request.args.get("name"):
        form.name.data = request.args["name"][:200]
    if form.validate_on_submit():
        with shows_domain_errors(form):
            organisation = services.create_organisation(current_user, services.OrganisationDetails.from_form(form))
            flash(_("Organisation “%(name)s” added.", name=organisation.name), "success")
            return redirect(url_for("organisations.index", q=organisation.name))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit(organisation_id):
    organisation = manageable_organisation(organisation_id)
    form = _form(organisation)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = services.update_organisation(organisation, current_user,
                                                   services.OrganisationDetails.from_form(form))
            flash_saved(changes, _("Organisation saved."))
            return redirect(url_for("organisations.index", q=organisation.name))
    return render_template("organisations/form.html", form=form, organisation=organisation)


@bp.get("/organisations/other")
@roles_required(*ORGANISATION_CURATOR_ROLES)
def other_names():
    """Organisation names typed in by participants because theirs was not in the list."""
    names, number = services.other_organisation_names(), requested_page()
    page = KnownPagination(names[(number - 1) * PER_PAGE:number * PER_PAGE], total=len(names), page=number,
                           per_page=PER_PAGE)
    return render_template("organisations/other.html", page=page)


@bp.route("/organisations/other/map", methods=["GET", "POST"])
@roles_required(*ORGANISATION_CURATOR_ROLES)
def map_other():
    form = MapOtherForm(organisations=services.all_organisations())
    if request.method == "GET":
        form.name.data = request.args.get("name", "")
    typed_name = (form.name.data or "").strip()
    participants = services.count_participants_with_typed_name(typed_name)
    if request.method == "GET" and not participants:
        abort(404)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            organisation = db.get_or_404(Organisation, form.organisation_id.data)
            count = services.map_other_organisation(typed_name, organisation, current_user)
            flash(ngettext(
                "“%(typed)s” mapped to %(name)s for %(num)d participant.",
                "“%(typed)s” mapped to %(name)s for %(num)d participants.",
                count, typed=typed_name, name=organisation.name,
            ), "success")
            return redirect(url_for("organisations.other_names"))
    return render_template("organisations/map_other.html", form=form, typed_name=typed_name, participants=participants)

