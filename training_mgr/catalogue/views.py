from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..registrations import services as registrations
from ..trainings.models import SessionOrganiser, TrainingSession

bp = Blueprint("catalogue", __name__)


@bp.get("/")
def index():
    sessions = db.session.scalars(
        select(TrainingSession)
        .where(TrainingSession.status == "open")
        .options(selectinload(TrainingSession.organisers).joinedload(SessionOrganiser.organisation))
        .order_by(TrainingSession.start_date, TrainingSession.id)
    ).all()
    return render_template("catalogue/index.html", sessions=sessions)


@bp.get("/sessions/<int:session_id>")
def session_page(session_id):
    training_session = db.get_or_404(TrainingSession, session_id)
    if training_session.status == "draft":
        abort(404)
    return render_template(
        "catalogue/session.html",
        ts=training_session,
        seats_left=registrations.seats_left(training_session),
        window_error=registrations.registration_window_error(training_session),
    )


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
def register(session_id):
    training_session = db.get_or_404(TrainingSession, session_id)
    if training_session.status == "draft":
        abort(404)
    return render_template("catalogue/register.html", ts=training_session)


@bp.get("/privacy")
def privacy():
    return render_template("catalogue/privacy.html")
