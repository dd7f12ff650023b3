"""Background jobs of letters (``core.jobs``), recorded as bulk jobs (``bulk``)."""
from ..bulk import services as bulk
from ..core.jobs import job
from . import services


@job()
def export_letters(job_id: int) -> None:
    """Bulk job "letters.export": the invitation and visa-support letters of every confirmed participant as one
    ZIP, kept on the record for download; progress counts letters (two per person)."""
    bulk.run(job_id, _export)


def _export(record) -> None:
    training = record.training
    progress = bulk.Progress(record, total=2 * len(services.confirmed_registrations(training)))
    data = services.zip_of_letters(training, by_user=record.started_by, on_progress=progress.advance)
    # the visa-support letters print passport details: the ZIP goes when they are erased
    bulk.keep_result(record, data, f"letters-training-{training.id}.zip", "application/zip", sensitive=True)
