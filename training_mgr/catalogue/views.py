from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in

from ..core.bottrap import TRAPPED
from ..agenda import services as agenda
from ..core.i18n import current_language, fmt_date, fmt_time_range, join_parts, localized
from ..core.domain import shows_domain_errors
from ..core.pagecache import cached_page
from ..core.pagination import requested_page
from ..core.security import acted, count_this_post, throttle_posts
from ..core.urls import public_host, public_url
from ..organisations.services import all_organisations
from ..questions import services as questions
from ..questions.forms import answers_of, question_fields, with_questions
from ..registrations import holds, seats
from ..registrations import services as registrations
from ..registrations.standing import standing_of
from . import services
from .forms import ConfirmHeldRegistrationForm, RegistrationForm

bp = Blueprint("catalogue", __name__)

@bp.get("/")
@cached_page(per_minute=True)  # which trainings are open for registration changes with the time too
def index():
    filters = services.CatalogueFilters.from_args(request.args)
    sessions = services.catalogue_page(filters, requested_page())
    cities, months = services.filter_choices()
    return render_template(
        "catalogue/index.html", sessions=sessions, filters=filters, cities=cities, months=months,
        seats_left=seats.seats_left_by_session(sessions.items),
    )


def _public_session_or_404(training_id):
    training = services.public_session(training_id)
    if training is None:
        abort(404)
    return training


@bp.get("/sessions/<int:training_id>")
@cached_page(per_minute=True)
def session_page(training_id):
    training = _public_session_or_404(training_id)
    own = current_user.participant if current_user.is_authenticated else None
    registration = registrations.find_registration(training.id, own.id) if own is not None else None
    return render_template(
        "catalogue/session.html",
        training=training,
        seats_left=seats.seats_left(training),
        window_error=registrations.registration_window_error(training),
        over=services.is_over(training),
        standing=standing_of(registration) if registration is not None and not registration.is_held else None,
    )


@bp.get("/sessions/<int:training_id>.ics")
def session_calendar(training_id):
    training = _public_session_or_404(training_id)
    if training.start_date is None:
        abort(404)
    url = public_url("catalogue.session_page", training_id=training.id)
    location = join_parts([localized(training, "venue"), localized(training, "city")])
    organisers = join_parts(localized(o.organisation, "name") for o in training.organisers)
    slots = [slot for _day, day_slots in agenda.agenda_of(training) for slot in day_slots]
    lines = [f"{fmt_date(s.day.date, 'short')} {fmt_time_range(s.starts_at, s.ends_at, training.timezone, named=True)} "
             f"{localized(s, 'title')}" for s in slots]
    description = "\n".join(filter(None, [
        localized(training.course, "description"),
        _("Organisers: %(names)s", names=organisers) if organisers else "",
        "\n".join([_("Agenda") + ":", *lines]) if lines else "",
        url,
    ]))
    body = services.calendar_file(
        training, title=localized(training, "title"), location=location,
        description=description, url=url, host=public_host(),
        slots=[(s.id, *agenda.slot_times(training, s), localized(s, "title"),
                join_parts([location, s.room]),
                join_parts([localized(s.facilitator, "name") if s.facilitator else "",
                            localized(s.facilitator.organisation, "name") if s.facilitator and s.facilitator.organisation else ""]))
               for s in slots],
    )
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="training-{training.id}.ics"',
    })


@bp.route("/sessions/<int:training_id>/register", methods=["GET", "POST"])
@throttle_posts("REGISTRATION_LIMIT", counts=acted)  # per client address and per e-mail (config.py)
def register(training_id):
    training = _public_session_or_404(training_id)
    window_error = registrations.registration_window_error(training)
    if window_error:
        return render_template("catalogue/register_closed.html", training=training, message=window_error)

    own = current_user.participant if current_user.is_authenticated else None
    asked = questions.questions_of(training)
    form = with_questions(RegistrationForm, asked)()
    form.set_organisation_choices(all_organisations())
    if own is not None:
        form.email.data = own.email  # a logged-in participant registers themself
        if request.method == "GET":
            form.fill_from(own)
    if form.validate_on_submit():
        count_this_post()
        with shows_domain_errors(form):  # "already registered" beside the e-mail, the others flashed
            outcome = services.register_online(
                training, form.details(), form.email.data, current_language(),
                by_user=current_user if current_user.is_authenticated else None,
            )
            if outcome.registration is not None and not outcome.awaits_the_person:
                # not when the address is someone else's: a visitor never writes answers into their registration
                questions.record_answers(outcome.registration, answers_of(form, asked))
            _flash_outcome(outcome, form.email.data, own is not None)
            return redirect(url_for("catalogue.session_page", training_id=training.id))
    elif form.trapped:
        flash(TRAPPED, "danger")
    return render_template("catalogue/register.html", training=training, form=form, own=own,
                           question_fields=question_fields(form, asked))


def _flash_outcome(outcome, email, proven):
    """``proven``: the logged-in participant registered themself. Anyone else is told the same whatever
    happened (a new person registered, or a known one e-mailed a link to confirm): the answer must not say
    whether the address is known."""
    if not proven:
        flash(_("Thank you. A message about this registration is on its way to %(email)s. Please read it: it says whether your place is confirmed, or how to confirm it.", email=email), "success")
        return
    _flash_status(outcome.registration, email, outcome.password_link_sent)


def _flash_status(registration, email, password_link_sent=False):
    status = standing_of(registration)
    if status.status == "confirmed":
        flash(_("You are registered and your place is confirmed. A confirmation is on its way to %(email)s.", email=email), "success")
    elif status.status == "waitlisted" and status.full_training:
        flash(_("The training is full, so you are on the waiting list (position %(position)d). We will write to %(email)s as soon as a place is free for you.", position=status.position, email=email), "warning")
    elif status.status == "waitlisted":
        flash(_("Your organisation's seats for this training are all taken, so you are on the waiting list (position %(position)d). We will write to %(email)s as soon as a place is free for you.", position=status.position, email=email), "warning")
    else:
        flash(_("Your registration is received. A programme officer will review it and write to %(email)s with the decision.", email=email), "success")
    if password_link_sent:
        flash(_("We also sent you a link to choose a password for your account, where you can follow your registrations."), "info")


@bp.route("/registration/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token):
    """The one-time link mailed for a held registration: shows what is stored, then confirms or releases it."""
    registration = holds.find_by_token(token)
    if registration is None:
        return render_template("catalogue/confirm_invalid.html", message=holds.INVALID_LINK), 404
    form = ConfirmHeldRegistrationForm()
    if form.validate_on_submit() and (form.confirm.data or form.decline.data):
        training = registration.training
        try:
            if form.decline.data:
                services.decline_held_registration(token)
            else:
                outcome = services.confirm_held_registration(token)
        except holds.HoldLinkInvalid as error:  # used a moment ago, in another tab
            return render_template("catalogue/confirm_invalid.html", message=str(error)), 404
        except registrations.RegistrationError as error:
            flash(str(error), "danger")
            return redirect(url_for("catalogue.session_page", training_id=training.id))
        if form.decline.data:
            flash(_("The seat is released. Nothing else was changed."), "info")
        else:
            _flash_status(outcome.registration, outcome.registration.participant.email, outcome.password_link_sent)
        return redirect(url_for("catalogue.session_page", training_id=training.id))
    return render_template("catalogue/confirm.html", form=form, registration=registration,
                           training=registration.training, participant=registration.participant)


@bp.record_once
def _confirm_held_registrations_at_login(state):
    user_logged_in.connect(_on_login, state.app)


def _on_login(app, user, **extra):
    """Logging in proves who the person is: their held registrations are confirmed (``services.confirm_holds_at_login``)."""
    for registration in services.confirm_holds_at_login(user):
        title = localized(registration.training, "title")
        if registration.status == "confirmed":
            flash(_("Your place in “%(title)s” is confirmed.", title=title), "success")
        elif registration.status == "waitlisted":
            flash(_("You are on the waiting list of “%(title)s”, position %(position)d.", title=title,
                    position=standing_of(registration).position), "warning")
        else:
            flash(_("Your registration for “%(title)s” is received; a programme officer will review it.", title=title), "success")


@bp.get("/privacy")
def privacy():
    return render_template("catalogue/privacy.html")
