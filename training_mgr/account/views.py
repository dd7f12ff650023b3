import json

from flask import Blueprint, Response, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_user

from ..auth import services as auth
from ..auth.forms import ChangePasswordForm
from ..auth.models import ROLES
from ..core.domain import shows_domain_errors
from ..core.permissions import STAFF_ROLES, roles_required
from ..core.security import throttle_posts
from ..organisations.services import all_organisations
from . import services
from .forms import ApiTokenForm, ConfirmForm, ProfileForm

bp = Blueprint("account", __name__, url_prefix="/account")

def _own_participant_or_404():
    if current_user.participant is None:
        abort(404)
    return current_user.participant


@bp.get("")
@roles_required(*ROLES)
def home():
    participant = current_user.participant
    registrations = services.my_registrations(participant) if participant else []
    return render_template(
        "account/home.html", participant=participant, registrations=registrations,
        can_withdraw=services.can_withdraw,
        certificate_downloads="certificates.download" in current_app.view_functions,
        tokens=auth.api_tokens_of(current_user) if current_user.role in STAFF_ROLES else None,
        token_state=auth.token_state,
    )


@bp.post("/registrations/<int:registration_id>/withdraw")
@roles_required(*ROLES)
def withdraw(registration_id):
    registration = services.own_registration(current_user, registration_id)
    if registration is None:
        abort(404)
    with shows_domain_errors():
        promoted = services.withdraw(current_user, registration)
        flash(_("Your registration is withdrawn."), "success")
        if promoted:
            flash(_("Your seat has been given to the next person on the waiting list."), "info")
    return redirect(url_for("account.home"))


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(*ROLES)
def profile():
    participant = _own_participant_or_404()
    form = ProfileForm()
    form.set_organisation_choices(all_organisations())
    form.set_language_choices()
    if request.method == "GET":
        form.fill_from(participant)
        form.locale.data = participant.locale
    if form.validate_on_submit():
        services.update_profile(current_user, form.details(), form.locale.data)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.home"))
    return render_template("account/profile.html", form=form, participant=participant)


@bp.route("/password", methods=["GET", "POST"])
@roles_required(*ROLES)
@throttle_posts("LOGIN_FAILURE_LIMIT", failures_only=True)  # guessing the current password is guessing a log-in
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            revoked = auth.change_password(current_user, form.current_password.data, form.password.data)
        except auth.WrongPassword as error:
            form.current_password.errors = list(form.current_password.errors) + [str(error)]
        except auth.AccountError as error:
            form.password.errors = list(form.password.errors) + [str(error)]
        else:
            login_user(current_user._get_current_object())  # a fresh cookie for this browser; others are logged out
            flash(_("Your password is changed. You were logged out everywhere else."), "success")
            if revoked:
                flash(ngettext("Your API token was revoked: make a new one if a script still needs it.",
                               "Your %(num)d API tokens were revoked: make new ones for the scripts that still need them.",
                               revoked), "info")
            return redirect(url_for("account.home"))
    return render_template("account/password.html", form=form)


@bp.get("/my-data.json")
@roles_required(*ROLES)
def my_data():
    _own_participant_or_404()
    body = json.dumps(services.export_my_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-data.json"',
        "Cache-Control": "no-store",
    })


# --- read-API tokens (staff only: the API is theirs) ------------------------------------------------

@bp.route("/tokens/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def create_token():
    form = ApiTokenForm()
    if form.validate_on_submit():
        with shows_domain_errors(form):
            token, plain = auth.create_api_token(current_user, form.name.data, **form.expiry(),
                                                 credentials_version=g.get("credentials_version"))
            # shown on this one answer only, never stored in plain, never cached
            response = make_response(render_template("account/token_created.html", token=token, plain=plain))
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("account/token_new.html", form=form)


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def revoke_token(token_id):
    token = auth.own_api_token(current_user, token_id)
    if token is None:
        abort(404)
    if token.revoked_at is not None:
        flash(_("This token was already revoked."), "info")
        return redirect(url_for("account.home", _anchor="api-tokens"))
    form = ConfirmForm()
    if form.validate_on_submit():
        auth.revoke_api_token(token, by=current_user)
        flash(_("The token “%(name)s” is revoked: it no longer opens the API.", name=token.name), "success")
        return redirect(url_for("account.home", _anchor="api-tokens"))
    return render_template("account/token_revoke.html", token=token, form=form)
