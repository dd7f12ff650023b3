"""Reports: the managers' dashboard, the programme report (PDF, XLSX, CSV) and each training's report."""
from io import BytesIO

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from ..core.pagination import requested_page
from ..core.permissions import STAFF_ROLES, roles_required
from ..extensions import db
from ..trainings.access import training_access
from ..trainings.models import TrainingSession
from . import documents
from .figures import held_sessions, programme_figures
from .forms import ProgrammeFilterForm

bp = Blueprint("reports", __name__)

MANAGER_ROLES = ("manager", "admin")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRAININGS_PER_PAGE = 20
OVERDUE_PER_PAGE = 25


def _download(data: bytes, filename: str, mimetype: str):
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)


@bp.get("/dashboard")
@roles_required(*MANAGER_ROLES)
def dashboard():
    form = ProgrammeFilterForm(request.args)
    if not form.validate():
        return render_template("reports/dashboard.html", form=form, figures=None)
    filters = form.filters()
    figures = programme_figures(filters)
    page = db.paginate(
        select(TrainingSession)
        .where(TrainingSession.id.in_(held_sessions(filters)))
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc()),
        page=requested_page(),
        per_page=TRAININGS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "reports/dashboard.html",
        form=form,
        figures=figures,
        key_by_training={training.id: key for training, key in figures.trainings},
        trainings_page=page,
        overdue_page=figures.overdue_page(requested_page("overdue_page"), OVERDUE_PER_PAGE),
        charts=documents.programme_charts(figures),
        download_args={k: v for k, v in request.args.items() if v and k in ("from", "to", "course", "organisation", "country")},
        organisation_label=documents.organisation_label,
    )


def _programme_download(render, filename, mimetype):
    """A programme file for the dashboard's filters; bad filters go back to the dashboard, which shows the errors."""
    form = ProgrammeFilterForm(request.args)
    if not form.validate():
        return redirect(url_for("reports.dashboard", **request.args))
    period = "-".join(str(d) for d in (form.date_from.data, form.date_to.data) if d) or "all"
    return _download(render(form), filename.format(period=period), mimetype)


@bp.get("/dashboard/report.pdf")
@roles_required(*MANAGER_ROLES)
def programme_pdf():
    return _programme_download(
        lambda form: documents.programme_report_pdf(form.filters()),
        "programme-report-{period}.pdf",
        "application/pdf",
    )


@bp.get("/dashboard/report.xlsx")
@roles_required(*MANAGER_ROLES)
def programme_xlsx():
    return _programme_download(
        lambda form: documents.programme_report_xlsx(form.filters()),
        "programme-report-{period}.xlsx",
        XLSX_MIMETYPE,
    )


@bp.get("/dashboard/participants.csv")
@roles_required(*MANAGER_ROLES)
def programme_participants_csv():
    return _programme_download(
        lambda form: documents.participants_csv(filters=form.filters()),
        "participants-{period}.csv",
        "text/csv",
    )


@bp.get("/officer/trainings/<int:training_id>/report.pdf")
@roles_required(*STAFF_ROLES)
@training_access("view")
def session_report(training):
    return _download(
        documents.session_report_pdf(training), f"training-{training.id}-report.pdf", "application/pdf"
    )


@bp.get("/officer/trainings/<int:training_id>/participants.csv")
@roles_required(*STAFF_ROLES)
@training_access("view")
def session_participants_csv(training):
    return _download(
        documents.participants_csv(training=training),
        f"training-{training.id}-participants.csv",
        "text/csv",
    )
