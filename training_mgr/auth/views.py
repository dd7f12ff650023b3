from urllib.parse import urljoin, urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..core.bottrap import TRAPPED
from ..core.permissions import roles_required
from ..core.security import acted, count_this_post, remember_device, throttle_posts
from ..core.views import home_url_for
from ..extensions import db
from . import services
from .forms import ForgotPasswordForm, LoginForm, NewPasswordForm
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
        response = redirect(target if is_safe_next(target) else home_url_for(user))
        remember_device(response, user.email)  # others' failed guesses never hold this browser back
        return response
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


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttle_posts("PASSWORD_RESET_LIMIT", counts=acted)  # per client address and per e-mail (config.py)
def password_forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        count_this_post()
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("If an account uses this address, a message with a link to choose a new password is on its way."), "info")
        return redirect(url_for("auth.login"))
    if form.trapped:
        flash(TRAPPED, "danger")
    return render_template("auth/password_forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def password_reset(token):
    return _choose_password(token, "reset_password")


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def password_set(token):
    return _choose_password(token, "set_password")


def _choose_password(token, purpose):
    """Both password links: a still-valid token shows the form; a spent or expired one says so."""
    user = services.user_for_token(token, purpose)
    if user is None:
        return render_template("auth/password_link_invalid.html", message=services.INVALID_LINK), 404
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            services.set_password_with_token(token, purpose, form.password.data)
        except services.AccountError as error:
            form.password.errors = list(form.password.errors) + [str(error)]
        else:
            logout_user()
            flash(_("Your password is saved. You can log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password_choose.html", form=form, purpose=purpose, email=user.email)
