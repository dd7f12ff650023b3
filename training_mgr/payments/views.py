"""A training's payment sheet: its daily rate, and the sheet as PDF and XLSX. Whoever may read the training (its
officers, managers, admins) sees the sheet and downloads it; its managing officers and admins set the rate."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import shows_domain_errors
from ..core.permissions import STAFF_ROLES, roles_required
from ..trainings.access import training_access
from . import services
from .forms import DailyRateForm

bp = Blueprint("payments", __name__)


@bp.route("/officer/trainings/<int:training_id>/payment-sheet", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def sheet(training, can_manage):
    if request.method == "POST" and not can_manage:
        abort(403)  # managers read the sheet; the training's officers set its rate
    form = DailyRateForm(obj=training)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            services.set_daily_rate(training, form.daily_rate.data, form.currency.data, by_user=current_user)
            flash(_("Daily rate saved."), "success")
            return redirect(url_for(".sheet", training_id=training.id))
    payment = None
    if training.daily_rate is not None and training.currency:
        payment = services.payment_sheet(training)
    return render_template("payments/sheet.html", training=training, form=form, sheet=payment, can_manage=can_manage), \
        422 if form.errors else 200


@bp.get("/officer/trainings/<int:training_id>/payment-sheet.<any(pdf, xlsx):kind>")
@roles_required(*STAFF_ROLES)
@training_access("view")
def download(training, kind):
    with shows_domain_errors():
        sheet = services.payment_sheet(training)
        if kind == "pdf":
            data, mimetype = services.payment_sheet_pdf(sheet), "application/pdf"
        else:
            data = services.payment_sheet_xlsx(sheet)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(data, mimetype=mimetype, headers={
            "Content-Disposition": f"attachment; filename=payment-sheet-{training.id}.{kind}"})
    return redirect(url_for("attendance.grid", training_id=training.id))
