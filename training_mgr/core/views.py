from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("core", __name__)

#: where each role lands after logging in
HOME_ENDPOINTS = {
    "admin": "auth.admin_users",
    "officer": "trainings.officer_home",
    "manager": "reports.dashboard",
    "participant": "account.home",
}


def home_url_for(user) -> str:
    return url_for(HOME_ENDPOINTS.get(user.role, "catalogue.index"))


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/home")
@login_required
def home():
    return redirect(home_url_for(current_user))
