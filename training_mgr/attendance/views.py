from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.i18n import fmt_date
from ..core.labels import MARK_LABELS
from ..core.pagecache import cached_page
from ..core.pagination import requested_page
from ..core.permissions import STAFF_ROLES, roles_required
from ..core.text import clean_text
from ..core.domain import DomainError, shows_domain_errors
from ..trainings.access import training_access
from ..trainings.services import local_today
from . import listing, offline, services
from .models import MARKS

bp = Blueprint("attendance", __name__)


def _day_or_404(training, day_id):
    day = services.day_of(training, day_id)
    if day is None:
        abort(404)
    return day


@bp.get("/officer/trainings/<int:training_id>/attendance")
@roles_required(*STAFF_ROLES)
@cached_page(per_minute=True)  # "today" is marked out
@training_access("view", with_can_manage=True)
def grid(training, can_manage):
    page = listing.attendance_page(training, page=requested_page(), query=listing.clean_query(request.args.get("q")),
                                   with_rule=True)
    return render_template(
        "attendance/grid.html", training=training, page=page, rows=_grid_rows(training, page),
        can_manage=can_manage, today=listing.today_of(training, local_today(training)),
    )


@dataclass(frozen=True)
class GridCell:
    """One recorded mark of the grid, as printed; who recorded it and when is shown on hover only."""

    status: str
    label: str
    note: str | None
    recorded: str


def _grid_rows(training, page) -> list:
    """(Person, [GridCell or None per day]) for every row of the page.

    A hundred people × several days is hundreds of cells: each label is translated once and each
    distinct (recorder, time) formatted once per page, not once per cell (a day saved at once shares one time).
    """
    labels = {status: str(label) for status, label in MARK_LABELS.items()}
    unknown = _("unknown")
    recorded = {}
    rows = []
    for person in page.people:
        cells = []
        for day in page.days:
            mark = person.mark(day)
            if mark is None:
                cells.append(None)
                continue
            key = (mark.recorded_by_id, mark.recorded_at)
            if key not in recorded:
                recorded[key] = _("Recorded by %(name)s, %(time)s", name=mark.recorded_by_name or unknown,
                                  time=fmt_date(mark.recorded_at, "short", tz=training.timezone))
            cells.append(GridCell(mark.status, labels[mark.status], mark.note, recorded[key]))
        rows.append((person, cells))
    return rows


@bp.route("/officer/trainings/<int:training_id>/attendance/days/<int:day_id>", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def day(training, day_id):
    day = _day_or_404(training, day_id)
    query, page_number = listing.clean_query(request.args.get("q")), requested_page()
    submitted = None
    if request.method == "POST":
        submitted = _entries_from_form(request.form)
        with shows_domain_errors():
            changed = services.record_day(training, day, submitted, by_user=current_user)
            flash(_("Attendance for %(day)s saved (%(count)s changes).", day=_format_day(day), count=changed), "success")
            return redirect(url_for(".day", training_id=training.id, day_id=day.id, q=query or None,
                                    page=page_number if page_number > 1 else None))
    page = listing.attendance_page(training, page=page_number, query=query, days=[day])
    return render_template(
        "attendance/day.html", training=training, day=day, page=page, totals=page.totals[day.id],
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


@bp.post("/officer/trainings/<int:training_id>/attendance/days/<int:day_id>/marks")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def send_marks(training, day_id):
    """The marks a phone kept (JSON ``{"marks": [{"id", "registration_id", "status", "age_ms", "note"}]}``):
    answers one result per mark and the day's totals."""
    day = _day_or_404(training, day_id)
    try:
        marks = [_offline_mark(item) for item in (request.get_json(silent=True) or {}).get("marks", [])]
    except (TypeError, ValueError, AttributeError, OverflowError):
        return jsonify(ok=False, message=_("The marks sent could not be read.")), 400
    try:
        outcomes = offline.record_offline_marks(training, day, marks, by_user=current_user)
    except DomainError as error:
        return jsonify(ok=False, message=error.message), error.status
    totals = listing.day_totals(training, [day], listing.confirmed_count(training))[day.id]
    return jsonify(ok=True, results=[{"id": o.client_id, "registration_id": o.registration_id, "result": o.result,
                                      "status": o.status, "message": o.message} for o in outcomes],
                   totals={**{m: totals[m] for m in MARKS}, "none": totals.unmarked})


def _offline_mark(item) -> offline.OfflineMark:
    age = timedelta(milliseconds=int(item.get("age_ms") or 0))
    return offline.OfflineMark(
        client_id=str(item["id"])[:40], registration_id=_registration_id(item["registration_id"]), status=str(item["status"]),
        age=min(max(age, timedelta(0)), offline.MAX_AGE), note=clean_text(str(item.get("note") or ""))[:500] or None,
    )


@bp.get("/officer/trainings/<int:training_id>/attendance/days/<int:day_id>/sign-in-sheet.pdf")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def sign_in_sheet(training, day_id, can_manage):
    day = _day_or_404(training, day_id)
    return Response(
        services.sign_in_sheet_pdf(training, day, with_badges=can_manage), mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=sign-in-sheet-{training.id}-{day.date.isoformat()}.pdf"},
    )


def _entries_from_form(form) -> dict[int, services.DayMark]:
    """{registration id: DayMark(mark or "", note)} from the fields ``mark-<id>`` and ``note-<id>``."""
    entries = {}
    for key, value in form.items():
        if key.startswith("mark-"):
            try:
                registration_id = _registration_id(key[5:])
            except ValueError:
                abort(400)
            # the grid's notes come without a WTForms form: cleaned here as a form's text would be
            note = clean_text(form.get(f"note-{registration_id}", ""))
            entries[registration_id] = services.DayMark(value.strip(), note)
    return entries


def _registration_id(value) -> int:
    """A registration id as sent by a page or a phone. Raises ValueError for anything else, such as a number no
    registration has and the database could not even compare (beyond a 32-bit integer)."""
    number = int(value)
    if not 0 < number < 2**31:
        raise ValueError(value)
    return number


def _format_day(day):
    return fmt_date(day.date)
