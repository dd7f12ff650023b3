"""Officer pages of evaluation: a course's question bank, and a training's instruments, results, paper answer grid
and printable test. The participants' pages are in ``taking.py`` (same blueprint)."""
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..core.db import utcnow
from ..core.domain import shows_domain_errors
from ..core.forms import shows_upload_errors
from ..core.permissions import STAFF_ROLES, roles_required
from ..courses.access import manageable_course
from ..extensions import db
from ..registrations.models import Registration
from ..participants.models import Participant
from ..trainings.access import training_access
from ..trainings.services import to_local, to_utc
from . import bank, charts, instruments, results
from .forms import ConfirmForm, ImportForm, InstrumentForm, QuestionForm, letters_to_answer
from .results import LIKERT_LABELS
from .models import BANKS, INSTRUMENT_BANK, INSTRUMENT_KINDS, Question

bp = Blueprint("evaluation", __name__)

KINDS = "any(pre, post, reaction, follow_up)"
BANK_TITLES = {"test": _l("Knowledge test questions"), "reaction": _l("Reaction survey items"),
               "follow_up": _l("Follow-up survey items")}


def _bank_name():
    name = request.args.get("bank", "test")
    if name not in BANKS:
        abort(404)
    return name


def _question_of(course, question_id) -> Question:
    question = db.get_or_404(Question, question_id)
    if question.course_id != course.id:
        abort(404)
    return question


@bp.app_context_processor
def questionnaire_links():
    """``open_questionnaires(registration)`` for the participant's account page: [(title, URL)] of the training's
    questionnaires open now that the person has not answered (two statements per confirmed registration)."""
    def open_questionnaires(registration):
        if registration.status != "confirmed":
            return []
        names = {"pre": _("Pre-test"), "post": _("Post-test"), "reaction": _("Your opinion of the training"),
                 "follow_up": _("Follow-up survey")}
        now = utcnow()
        return [(names[kind], url_for("evaluation.take", training_id=registration.training_id, slug=instruments.SLUGS[kind]))
                for kind, instrument in instruments.instruments_of(registration.training).items()
                if instrument.items and instrument.is_open(now)
                and not instruments.has_answered(instrument, registration.participant_id)]
    return {"open_questionnaires": open_questionnaires}


# --- the question bank ---------------------------------------------------------------------------

@bp.route("/courses/<int:course_id>/questions", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def question_bank(course_id):
    course = manageable_course(course_id)
    name = _bank_name()
    form = QuestionForm(bank=name, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        with shows_domain_errors(form):
            bank.create_question(course, form.details(), by_user=current_user)
            flash(_("Question added."), "success")
            return redirect(url_for(".question_bank", course_id=course.id, bank=name))
    return render_template("evaluation/bank.html", course=course, bank=name, form=form,
                           questions=bank.bank_of(course, name), confirm=ConfirmForm(),
                           titles=BANK_TITLES), 422 if request.method == "POST" else 200


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def edit_question(course_id, question_id):
    course = manageable_course(course_id)
    question = _question_of(course, question_id)
    form = QuestionForm(bank=question.bank, obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.fill_from(question)
    elif form.validate():
        with shows_domain_errors(form):
            new = bank.update_question(question, form.details(), by_user=current_user)
            flash(_("Question saved as version %(version)s; answers already given keep the earlier version.",
                    version=new.version) if new is not question else _("Nothing changed."), "success")
            return redirect(url_for(".question_bank", course_id=course.id, bank=question.bank))
    status = 422 if request.method == "POST" else 200
    return render_template("evaluation/question_form.html", course=course, question=question, form=form), status


@bp.post("/courses/<int:course_id>/questions/<int:question_id>/retire")
@roles_required(*STAFF_ROLES)
def retire_question(course_id, question_id):
    course = manageable_course(course_id)
    question = _question_of(course, question_id)
    if ConfirmForm().validate():
        with shows_domain_errors():
            bank.retire_question(question, by_user=current_user)
            flash(_("Question removed from the bank; answers already given are kept."), "success")
    return redirect(url_for(".question_bank", course_id=course.id, bank=question.bank))


@bp.post("/courses/<int:course_id>/questions/defaults")
@roles_required(*STAFF_ROLES)
def default_items(course_id):
    course = manageable_course(course_id)
    name = _bank_name()
    if name == "test" or not ConfirmForm().validate():
        abort(400)
    bank.add_default_survey_items(course, name, by_user=current_user)
    flash(_("The default items were added."), "success")
    return redirect(url_for(".question_bank", course_id=course.id, bank=name))


@bp.route("/courses/<int:course_id>/questions/import", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def import_questions(course_id):
    course = manageable_course(course_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        with shows_upload_errors(form):
            count = bank.import_questions(course, upload.filename, upload.read(),
                                          max_bytes=current_app.config["MAX_UPLOAD_BYTES"], by_user=current_user,
                                          sheet=form.sheet.data or None)
            flash(_("%(count)s questions imported.", count=count), "success")
            return redirect(url_for(".question_bank", course_id=course.id))
    status = 422 if request.method == "POST" else 200
    return render_template("evaluation/import.html", course=course, form=form), status


@bp.get("/courses/<int:course_id>/questions/template.xlsx")
@roles_required(*STAFF_ROLES)
def import_template(course_id):
    manageable_course(course_id)
    return send_file(BytesIO(bank.template_xlsx()), as_attachment=True, download_name="question-bank.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- a training's evaluation ---------------------------------------------------------------------

@bp.get("/officer/trainings/<int:training_id>/evaluation")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def overview(training, can_manage):
    figures, shares = results.training_evaluation(training), results.question_shares(training)
    return render_template(
        "evaluation/overview.html", training=training, can_manage=can_manage,
        instruments=instruments.instruments_of(training), figures=figures, charts=charts.evaluation_charts(figures, shares),
        scores=results.participant_scores(training), shares=shares,
        definitions=results.DEFINITIONS, kinds=INSTRUMENT_KINDS, slugs=instruments.SLUGS, confirm=ConfirmForm(),
        follow_up_due_on=instruments.follow_up_due_on, to_local=to_local, instrument_state=instruments.state,
        likert_labels=LIKERT_LABELS,
        min_group=results.MIN_REACTION_GROUP)


@bp.route(f"/officer/trainings/<int:training_id>/evaluation/<{KINDS}:kind>/settings", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def settings(training, kind):
    instrument = instruments.instrument_of(training, kind)
    form = InstrumentForm(formdata=request.form if request.method == "POST" else None)
    questions = bank.bank_of(training.course, "test") if INSTRUMENT_BANK[kind] == "test" else []
    form.question_ids.choices = [(q.id, q.text) for q in questions]
    if request.method == "GET":
        if instrument:
            form.opens_at.data = to_local(instrument.opens_at, training.timezone)
            form.closes_at.data = to_local(instrument.closes_at, training.timezone)
            form.follow_up_months.data = instrument.follow_up_months
            form.question_ids.data = [item.question_id for item in instrument.items]
        else:
            form.question_ids.data = [q.id for q in questions]
    elif form.validate():
        chosen = [i for i in (q.id for q in questions) if i in set(form.question_ids.data or ())]
        with shows_domain_errors(form):
            instruments.set_up_instrument(
                training, kind, opens_at=to_utc(form.opens_at.data, training.timezone),
                closes_at=to_utc(form.closes_at.data, training.timezone),
                follow_up_months=form.follow_up_months.data if kind == "follow_up" else None,
                question_ids=chosen if questions else None, by_user=current_user)
            flash(_("Saved."), "success")
            return redirect(url_for(".overview", training_id=training.id))
    status = 422 if request.method == "POST" else 200
    return render_template("evaluation/settings.html", training=training, kind=kind, form=form,
                           instrument=instrument, questions=questions), status


@bp.post(f"/officer/trainings/<int:training_id>/evaluation/<{KINDS}:kind>/open")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def open_now(training, kind):
    if ConfirmForm().validate():
        with shows_domain_errors():
            instruments.open_now(training, kind, by_user=current_user)
            flash(_("Open now: participants can answer."), "success")
    return redirect(url_for(".overview", training_id=training.id))


@bp.post(f"/officer/trainings/<int:training_id>/evaluation/<{KINDS}:kind>/close")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def close_now(training, kind):
    instrument = instruments.instrument_of(training, kind)
    if instrument is None:
        flash(_("Nothing to close: it was never opened."), "warning")
    elif ConfirmForm().validate():
        instruments.close_now(instrument, by_user=current_user)
        flash(_("Closed: no more answers are taken."), "success")
    return redirect(url_for(".overview", training_id=training.id))


@bp.route("/officer/trainings/<int:training_id>/evaluation/<any(pre, post):kind>/paper", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@training_access("manage")
def paper(training, kind):
    """One row per confirmed participant, one cell per question: the letters ticked on the sheet."""
    instrument = instruments.instrument_of(training, kind)
    if instrument is None or not instrument.items:
        flash(_("Set up this test first."), "warning")
        return redirect(url_for(".overview", training_id=training.id))
    registrations = db.session.scalars(
        select(Registration).join(Participant).where(Registration.training_id == training.id,
                                                     Registration.status == "confirmed").order_by(Participant.name)).all()
    answered = {pid for pid in (r.participant_id for r in registrations) if instruments.has_answered(instrument, pid)}
    cells, errors = {}, {}
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        sheets = {}
        for registration in registrations:
            pid = registration.participant_id
            if pid in answered:
                continue
            row = {q.id: request.form.get(f"p{pid}-q{q.id}", "") for q in instrument.questions}
            cells.update({(pid, qid): value for qid, value in row.items()})
            if not any(v.strip() for v in row.values()):
                continue
            sheets[pid] = {}
            for question in instrument.questions:
                try:
                    sheets[pid][question.id] = letters_to_answer(row[question.id], question)
                except ValueError:
                    errors[(pid, question.id)] = _("Not a choice of this question.")
        if not errors:
            with shows_domain_errors():
                count = instruments.enter_paper_answers(instrument, training, sheets, by_user=current_user)
                flash(_("%(count)s answer sheets saved.", count=count), "success")
                return redirect(url_for(".paper", training_id=training.id, kind=kind))
        else:
            flash(_("Nothing was saved: correct the marked cells."), "danger")
    status = 422 if request.method == "POST" else 200
    return render_template("evaluation/paper.html", training=training, kind=kind, instrument=instrument,
                           registrations=registrations, answered=answered, cells=cells, errors=errors,
                           form=form), status


@bp.get("/officer/trainings/<int:training_id>/evaluation/<any(pre, post):kind>/test.pdf")
@roles_required(*STAFF_ROLES)
@training_access("view")
def test_pdf(training, kind):
    from ..pdf import render_pdf

    instrument = instruments.instrument_of(training, kind)
    questions = instrument.questions if instrument and instrument.items else bank.bank_of(training.course, "test")
    if not questions:
        abort(404)
    data = render_pdf("pdf/evaluation_test.html", training=training, kind=kind, questions=questions)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"training-{training.id}-{kind}-test.pdf")


@bp.get(f"/officer/trainings/<int:training_id>/evaluation/<{KINDS}:kind>/links.pdf")
@roles_required(*STAFF_ROLES)
@training_access("manage")
def links_pdf(training, kind):
    """Slips to hand out in the room: each confirmed participant's name and the QR code of their personal link."""
    from ..pdf import qr_data_uri, render_pdf

    registrations = db.session.scalars(
        select(Registration).join(Participant).where(Registration.training_id == training.id,
                                                     Registration.status == "confirmed").order_by(Participant.name)).all()
    slips = [{"participant": r.participant, "url": instruments.personal_url(training.id, r.participant_id, kind)}
             for r in registrations]
    for slip in slips:
        slip["qr"] = qr_data_uri(slip["url"])
    data = render_pdf("pdf/evaluation_links.html", training=training, kind=kind, slips=slips)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"training-{training.id}-{kind}-links.pdf")


from . import taking  # noqa: E402,F401  (the participants' pages, on this blueprint)
