from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from ..bulk import kinds as job_kinds, services as bulk
from ..core.permissions import EDITOR_ROLES, STAFF_ROLES, roles_required
from ..core.text import clean_text, has_words, typed_code
from ..extensions import db, limiter
from ..core.domain import shows_domain_errors
from ..trainings.access import training_access
from . import codes, services
from .access import manageable_certificate, require_certificate_download
from .forms import ExportForm, IssueForm, ReissueForm, RevokeForm, VerifyCodeForm, VerifyFileForm
from .models import Certificate

bp = Blueprint("certificates", __name__)

#: the bulk jobs (``bulk.kinds``) listed on the certificates page
CERTIFICATE_JOBS = ("certificates.issue", "certificates.export")

#: against guessing codes: the verification pages share one budget per client address (VERIFY_LIMIT_PER_ADDRESS),
#: counted across every worker and server
verify_limit = limiter.shared_limit(lambda: current_app.config["VERIFY_LIMIT_PER_ADDRESS"], scope="certificate-verify")


@bp.get("/officer/trainings/<int:training_id>/certificates")
@roles_required(*STAFF_ROLES)
@training_access("view", with_can_manage=True)
def index(training, can_manage):
    rows = services.eligibility(training)
    search = clean_text(request.args.get("q") or "")
    if search:
        # every word of the names compared folded (احمد المالكي finds أحمد جاسم المالكي); a serial or code typed
        # any way matches too
        typed = typed_code(search)
        rows = [r for r in rows if has_words(r.registration.participant.name_folded, search)
                or (len(typed) >= 4 and any(typed in typed_code(c.serial) or typed == typed_code(c.code)
                                            for c in r.registration.certificates))]
    return render_template(
        "certificates/index.html", training=training, rows=rows, search=search, form=IssueForm(),
        can_manage=can_manage,
        issuing_error=services.issuing_error(training),
        jobs=_recent_jobs(training) if can_manage else [],
        eligible_count=sum(1 for r in rows if r.eligible),
        valid_count=sum(1 for r in rows if services.valid_certificate(r.registration)),
    )


def _recent_jobs(training):
    """(job, one line about it) of the training's latest certificate jobs, so that an officer finds them again."""
    return [(job, job_kinds.summary(job)) for job in bulk.recent_jobs(training, CERTIFICATE_JOBS)]


@bp.post("/officer/trainings/<int:training_id>/certificates/issue")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def issue(training):
    form = IssueForm()
    back = redirect(url_for(".index", training_id=training.id))
    if not form.validate():
        flash(_("The form expired. Please submit it again."), "danger")
        return back
    if request.form.get("one"):
        chosen = [request.form.get("one", type=int)]
    elif request.form.get("scope") == "all":
        chosen = None
    else:
        chosen = form.registration_ids.data
        if not chosen:
            flash(_("Tick the people to issue certificates to."), "warning")
            return back
    if chosen is not None and len(chosen) == 1:  # one person: at once, here
        with shows_domain_errors():
            issued, skipped = services.issue_certificates(training, chosen, by_user=current_user)
            _flash_issued(issued, skipped)
        return back
    # many people: a bulk job, whose page shows how far it is ("312 of 500 certificates")
    with shows_domain_errors():
        error = services.issuing_error(training)
        if error:
            raise services.CertificateError(error)
        rows = services.eligibility(training, chosen)
        eligible = [row.registration.id for row in rows if row.eligible]
        if chosen is not None:
            _flash_issued([], [row for row in rows if not row.eligible])
        if not eligible:
            if chosen is None:
                flash(_("Nobody else is eligible for a certificate."), "info")
            return back
        record = bulk.start("certificates.issue", by_user=current_user, training=training,
                            params={"registration_ids": chosen})
        return redirect(url_for("bulk.job_page", job_id=record.id))
    return back


def _flash_issued(issued, skipped):
    if issued:
        flash(ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", len(issued)), "success")
    for row in skipped:
        flash(_("%(name)s: %(reason)s", name=row.registration.participant.name, reason=row.reason), "warning")


@bp.route("/officer/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def revoke(certificate_id):
    certificate = manageable_certificate(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        with shows_domain_errors(form.reason):
            services.revoke_certificate(certificate, form.reason.data, by_user=current_user)
            flash(_("Certificate %(serial)s revoked.", serial=certificate.serial), "success")
            return redirect(url_for(".index", training_id=certificate.registration.training_id))
    return render_template("certificates/change.html", certificate=certificate, form=form, action="revoke")


@bp.route("/officer/certificates/<int:certificate_id>/reissue", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def reissue(certificate_id):
    certificate = manageable_certificate(certificate_id)
    form = ReissueForm()
    if form.validate_on_submit():
        with shows_domain_errors(form.reason):
            new = services.reissue_certificate(certificate, form.reason.data, by_user=current_user)
            flash(_("Certificate %(new)s issued in place of %(old)s.", new=new.serial, old=certificate.serial), "success")
            return redirect(url_for(".index", training_id=certificate.registration.training_id))
    return render_template("certificates/change.html", certificate=certificate, form=form, action="reissue")


@bp.get("/officer/trainings/<int:training_id>/certificates.<any(pdf, zip):kind>")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def export(training, kind):
    """Every valid certificate of the training: one merged PDF, or a ZIP of the stored files."""
    certificates = services.valid_certificates(training)
    if not certificates:
        flash(_("No valid certificates to download yet."), "warning")
        return redirect(url_for(".index", training_id=training.id))
    if kind == "pdf":
        body, mimetype = services.merged_pdf(certificates), "application/pdf"
    else:
        body, mimetype = services.zip_of_pdfs(certificates), "application/zip"
    filename = f"certificates-training-{training.id}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/officer/trainings/<int:training_id>/certificates/export")
@roles_required(*EDITOR_ROLES)
@training_access("manage")
def start_export(training):
    """Every valid certificate of the training as one PDF or a ZIP (``format``), made by a bulk job: answers at once
    with the job's page, which offers the file when it is ready."""
    form = ExportForm()
    if not form.validate():
        flash(_("The form expired. Please submit it again."), "danger")
        return redirect(url_for(".index", training_id=training.id))
    record = bulk.start("certificates.export", by_user=current_user, training=training,
                        params={"format": form.format.data})
    return redirect(url_for("bulk.job_page", job_id=record.id))


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id):
    """The stored PDF, exactly as issued: to its owner (while valid), and to the training's officers and admins."""
    certificate = db.get_or_404(Certificate, certificate_id)
    require_certificate_download(certificate)
    if certificate.pdf is None:  # deleted when its holder was erased
        abort(404)
    return Response(
        certificate.pdf, mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{services.export_filename(certificate)}"',
                 "Cache-Control": "private, no-store"},
    )


@bp.get("/verify")
@verify_limit
def verify_form():
    """A small form to type the code printed on a certificate."""
    form = VerifyCodeForm(request.args)
    if "code" in request.args and form.validate():  # ?lang= alone is not a submission
        code = codes.normalise_code(form.code.data)
        if code is not None:
            return redirect(url_for(".verify", code=code))
        form.code.errors.append(_("This is not a verification code. It has 16 letters and digits, e.g. 7K3M-Q9PX-2HDT-W4NB."))
    return render_template("certificates/verify_form.html", form=form)


def _unknown_code_page(code):
    """The form again, with the code as typed and what a code looks like: still a 404 for an unknown code."""
    form = VerifyCodeForm(data={"code": code})
    form.code.errors = [_("No certificate has this code. Compare it with the one printed on the certificate: "
                          "16 letters and digits in four groups, e.g. 7K3M-Q9PX-2HDT-W4NB.")]
    return render_template("certificates/verify_form.html", form=form), 404


@bp.route("/verify/<code>", methods=["GET", "POST"])
@verify_limit
def verify(code):
    """Public verification page. Shows only what the certificate itself shows, never contact details."""
    certificate = codes.find_by_code(code)
    if certificate is None:
        return _unknown_code_page(code)
    form = VerifyFileForm()
    file_is_original = None
    if form.validate_on_submit():
        data, error = _read_uploaded_pdf(form.file.data)
        if error:
            form.file.errors.append(error)
        else:
            file_is_original = codes.is_original(certificate, data)
    return render_template(
        "certificates/verify.html", certificate=certificate, training=certificate.registration.training,
        participant=certificate.registration.participant, form=form, file_is_original=file_is_original,
        replacement=codes.replacement_of(certificate),
        logos=dict(services.organiser_logos(certificate.registration.training)),
    )


def _read_uploaded_pdf(upload):
    """The file's bytes, or an error: too large and not-a-PDF are refused before reading it all."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if request.content_length and request.content_length > limit + 64 * 1024:
        return None, _("The file is too large (at most %(size)s MB).", size=limit // (1024 * 1024))
    if not upload.filename.lower().endswith(".pdf") or upload.stream.read(5) != b"%PDF-":
        return None, _("This is not a PDF file.")
    data = b"%PDF-" + upload.stream.read(limit)
    if len(data) > limit:
        return None, _("The file is too large (at most %(size)s MB).", size=limit // (1024 * 1024))
    return data, None
