"""Background jobs of certificates (``core.jobs``), each recorded as a bulk job (``bulk``): issuing to many people,
in parts that several workers render side by side, and the merged PDF or ZIP of a training's certificates."""
from math import ceil

from flask import current_app
from flask_babel import gettext as _

from ..bulk import services as bulk
from ..bulk.models import BulkJob
from ..core import signals
from ..core.jobs import job
from ..extensions import db
from . import services

#: the job that issues one part of a bulk issue
PART_JOB = "training_mgr.certificates.tasks.issue_certificate_part"
EXPORT_MIMETYPES = {"pdf": "application/pdf", "zip": "application/zip"}


@job()
def issue_certificates(job_id: int) -> None:
    """Bulk job "certificates.issue": plan the parts once (the eligible among ``params["registration_ids"]``, or
    everyone eligible, ``CERTIFICATE_PART_SIZE`` to a part) and queue those not done yet. Run again (a lost worker,
    a resumed job), it keeps its plan and queues only the parts still to do."""
    bulk.run(job_id, _plan_and_queue_parts)


def _plan_and_queue_parts(record):
    if record.parts_total is None:
        training = record.training
        error = services.issuing_error(training)
        if error:
            raise services.CertificateError(error)
        chosen = record.params.get("registration_ids")
        planned = [row.registration.id for row in services.eligibility(training, chosen) if row.eligible]
        size = max(1, int(current_app.config["CERTIFICATE_PART_SIZE"]))
        bulk.plan_parts(record, total=len(planned), parts_total=ceil(len(planned) / size), planned=planned,
                        part_size=size)
    bulk.queue_parts(record, PART_JOB)
    return bulk.WAITING_FOR_PARTS


@job()
def issue_certificate_part(job_id: int, number: int) -> None:
    """Part ``number`` of a bulk issue: render and issue its certificates, and count them, in one commit. The part
    that finishes the issue says so (``signals.certificates_issued``): "your certificate is ready" goes out then."""
    if bulk.run_part(job_id, number, _issue_part):
        signals.certificates_issued.send(db.session.get(BulkJob, job_id).training)


def _issue_part(record, number: int) -> None:
    job_id, size = record.id, record.params["part_size"]
    registration_ids = record.params["planned"][number * size:(number + 1) * size]
    services.issue_part(record.training, registration_ids, by_user=record.started_by,
                        before_commit=lambda issued: bulk.part_done(job_id, number, len(issued)))


@job()
def export_certificates(job_id: int) -> None:
    """Bulk job "certificates.export": every valid certificate of the training as one PDF (``params["format"]``
    "pdf") or a ZIP of one PDF each ("zip"), kept on the record for download."""
    bulk.run(job_id, _export)


def _export(record) -> None:
    kind, training = record.params["format"], record.training
    certificates = services.valid_certificates(training)
    if not certificates:
        raise services.CertificateError(_("No valid certificates to download yet."))
    progress = bulk.Progress(record, total=len(certificates))
    write = services.merged_pdf if kind == "pdf" else services.zip_of_pdfs
    data = write(certificates, on_progress=progress.advance)
    bulk.keep_result(record, data, f"certificates-training-{training.id}.{kind}", EXPORT_MIMETYPES[kind])
