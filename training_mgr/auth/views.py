from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_user, logout_user

from ..core.bottrap import TRAPPED
from ..core.domain import shows_domain_errors
from ..core.labels import ROLE_LABELS
from ..core.pagination import requested_page
from ..core.permissions import roles_required
from ..core.security import acted, count_this_post, remember_device, throttle_posts
from ..core.urls import safe_local_path
from ..core.views import home_url_for
from ..extensions import db
from . import admin, services, tasks
from .forms import ConfirmForm, ForgotPasswordForm, LoginForm, NewPasswordForm, NewUserForm, RoleForm, UserSearchForm
from .models import User

bp = Blueprint("auth", __name__)


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
        response = redirect(safe_local_path(target) or home_url_for(user))
        remember_device(response, user.email)  # others' failed guesses never hold this browser back
        return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """POST (with its CSRF token) logs out everywhere; GET only asks, so a link on another site cannot."""
    if request.method == "GET" and current_user.is_authenticated:
        return render_template("auth/logout.html", form=ConfirmForm())
    if current_user.is_authenticated:
        services.log_out(current_user._get_current_object())  # every copy of this cookie stops working
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("catalogue.index"))


# --- admins' user management ----------------------------------------------------------------------

@bp.get("/admin/users")
@roles_required("admin")
def admin_users():
    search = UserSearchForm(request.args)
    sort = search.sort.data or admin.DEFAULT_SORT
    query = admin.users_query(search.q.data, search.role.data, search.state.data, sort)
    page = db.paginate(query, page=requested_page(), per_page=admin.PER_PAGE, error_out=False)
    return render_template("auth/admin_users.html", search=search, page=page, sort=sort)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def admin_user_create():
    form = NewUserForm()
    if form.validate_on_submit():
        invite = form.how.data == "invite"
        with shows_domain_errors(form):
            user = admin.create_account(current_user, form.email.data, form.role.data, name=form.name.data,
                                        password=None if invite else form.password.data, invite=invite)
            if invite:
                flash(_("The account %(email)s is created and an invitation to choose a password is on its way.", email=user.email), "success")
            else:
                flash(_("The account %(email)s is created.", email=user.email), "success")
            return redirect(url_for("auth.admin_user", user_id=user.id))
    return render_template("auth/admin_user_new.html", form=form)


@bp.get("/admin/users/<int:user_id>")
@roles_required("admin")
def admin_user(user_id):
    user = db.get_or_404(User, user_id)
    return render_template("auth/admin_user.html", user=user, tokens=services.api_tokens_of(user),
                           token_state=services.token_state)


@bp.route("/admin/users/<int:user_id>/role", methods=["GET", "POST"])
@roles_required("admin")
def admin_user_role(user_id):
    user = db.get_or_404(User, user_id)
    form = RoleForm(data={"role": user.role})
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changed = admin.change_role(current_user, user, form.role.data)
            if changed:
                flash(_("%(email)s is now: %(role)s.", email=user.email, role=ROLE_LABELS[user.role]), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("auth.admin_user", user_id=user.id))
    return render_template("auth/admin_user_role.html", user=user, form=form)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@roles_required("admin")
def admin_user_deactivate(user_id):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with shows_domain_errors():
            done = admin.deactivate(current_user, user)
            if done:
                flash(_("%(email)s is deactivated: logged out everywhere, API tokens revoked.", email=user.email), "success")
            else:
                flash(_("This account was already deactivated."), "info")
        return redirect(url_for("auth.admin_user", user_id=user.id))
    return render_template("auth/admin_user_confirm.html", user=user, form=form, action="deactivate")


@bp.post("/admin/users/<int:user_id>/reactivate")
@roles_required("admin")
def admin_user_reactivate(user_id):
    user = db.get_or_404(User, user_id)
    with shows_domain_errors():
        reactivated = admin.reactivate(current_user, user)
        if reactivated:
            flash(_("%(email)s is active again and can log in.", email=user.email), "success")
        else:
            flash(_("This account was already active."), "info")
    return redirect(url_for("auth.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@roles_required("admin")
def admin_user_reset_password(user_id):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with shows_domain_errors():
            revoked = admin.force_password_reset(current_user, user)
            flash(_("The password of %(email)s is cleared and a link to choose a new one is on its way.", email=user.email), "success")
            if revoked:
                flash(ngettext("%(num)d API token of theirs was revoked.", "%(num)d API tokens of theirs were revoked.", revoked), "info")
        return redirect(url_for("auth.admin_user", user_id=user.id))
    return render_template("auth/admin_user_confirm.html", user=user, form=form, action="reset_password")


@bp.post("/admin/users/<int:user_id>/invite")
@roles_required("admin")
def admin_user_invite(user_id):
    user = db.get_or_404(User, user_id)
    with shows_domain_errors():
        admin.send_invitation(current_user, user)
        flash(_("A new invitation to choose a password is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.admin_user", user_id=user.id))


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttle_posts("PASSWORD_RESET_LIMIT", counts=acted)  # per client address and per e-mail (config.py)
def password_forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        count_this_post()
        # The same answer whether or not the address has an account, and in the same time: the account is looked
        # up, and the link made and mailed, only once the answer has gone (with Redis, by a worker).
        tasks.send_password_reset_link.delay_after_response(form.email.data)
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
        with shows_domain_errors(form.password):
            services.set_password_with_token(token, purpose, form.password.data)
            logout_user()
            flash(_("Your password is saved. You can log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password_choose.html", form=form, purpose=purpose, email=user.email)
