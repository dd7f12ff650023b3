"""Where a participant answers: /sessions/<id>/evaluation/pre, /post, /reaction, /follow-up (stable addresses).

The person is the one their personal link names (``?t=…``, from an e-mail or the QR code on a sheet), or the
logged-in participant. Phone-first, in either language; a refusal (not registered, not open, closed, answered
already) is a page saying so, and changes nothing.
"""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import DomainError
from ..extensions import db
from ..participants.models import Participant
from ..trainings.models import TrainingSession
from . import instruments
from .forms import AnswerForm, answers_from
from .results import LIKERT_LABELS
from .instruments import AlreadyAnswered, NotOpen, NotRegistered
from .views import bp

SLUGS = "any(pre, post, reaction, 'follow-up')"
def _titles():
    return {"pre": _("Pre-test"), "post": _("Post-test"), "reaction": _("Your opinion of the training"),
            "follow_up": _("Follow-up: using what you learned")}


@bp.route(f"/sessions/<int:training_id>/evaluation/<{SLUGS}:slug>", methods=["GET", "POST"])
def take(training_id, slug):
    training = db.get_or_404(TrainingSession, training_id)
    kind = instruments.KIND_OF_SLUG[slug]
    token = request.values.get("t")
    participant_id = instruments.participant_id_of_token(training.id, token)
    if token and participant_id is None:
        return _refusal(training, kind, _("This link is not valid. Please use the link you were sent, or log in."), 404)
    if participant_id is None:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.participant is None:
            return _refusal(training, kind, _("Only the confirmed participants of this training can answer."), 403)
        participant_id = current_user.participant.id
    instrument = instruments.instrument_of(training, kind)
    try:
        instruments.check_can_answer(instrument, training, participant_id)
    except NotRegistered as error:
        return _refusal(training, kind, str(error), 403)
    except (NotOpen, AlreadyAnswered) as error:
        return _refusal(training, kind, str(error), 200 if request.method == "GET" else error.status)
    form = AnswerForm()
    questions = instrument.questions
    answers, errors = {}, {}
    if request.method == "POST" and form.validate():
        answers = answers_from(request.form, questions)
        try:
            instruments.submit_answers(instrument, training, participant_id, answers)
        except DomainError as error:
            if error.field:
                errors[error.field] = str(error)
            else:
                return _refusal(training, kind, str(error), error.status)
        else:
            return render_template("evaluation/thanks.html", training=training, kind=kind, titles=_titles())
    elif request.method == "POST":
        errors["form"] = _("The form expired. Please submit it again.")
    status = 422 if request.method == "POST" else 200
    return render_template("evaluation/take.html", training=training, kind=kind, questions=questions, form=form,
                           answers=answers, errors=errors, token=token if token else None, titles=_titles(),
                           likert_labels=LIKERT_LABELS, person=db.session.get(Participant, participant_id)), status


def _refusal(training, kind, message, status):
    return render_template("evaluation/refused.html", training=training, kind=kind, message=message,
                           titles=_titles()), status

