"""Badges and check-in: the badge PDF, a badge's personal link, the officer's scanner, the projector's code and
the participant's self check-in."""
from datetime import time, timedelta

from flask import Blueprint, Response, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..attendance.listing import confirmed_count, day_totals, today_of
from ..core.db import utcnow
from ..core.domain import DomainError, shows_domain_errors
from ..core.i18n import fmt_time, localized
from ..core.labels import MARK_LABELS
from ..core.permissions import STAFF_ROLES, roles_required
from ..core.security import CSP, PERMISSIONS_POLICY
from ..extensions import db
from ..pdf import qr_data_uri
from ..registrations.models import Registration
from ..trainings.access import session_part_or_404, training_access
from ..trainings.services import local_today
from . import services, tokens
from .badges import LAYOUTS, badges_pdf
from .forms import ReplaceBadgeForm
from .models import BadgeReplacement

bp = Blueprint("checkin", __name__)

#: the longest a phone may have kept a scan before sending it (older ones are refused as stale)
MAX_AGE = timedelta(hours=12)


@bp.get("/officer/trainings/<int:training_id>/badges.pdf")
@roles_required(*STAFF_ROLES)
@training_access("manage")  # a badge's QR code checks its holder in: only those who take attendance print it
def badges(training):
    layout = request.args.get("layout", "sheet")
    if layout not in LAYOUTS:
        abort(404)
    return Response(
        badges_pdf(training, layout), mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=badges-{training.id}-{layout}.pdf"},
    )


@bp.get("/officer/trainings/<int:training_id>/registrations/<int:registration_id>/badge.pdf")
@roles_required(*STAFF_ROLES)
@training_access("manage")  # as ``badges``
def person_badge(training, registration_id):
    """One person's valid badge, one a page (for a badge printer), e.g. after replacing a lost one."""
    registration = session_part_or_404(training, Registration, registration_id)
    if registration.status != "confirmed":
        abort(404)  # only confirmed participants have a badge
    return Response(
        badges_pdf(training, "single", [registration]), mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=badge-{training.id}-{registration.id}.pdf"},
    )


@bp.route("/officer/trainings/<int:training_id>/registrations/<int:registration_id>/badge", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def replace_badge(training, registration_id):
    """A person's badge: print it again, or replace a lost one (the old one is refused from then on)."""
    registration = session_part_or_404(training, Registration, registration_id)
    form = ReplaceBadgeForm()
    if form.validate_on_submit():
        with shows_domain_errors(form.reason):
            replacement = services.replace_badge(registration, form.reason.data, replaces=int(form.number.data),
                                                 by_user=current_user)
            flash(_("The badge of %(name)s was replaced: the old one checks nobody in any more. Print badge no. "
                    "%(number)s now.", name=localized(registration.participant, "name"), number=replacement.number),
                  "success")
            return redirect(url_for(".replace_badge", training_id=training.id, registration_id=registration.id))
    form.number.data = str(services.valid_badge_number(registration))  # the badge this page shows as valid
    return render_template("checkin/replace_badge.html", training=training, registration=registration, form=form,
                           replacement=db.session.get(BadgeReplacement, registration.id)), 422 if request.method == "POST" else 200


@bp.get("/b/<token>")
def badge(token):
    """A badge's personal link: what its QR code holds. It names the training, not the person; a badge replaced since
    (lost or stolen) says so, and is not kept on the phone for self check-in."""
    registration, replaced = services.read_badge(token)
    if registration is None:
        abort(404)
    if replaced is not None:
        return render_template("checkin/badge.html", training=registration.training, replaced=True), 410
    services.remember_badge(token)
    return render_template("checkin/badge.html", training=registration.training)


# --- the officer's scanner -------------------------------------------------------------------------------

@bp.get("/officer/trainings/<int:training_id>/check-in")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def scanner(training):
    day = today_of(training, local_today(training))
    totals = day_totals(training, [day], confirmed_count(training))[day.id] if day else None
    response = make_response(render_template("checkin/scanner.html", training=training, day=day, totals=totals,
                                             mark_labels={k: str(v) for k, v in MARK_LABELS.items()}))
    # the one page that may use the camera, and draw the photo it scans (a blob: image)
    response.headers["Content-Security-Policy"] = CSP.replace("img-src 'self' data:", "img-src 'self' data: blob:")
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
    return response


@bp.post("/officer/trainings/<int:training_id>/check-in")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def scan(training):
    """One scan: JSON in and out from the scanner's script ({"code", "age_ms"}), or the page's plain form."""
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data if isinstance(data, dict) or hasattr(data, "get") else {}
    code = str(data.get("code") or "")[:500]
    now = utcnow() - _age(data.get("age_ms"))
    if request.is_json:
        try:
            result = services.check_in_badge(training, code, by_user=current_user, now=now)
        except DomainError as error:
            return jsonify(ok=False, message=error.message), error.status
        return jsonify(ok=True, totals=_today_totals(training), **_shown(result))
    with shows_domain_errors():
        result = services.check_in_badge(training, code, by_user=current_user, now=now)
        shown = _shown(result)
        flash(shown["message"], "success")
    return redirect(url_for(".scanner", training_id=training.id))


def _today_totals(training) -> dict:
    """The totals of today the scanner shows at its top: {"present", "late", "none"} ({} without a day today)."""
    day = today_of(training, local_today(training))
    if day is None:  # a scan kept since yesterday, sent after the last day
        return {}
    totals = day_totals(training, [day], confirmed_count(training))[day.id]
    return {"present": totals["present"], "late": totals["late"], "none": totals.unmarked}


def _age(value) -> timedelta:
    """How long ago the phone made the scan, by its own clock (its clock's skew cancels out), within 0..MAX_AGE."""
    try:
        age = timedelta(milliseconds=int(value or 0))
    except (TypeError, ValueError, OverflowError):
        return timedelta(0)
    return min(max(age, timedelta(0)), MAX_AGE)


def _shown(result) -> dict:
    label = str(MARK_LABELS.get(result.status, result.status))
    name = localized(result, "name")  # in the script of the page's language
    if result.already:
        message = _("%(name)s was already checked in (%(mark)s).", name=name, mark=label)
    else:
        message = _("%(name)s checked in: %(mark)s.", name=name, mark=label)
    return {"name": result.name, "name_ar": result.name_ar, "status": result.status, "label": label,
            "already": result.already, "message": message}


@bp.post("/officer/trainings/<int:training_id>/check-in/start-time")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def start_time(training):
    day = today_of(training, local_today(training))
    if day is None:
        flash(_("This training has no day today."), "warning")
        return redirect(url_for(".scanner", training_id=training.id))
    value = request.form.get("starts_at", "").strip()
    try:
        starts_at = time.fromisoformat(value) if value else None
        if starts_at is not None and starts_at.tzinfo is not None:  # the day's start is in the training's time zone
            raise ValueError(value)
    except ValueError:
        flash(_("Enter the start time as hours and minutes, e.g. 09:00."), "danger")
        return redirect(url_for(".scanner", training_id=training.id))
    starts_at = starts_at.replace(second=0, microsecond=0) if starts_at else None
    services.set_start_time(training, day, starts_at, by_user=current_user)
    flash(_("Check-ins after %(time)s now count as late.", time=fmt_time(starts_at)) if starts_at
          else _("Nobody counts as late today."), "success")
    return redirect(url_for(".scanner", training_id=training.id))


# --- self check-in with the projector's code --------------------------------------------------------------

@bp.get("/officer/trainings/<int:training_id>/check-in/projector")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def projector(training):
    return render_template("checkin/projector.html", training=training, code=_projector_code(training),
                           seconds=tokens.ROTATION_SECONDS)


@bp.get("/officer/trainings/<int:training_id>/check-in/projector/code")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def projector_code(training):
    """The projector's current code as JSON: the page fetches it every few seconds."""
    response = jsonify(_projector_code(training))
    response.headers["Cache-Control"] = "no-store"
    return response


def _projector_code(training) -> dict:
    url = tokens.projector_url(training.id, local_today(training))
    return {"url": url, "qr": qr_data_uri(url), "seconds": tokens.seconds_left()}


@bp.route("/sessions/<int:training_id>/check-in/<code>", methods=["GET", "POST"])
def self_check_in(training_id, code):
    """Where the projector's code leads: a participant logged in, or whose phone opened their badge's link,
    checks in with one button."""
    from ..trainings.models import TrainingSession

    training = db.get_or_404(TrainingSession, training_id)
    registration = _own_registration(training)
    if request.method == "POST":
        with shows_domain_errors():
            result = services.self_check_in(training, code, registration)
            return render_template("checkin/self.html", training=training, code=code, registration=registration,
                                   done=_shown(result))
        return render_template("checkin/self.html", training=training, code=code, registration=registration), 422
    return render_template("checkin/self.html", training=training, code=code, registration=registration)


def _own_registration(training):
    """The registration of the person at this phone for ``training``: by their account, else by their badge's link."""
    from sqlalchemy import select

    from ..registrations.models import Registration

    participant = getattr(current_user, "participant", None) if current_user.is_authenticated else None
    if participant is not None:
        found = db.session.scalar(select(Registration).where(Registration.training_id == training.id,
                                                             Registration.participant_id == participant.id))
        if found is not None:
            return found
    remembered = services.remembered_registration()
    return remembered if remembered is not None and remembered.training_id == training.id else None
