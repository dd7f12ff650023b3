"""Reports: the managers' dashboard, the programme report (PDF, XLSX, CSV) and each training's report."""
from io import BytesIO

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from ..bulk import services as bulk
from ..core.pagination import requested_page
from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, roles_required
from ..extensions import db
from ..trainings.access import training_access
from ..trainings.models import TrainingSession
from . import documents, officer_home as officer_figures
from .evaluation import programme_section
from .figures import held_sessions, programme_figures
from .forms import ProgrammeFilterForm
from .tasks import filters_params

bp = Blueprint("reports", __name__)

MANAGER_ROLES = ("manager", "admin")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRAININGS_PER_PAGE = 20
OVERDUE_PER_PAGE = 25


def _download(data: bytes, filename: str, mimetype: str):
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)


@bp.get("/officer")
@roles_required(*EDITOR_ROLES)
def officer_home():
    """The officer's home: their trainings and what needs doing (``officer_home.officer_home``)."""
    home = officer_figures.officer_home(current_user, past_page=requested_page())
    return render_template("reports/officer_home.html", home=home)


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
        evaluation=programme_section(figures.trainings),
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


# --- the same files made by a bulk job: the request answers at once with the job's page ----------------------

PROGRAMME_FORMATS = ("pdf", "xlsx", "csv")
SESSION_FORMATS = ("pdf", "csv")


@bp.post("/dashboard/report/prepare")
@roles_required(*MANAGER_ROLES)
def prepare_programme_report():
    """The programme report (``format`` pdf or xlsx) or participant list (csv) for the dashboard's filters (the query
    string, as the download links), made by a bulk job; bad filters go back to the dashboard, which shows them."""
    form = ProgrammeFilterForm(request.args)
    fmt = request.form.get("format")
    if fmt not in PROGRAMME_FORMATS or not form.validate():
        return redirect(url_for("reports.dashboard", **request.args))
    record = bulk.start("reports.programme", by_user=current_user,
                        params={"format": fmt, "filters": filters_params(form.filters())})
    return redirect(url_for("bulk.job_page", job_id=record.id))


@bp.post("/officer/trainings/<int:training_id>/report/prepare")
@roles_required(*STAFF_ROLES)
@training_access("view")
def prepare_session_report(training):
    """A training's report (``format`` pdf) or participant list (csv), made by a bulk job."""
    fmt = request.form.get("format")
    if fmt not in SESSION_FORMATS:
        abort(400)
    record = bulk.start("reports.session", by_user=current_user, training=training, params={"format": fmt})
    return redirect(url_for("bulk.job_page", job_id=record.id))
