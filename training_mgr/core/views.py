from flask import Blueprint, current_app, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("core", __name__)

#: where each role lands after logging in
HOME_ENDPOINTS = {
    "admin": "auth.admin_users",
    "officer": "reports.officer_home",
    "manager": "reports.dashboard",
    "participant": "account.home",
}


def home_url_for(user) -> str:
    return url_for(HOME_ENDPOINTS.get(user.role, "catalogue.index"))


@bp.get("/healthz")
def healthz():
    """200 ``{"status": "ok"}`` when the database answers a read of the app's own table; else 503
    ``{"status": "unavailable", "database": "error"}``, a short JSON answer (never an HTML error page),
    so that a load balancer or monitor takes this server out of rotation. The cause goes to the log.
    """
    try:
        db.session.execute(text("SELECT 1 FROM data_state LIMIT 1"))  # a table: an empty database is unusable too
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("Health check: the database is unusable", exc_info=True)
        return {"status": "unavailable", "database": "error"}, 503
    return {"status": "ok"}


@bp.get("/home")
@login_required
def home():
    return redirect(home_url_for(current_user))
