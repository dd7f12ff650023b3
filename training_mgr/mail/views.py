"""The admins' view of the outbox: messages that failed or wait for another attempt, to retry or discard."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import shows_domain_errors
from ..core.pagination import requested_page
from ..core.permissions import roles_required
from ..extensions import db
from . import admin
from .forms import DiscardForm, OutboxSearchForm
from .models import OutboundEmail

bp = Blueprint("mail", __name__)

#: query arguments of the list that its actions keep, so the admin comes back to the same page
LIST_ARGS = ("q", "state", "page")


def _list_args() -> dict:
    return {name: request.args[name] for name in LIST_ARGS if request.args.get(name)}


def _back_to_list():
    return redirect(url_for(".admin_outbox", **_list_args()))


@bp.get("/admin/mail")
@roles_required("admin")
def admin_outbox():
    search = OutboxSearchForm(request.args)
    query = admin.problems_query(search.q.data, search.state.data)
    page = db.paginate(query, page=requested_page(), per_page=admin.PER_PAGE, error_out=False)
    return render_template("mail/admin_outbox.html", search=search, page=page, list_args=_list_args(),
                           states=admin.PROBLEM_STATES)


@bp.post("/admin/mail/<int:message_id>/retry")
@roles_required("admin")
def admin_retry(message_id):
    message = db.get_or_404(OutboundEmail, message_id)
    with shows_domain_errors(category="warning"):
        admin.retry(message, by_user=current_user)
        if message.status == "sent":
            flash(_("The message to %(recipient)s was sent.", recipient=message.recipient), "success")
        elif message.status == "failed":
            flash(_("The message to %(recipient)s failed again: %(error)s", recipient=message.recipient,
                    error=message.last_error), "danger")
        else:
            flash(_("The message to %(recipient)s could not be sent yet; it will be tried again.",
                    recipient=message.recipient), "warning")
    return _back_to_list()


@bp.route("/admin/mail/<int:message_id>/discard", methods=["GET", "POST"])
@roles_required("admin")
def admin_discard(message_id):
    message = db.get_or_404(OutboundEmail, message_id)
    form = DiscardForm()
    if form.validate_on_submit():
        recipient = message.recipient
        with shows_domain_errors(category="warning"):
            admin.discard(message, by_user=current_user)
            flash(_("The message to %(recipient)s was discarded.", recipient=recipient), "success")
        return _back_to_list()
    return render_template("mail/admin_discard.html", message=message, form=form, list_args=_list_args())
