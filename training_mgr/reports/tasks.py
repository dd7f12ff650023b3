"""Background jobs of reports (``core.jobs``), recorded as bulk jobs (``bulk``): a training's report and the
programme report, written in the language they were asked in and kept on the record for download."""
from datetime import date

from ..bulk import services as bulk
from ..bulk.kinds import ROWS
from ..core.jobs import job
from ..extensions import db
from . import documents
from .selection import ProgrammeFilters

MIMETYPES = {"pdf": "application/pdf", "csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def filters_params(filters: ProgrammeFilters) -> dict:
    """The programme filters as JSON-able values (dates as ISO strings), for a job's ``params``."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in vars(filters).items()}


def filters_of(params: dict) -> ProgrammeFilters:
    values = dict(params)
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return ProgrammeFilters(**values)


@job()
def build_report(job_id: int) -> None:
    """Bulk jobs "reports.session" (``params["format"]``: pdf, or csv for the participant list) and
    "reports.programme" (pdf, xlsx or csv, for ``params["filters"]``). Safe to run again: it only reads."""
    bulk.run(job_id, _build)


def _build(record) -> None:
    kind, training = record.params["format"], record.training
    if kind == "pdf":  # one file, laid out at once
        progress = bulk.Progress(record, total=1)
        rows = None
    else:  # the spreadsheet and the CSV count the participant rows as they write them
        record.params = {**record.params, "unit": ROWS}
        db.session.commit()
        progress = bulk.Progress(record)
        rows = progress.update
    if record.kind == "reports.session":
        if kind == "pdf":
            data, filename = documents.session_report_pdf(training), f"training-{training.id}-report.pdf"
        else:
            data = documents.participants_csv(training=training, progress=rows)
            filename = f"training-{training.id}-participants.csv"
    else:
        filters = filters_of(record.params["filters"])
        if kind == "pdf":
            data = documents.programme_report_pdf(filters)
        elif kind == "xlsx":
            data = documents.programme_report_xlsx(filters, progress=rows)
        else:
            data = documents.participants_csv(filters=filters, progress=rows)
        period = "-".join(str(d) for d in (filters.date_from, filters.date_to) if d) or "all"
        filename = f"{'participants' if kind == 'csv' else 'programme-report'}-{period}.{kind}"
    if kind == "pdf":
        progress.advance()
    bulk.keep_result(record, data, filename, MIMETYPES[kind])
