"""A training's registration questions (officers), and the answers: one registration's, and the export."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import shows_domain_errors
from ..core.exports import csv_bytes
from ..core.forms import flash_saved
from ..core.i18n import current_language
from ..core.permissions import STAFF_ROLES, roles_required
from ..registrations.models import Registration
from ..trainings.access import session_part_or_404, training_access
from . import services
from .forms import KIND_LABELS, BuiltinQuestionsForm, QuestionEditForm, QuestionForm, RetentionForm
from .models import RegistrationQuestion

bp = Blueprint("questions", __name__)


def _render_index(training, can_manage=True, question_form=None, builtin_form=None, retention_form=None, status=200):
    questions = services.questions_of(training)
    present = {q.builtin for q in questions}
    builtin_form = builtin_form or BuiltinQuestionsForm(formdata=None)
    builtin_form.keys.choices = [(key, label) for key, label in builtin_form.keys.choices if key not in present]
    return render_template(
        "questions/index.html", training=training, can_manage=can_manage, questions=questions, kind_labels=KIND_LABELS,
        question_form=question_form or QuestionForm(formdata=None), builtin_form=builtin_form,
        retention_form=retention_form or RetentionForm(formdata=None, days=training.sensitive_retention_days),
        choices_of=services.choices_of,
    ), status


@bp.get("/officer/trainings/<int:training_id>/questions")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    return _render_index(training, can_manage)


@bp.post("/officer/trainings/<int:training_id>/questions")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add(training):
    form = QuestionForm()
    if form.validate():
        with shows_domain_errors(form):
            services.add_question(training, services.QuestionDetails.from_form(form), by_user=current_user)
            flash(_("Question added to the registration form."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render_index(training, question_form=form, status=422)


@bp.post("/officer/trainings/<int:training_id>/questions/builtin")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def add_builtin(training):
    form = BuiltinQuestionsForm()
    if form.validate():
        added = services.add_builtin_questions(training, form.keys.data, by_user=current_user)
        flash(_("%(count)s travel fields added.", count=len(added)), "success")
        return redirect(url_for(".index", training_id=training.id))
    return _render_index(training, builtin_form=form, status=422)


@bp.post("/officer/trainings/<int:training_id>/questions/retention")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def retention(training):
    form = RetentionForm()
    if form.validate():
        with shows_domain_errors(form):
            services.set_retention(training, form.days.data, by_user=current_user)
            flash(_("Retention period saved."), "success")
            return redirect(url_for(".index", training_id=training.id))
    return _render_index(training, retention_form=form, status=422)


@bp.route("/officer/trainings/<int:training_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def edit(training, question_id):
    question = session_part_or_404(training, RegistrationQuestion, question_id)
    form = QuestionEditForm(obj=question)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            flash_saved(services.update_question(question, services.QuestionDetails.from_form(form), by_user=current_user),
                        _("Question saved."))
            return redirect(url_for(".index", training_id=training.id, _anchor=f"question-{question.id}"))
    return render_template("questions/edit.html", training=training, question=question, form=form,
                           answered=services.answer_count(question)), 422 if form.errors else 200


@bp.post("/officer/trainings/<int:training_id>/questions/<int:question_id>/move")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def move(training, question_id):
    question = session_part_or_404(training, RegistrationQuestion, question_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    if services.move_question(question, direction, by_user=current_user):
        flash(_("Question moved up.") if direction == "up" else _("Question moved down."), "success")
    else:
        flash(_("The question is already first.") if direction == "up" else _("The question is already last."), "info")
    return redirect(url_for(".index", training_id=training.id, _anchor=f"question-{question.id}"))


@bp.post("/officer/trainings/<int:training_id>/questions/<int:question_id>/remove")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def remove(training, question_id):
    question = session_part_or_404(training, RegistrationQuestion, question_id)
    answers = services.remove_question(question, by_user=current_user)
    flash(_("Question removed, with its %(count)s answers.", count=answers), "success")
    return redirect(url_for(".index", training_id=training.id))


@bp.get("/officer/trainings/<int:training_id>/registrations/<int:registration_id>/answers")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def answers(training, registration_id, can_manage):
    registration = session_part_or_404(training, Registration, registration_id)
    shown = services.answers_for(registration, with_sensitive=can_manage, by_user=current_user, lang=current_language())
    hidden = not can_manage and any(q.sensitive for q in services.questions_of(training))
    return render_template("questions/answers.html", training=training, registration=registration, shown=shown,
                           hidden=hidden)


@bp.get("/officer/trainings/<int:training_id>/answers.csv")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def export(training, can_manage):
    with_sensitive = can_manage and request.args.get("sensitive") == "1"
    header, rows = services.answers_table(training, with_sensitive=with_sensitive, by_user=current_user,
                                          lang=current_language())
    return Response(csv_bytes(header, rows), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=training-{training.id}-answers.csv",
        "Cache-Control": "no-store"})
