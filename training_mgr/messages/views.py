"""Messages: a training's page for officers (reminder schedule, a message to a filtered set with preview and count, what
was sent), and a participant's choice to receive no non-essential messages (account page, and the link in each)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..core.domain import shows_domain_errors
from ..core.i18n import current_language
from ..core.permissions import STAFF_ROLES, roles_required
from ..organisations.services import all_organisations
from ..trainings.access import training_access
from . import services
from .forms import ConfirmOptOutForm, MessageForm, OptOutForm, ReminderForm

bp = Blueprint("messages", __name__)


def _message_form(**kwargs) -> MessageForm:
    form = MessageForm(**kwargs)
    form.set_organisation_choices(all_organisations(), current_language())
    return form


def _render(training, can_manage=True, reminder_form=None, message_form=None, preview=None, status=200):
    if reminder_form is None:
        days = services.reminder_days_of(training)
        reminder_form = ReminderForm(formdata=None, enabled=days is not None, reminder_days=3 if days is None else days)
    return render_template(
        "messages/index.html", training=training, can_manage=can_manage, reminder_form=reminder_form,
        message_form=message_form or _message_form(formdata=None), preview=preview,
        reminder_days=services.reminder_days_of(training), log=services.training_log(training),
    ), status


@bp.get("/officer/trainings/<int:training_id>/messages")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    return _render(training, can_manage)


@bp.post("/officer/trainings/<int:training_id>/messages/reminder")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def reminder(training):
    form = ReminderForm()
    if form.validate():
        with shows_domain_errors(form):
            days = form.reminder_days.data if form.enabled.data else None
            services.set_reminder_days(training, days, by_user=current_user)
            flash(_("Reminder scheduled %(days)d days before the training.", days=days) if days is not None
                  else _("No reminder will be sent."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render(training, reminder_form=form, status=422)


@bp.post("/officer/trainings/<int:training_id>/messages")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def compose(training):
    """Preview (count and the text in each language) unless the officer pressed Send on a previewed message."""
    form = _message_form()
    if not form.validate():
        return _render(training, message_form=form, status=422)
    audience = services.Audience.from_form(form)
    message = services.OfficerMessage.from_form(form)
    if form.send.data:
        with shows_domain_errors(form):
            sent = services.send_officer_message(training, audience, message, by_user=current_user)
            flash(ngettext("Message sent to %(num)d person.", "Message sent to %(num)d people.", sent), "success")
            return redirect(url_for(".index", training_id=training.id))
        return _render(training, message_form=form, preview=services.preview(training, audience, message), status=422)
    return _render(training, message_form=form, preview=services.preview(training, audience, message))


@bp.route("/account/messages", methods=["GET", "POST"])
@login_required
def preferences():
    person = current_user.participant
    if person is None:
        abort(404)
    form = OptOutForm(opted_out=services.has_opted_out(person.id))
    if form.validate_on_submit():
        services.set_opted_out(person, form.opted_out.data)
        flash(_("You will receive only essential messages.") if form.opted_out.data
              else _("You will receive reminders and other messages again."), "success")
        return redirect(url_for(".preferences"))
    return render_template("messages/preferences.html", form=form)


@bp.route("/messages/opt-out/<token>", methods=["GET", "POST"])
def opt_out(token):
    """The link in each non-essential message: a page with one button (a GET changes nothing, so a mail scanner
    following links does not opt anyone out)."""
    person = services.participant_of_token(token)
    if person is None:
        abort(404)
    form = ConfirmOptOutForm()
    done = services.has_opted_out(person.id)
    if form.validate_on_submit():
        services.set_opted_out(person, True)
        done = True
    return render_template("messages/opt_out.html", form=form, done=done)
