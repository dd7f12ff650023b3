"""Background jobs of registrations (``core.jobs``)."""
from flask_babel import gettext as _

from ..bulk import services as bulk
from ..core.i18n import join_parts
from ..core.jobs import job
from . import holds, importing


@job()
def release_expired_holds() -> int:
    """Release seats held past their time to confirm (``holds.release_expired``); recurring
    (HOLD_RELEASE_EVERY_SECONDS). Returns how many were released; safe to run again at any time."""
    return holds.release_expired()


#: bad rows a failed import names in its reason (the preview shows them all)
ROWS_NAMED_ON_FAILURE = 10


@job()
def import_nominations(job_id: int) -> None:
    """Bulk job "registrations.import": the rows the officer confirmed (``params["rows"]``, validated again), all
    or nothing; the job is marked done in the import's own commit, so a repeated delivery imports nothing twice,
    and each e-mail it queues is sent once, from the outbox."""
    bulk.run(job_id, _import)


def _import(record) -> None:
    job_id, rows = record.id, record.params["rows"]
    bulk.Progress(record, total=len(rows))
    try:
        importing.import_nominations(record.training, record.params["filename"], rows, by_user=record.started_by,
                                     before_commit=lambda registrations: bulk.finish_in_transaction(
                                         job_id, done=len(registrations)))
    except importing.NominationImportError as error:
        preview = getattr(error, "preview", None)
        if preview is None:
            raise
        lines = [_("line %(line)s: %(problems)s", line=row.line, problems=join_parts((str(e) for e in row.errors), ";"))
                 for row in preview.bad_rows[:ROWS_NAMED_ON_FAILURE]]
        raise importing.NominationImportError(" ".join([str(error), *lines])) from None
