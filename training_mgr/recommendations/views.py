from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.i18n import localized
from ..core.pagination import requested_page
from ..core.permissions import STAFF_ROLES, roles_required
from ..extensions import db
from ..organisations.models import Organisation
from ..core.domain import shows_domain_errors
from ..trainings.access import can_manage_session, session_part_or_404, training_access
from . import services
from .forms import FollowUpForm, RecommendationForm, TrackerFilterForm
from .models import Recommendation

bp = Blueprint("recommendations", __name__)

PER_PAGE = 50


def _organisation_choices(first):
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return [("", first)] + [(o.id, localized(o, "name")) for o in organisations]


def _recommendation_form(**kwargs):
    form = RecommendationForm(**kwargs)
    form.responsible_organisation_id.choices = _organisation_choices("—")
    return form


@bp.get("/recommendations")
@roles_required(*STAFF_ROLES)
def tracker():
    form = TrackerFilterForm(request.args)
    form.organisation.choices = _organisation_choices(_("All"))
    form.training.choices = [("", _("All"))] + [(t.id, localized(t, "title")) for t in services.visible_trainings(current_user)]
    filters = form.data if form.validate() else {}
    page = services.tracker_page(
        current_user, status=filters.get("status"), organisation_id=filters.get("organisation"),
        training_id=filters.get("training"), overdue=filters.get("overdue") == "1",
        page=requested_page(), per_page=PER_PAGE,
    )
    return render_template("recommendations/tracker.html", form=form, page=page, is_overdue=services.is_overdue)


@bp.get("/officer/trainings/<int:training_id>/recommendations")
@roles_required(*STAFF_ROLES)
@training_access("view")
def index(training):
    return _render_index(training, _recommendation_form(formdata=None))


def _render_index(training, form, status=200):
    return render_template(
        "recommendations/index.html", training=training, form=form,
        recommendations=services.recommendations_of(training), is_overdue=services.is_overdue,
        can_manage=can_manage_session(current_user, training),
    ), status


@bp.post("/officer/trainings/<int:training_id>/recommendations")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def create(training):
    form = _recommendation_form()
    if form.validate():
        with shows_domain_errors():
            services.create_recommendation(training, services.RecommendationDetails.from_form(form),
                                           by_user=current_user)
            flash(_("Recommendation added."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render_index(training, form, 422)


@bp.get("/officer/trainings/<int:training_id>/recommendations/<int:recommendation_id>")
@roles_required(*STAFF_ROLES)
@training_access("view")
def detail(training, recommendation_id):
    recommendation = session_part_or_404(training, Recommendation, recommendation_id)
    return _render_detail(
        training, recommendation,
        _recommendation_form(obj=recommendation), FollowUpForm(formdata=None, prefix="follow_up", status=recommendation.status),
    )


def _render_detail(training, recommendation, form, follow_up, status=200):
    return render_template(
        "recommendations/detail.html", training=training, recommendation=recommendation, form=form,
        follow_up=follow_up, can_manage=can_manage_session(current_user, training), is_overdue=services.is_overdue,
    ), status


@bp.post("/officer/trainings/<int:training_id>/recommendations/<int:recommendation_id>/edit")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def edit(training, recommendation_id):
    recommendation = session_part_or_404(training, Recommendation, recommendation_id)
    form = _recommendation_form()
    if form.validate():
        with shows_domain_errors():
            changes = services.update_recommendation(recommendation, services.RecommendationDetails.from_form(form),
                                                     by_user=current_user)
            flash(_("Recommendation saved.") if changes else _("Nothing changed."), "success")
            return redirect(url_for(".detail", training_id=training.id, recommendation_id=recommendation_id))
    return _render_detail(training, recommendation, form, FollowUpForm(formdata=None, prefix="follow_up", status=recommendation.status), 422)


@bp.post("/officer/trainings/<int:training_id>/recommendations/<int:recommendation_id>/updates")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_update(training, recommendation_id):
    recommendation = session_part_or_404(training, Recommendation, recommendation_id)
    follow_up = FollowUpForm(prefix="follow_up")
    if follow_up.validate():
        with shows_domain_errors():
            services.add_update(recommendation, on=follow_up.date.data, status=follow_up.status.data,
                                note=follow_up.note.data, by_user=current_user)
            flash(_("Follow-up added."), "success")
            return redirect(url_for(".detail", training_id=training.id, recommendation_id=recommendation_id))
    return _render_detail(training, recommendation, _recommendation_form(formdata=None, obj=recommendation), follow_up, 422)
