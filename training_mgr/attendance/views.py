from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.i18n import fmt_date
from ..core.labels import MARK_LABELS
from ..core.pagecache import cached_page
from ..core.permissions import STAFF_ROLES, roles_required
from ..core.text import clean_text
from ..core.domain import shows_domain_errors
from ..trainings.access import training_access
from . import services
from .models import MARKS

bp = Blueprint("attendance", __name__)


def _day_or_404(training, day_id):
    day = services.day_of(training, day_id)
    if day is None:
        abort(404)
    return day


@bp.get("/officer/trainings/<int:training_id>/attendance")
@roles_required(*STAFF_ROLES)
@cached_page
@training_access("view", with_can_manage=True)
def grid(training, can_manage):
    grid = services.attendance_grid(training)
    return render_template(
        "attendance/grid.html", training=training, grid=grid, rows=_grid_rows(training, grid),
        can_manage=can_manage,
    )


@dataclass(frozen=True)
class GridCell:
    """One recorded mark of the grid, as printed."""

    status: str
    label: str
    note: str | None
    recorded_by: str
    recorded_at: str


def _grid_rows(training, grid) -> list:
    """(registration, [GridCell or None per day]) for every row of the grid.

    A hundred people × several days is hundreds of cells: each label is translated once and each
    distinct (recorder, time) formatted once per page, not once per cell (a day saved at once shares one time).
    """
    labels = {status: str(label) for status, label in MARK_LABELS.items()}
    unknown = _("unknown")
    recorded = {}
    rows = []
    for registration in grid.registrations:
        cells = []
        for day in grid.days:
            mark = grid.mark(registration, day)
            if mark is None:
                cells.append(None)
                continue
            key = (mark.recorded_by_id, mark.recorded_at)
            if key not in recorded:
                recorded[key] = (mark.recorded_by_name or unknown,
                                 fmt_date(mark.recorded_at, "short", tz=training.timezone))
            cells.append(GridCell(mark.status, labels[mark.status], mark.note, *recorded[key]))
        rows.append((registration, cells))
    return rows


@bp.route("/officer/trainings/<int:training_id>/attendance/days/<int:day_id>", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def day(training, day_id):
    day = _day_or_404(training, day_id)
    submitted = None
    if request.method == "POST":
        submitted = _entries_from_form(request.form)
        with shows_domain_errors():
            changed = services.record_day(training, day, submitted, by_user=current_user)
            flash(_("Attendance for %(day)s saved (%(count)s changes).", day=_format_day(day), count=changed), "success")
            return redirect(url_for(".grid", training_id=training.id))
    return render_template(
        "attendance/day.html", training=training, day=day, grid=services.attendance_grid(training),
        submitted=submitted, marks=[(mark, str(MARK_LABELS[mark])) for mark in MARKS],  # translated once, not per row
    ), 422 if submitted is not None else 200


@bp.post("/officer/trainings/<int:training_id>/attendance/days/<int:day_id>/all-present")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def mark_all_present(training, day_id):
    day = _day_or_404(training, day_id)
    with shows_domain_errors():
        count = services.mark_all_present(training, day, by_user=current_user)
        flash(_("%(count)s participants without a mark were marked present for %(day)s. Now record the exceptions.",
                count=count, day=_format_day(day)), "success")
    return redirect(url_for(".day", training_id=training.id, day_id=day_id))


@bp.get("/officer/trainings/<int:training_id>/attendance/days/<int:day_id>/sign-in-sheet.pdf")
@roles_required(*STAFF_ROLES)
@training_access("view")
def sign_in_sheet(training, day_id):
    day = _day_or_404(training, day_id)
    return Response(
        services.sign_in_sheet_pdf(training, day), mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=sign-in-sheet-{training.id}-{day.date.isoformat()}.pdf"},
    )


def _entries_from_form(form) -> dict[int, services.DayMark]:
    """{registration id: DayMark(mark or "", note)} from the fields ``mark-<id>`` and ``note-<id>``."""
    entries = {}
    for key, value in form.items():
        if key.startswith("mark-"):
            try:
                registration_id = int(key[5:])
            except ValueError:
                abort(400)
            # the grid's notes come without a WTForms form: cleaned here as a form's text would be
            note = clean_text(form.get(f"note-{registration_id}", ""))
            entries[registration_id] = services.DayMark(value.strip(), note)
    return entries


def _format_day(day):
    return fmt_date(day.date)
