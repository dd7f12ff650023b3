from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.domain import shows_domain_errors
from ..core.forms import OfficersForm, flash_saved
from ..core.pagination import requested_page
from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, roles_required
from ..extensions import db
from ..trainings import services as trainings
from ..trainings.forms import NewTrainingForm, detail_form_options
from ..trainings.inputs import TrainingDetails
from . import services
from .access import can_manage_course, manageable_course
from .forms import CourseFilterForm, CourseForm
from .models import Course

bp = Blueprint("courses", __name__)

PER_PAGE = 25


@bp.get("/courses")
@roles_required(*STAFF_ROLES)
def index():
    filters = CourseFilterForm(request.args)
    filters.validate()
    query = services.course_list_query(filters.q.data if not filters.q.errors else None, filters.archived.data)
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    counts = services.training_counts(course.id for course in page.items)
    return render_template("courses/index.html", page=page, filters=filters, counts=counts)


@bp.route("/courses/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def create():
    form = CourseForm()
    if form.validate_on_submit():
        with shows_domain_errors(form):
            course = services.create_course(current_user, services.CourseDetails.from_form(form))
            flash(_("Course “%(title)s” created.", title=course.title), "success")
            return redirect(url_for("courses.detail", course_id=course.id))
    return render_template("courses/form.html", form=form, course=None)


@bp.get("/courses/<int:course_id>")
@roles_required(*STAFF_ROLES)
def detail(course_id):
    course = db.get_or_404(Course, course_id)
    trainings = services.course_trainings_query(course, current_user)
    page = db.paginate(trainings, page=requested_page(), per_page=PER_PAGE, error_out=False)
    return render_template("courses/detail.html", course=course, page=page,
                           can_manage=can_manage_course(current_user, course))


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit(course_id):
    course = manageable_course(course_id)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = services.update_course(course, current_user, services.CourseDetails.from_form(form))
            flash_saved(changes, _("Course saved."))
            return redirect(url_for("courses.detail", course_id=course.id))
    return render_template("courses/form.html", form=form, course=course)


@bp.post("/courses/<int:course_id>/archive")
@roles_required(*EDITOR_ROLES)
def archive(course_id):
    course = manageable_course(course_id)
    services.archive_course(course, current_user)
    flash(_("Course “%(title)s” archived. It is hidden from lists and cannot be scheduled.", title=course.title), "success")
    return redirect(url_for("courses.detail", course_id=course.id))


@bp.post("/courses/<int:course_id>/unarchive")
@roles_required(*EDITOR_ROLES)
def unarchive(course_id):
    course = manageable_course(course_id)
    services.unarchive_course(course, current_user)
    flash(_("Course “%(title)s” restored.", title=course.title), "success")
    return redirect(url_for("courses.detail", course_id=course.id))


@bp.route("/courses/<int:course_id>/officers", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def officers(course_id):
    course = manageable_course(course_id)
    form = OfficersForm(officers=services.active_officers())
    if request.method == "GET":
        form.officer_ids.data = [u.id for u in course.officers]
    if form.validate_on_submit():
        with shows_domain_errors(form):
            changes = services.set_course_officers(course, current_user, form.officer_ids.data)
            flash_saved(changes, _("Managing officers saved."))
            return redirect(url_for("courses.detail", course_id=course.id))
    return render_template("courses/officers.html", course=course, form=form)


@bp.route("/officer/trainings/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def schedule_training():
    """Schedule a new training of a course (chosen in the form; ``?course_id=`` preselects one)."""
    form = NewTrainingForm(courses=services.schedulable_courses(), **detail_form_options())
    if request.method == "GET":
        form.course_id.data = request.args.get("course_id", type=int)
        if not form.country.data:
            form.country.data = "IQ"
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data)
        with shows_domain_errors(form):
            training = trainings.create_training(course, current_user, TrainingDetails.from_form(form))
            flash(_("Training scheduled as a draft with %(days)d day(s). Check the days, then open it for registration.",
                    days=len(training.days)), "success")
            return redirect(url_for("trainings.detail", training_id=training.id))
    return render_template("trainings/form.html", form=form, training=None)
