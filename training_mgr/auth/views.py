from urllib.parse import urljoin, urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..core.permissions import roles_required
from ..core.security import throttle_posts
from ..core.views import home_url_for
from ..extensions import db
from . import services
from .forms import LoginForm
from .models import User

bp = Blueprint("auth", __name__)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after logging in."""
    if not target or target.startswith("//") or "\\" in target:
        return False
    ref = urlparse(request.host_url)
    test = urlparse(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and ref.netloc == test.netloc and target.startswith("/")


@bp.route("/login", methods=["GET", "POST"])
@throttle_posts("LOGIN_FAILURE_LIMIT", failures_only=True)
def login():
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Wrong e-mail or password."), "danger")
            return render_template("auth/login.html", form=form), 200
        lang = session.get("lang")
        session.clear()  # a new session at log-in
        if lang:
            session["lang"] = lang
        login_user(user)
        flash(_("Welcome, %(name)s.", name=user.display_name), "success")
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else home_url_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("catalogue.index"))


@bp.get("/admin/users")
@roles_required("admin")
def admin_users():
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("auth/admin_users.html", users=users)
