"""Background jobs of reports (``core.jobs``), recorded as bulk jobs (``bulk``): a training's report and the
programme report, written in the language they were asked in and kept on the record for download."""
from datetime import date

from ..bulk import services as bulk
from ..core.jobs import job
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
    progress = bulk.Progress(record, total=1)
    if record.kind == "reports.session":
        if kind == "pdf":
            data, filename = documents.session_report_pdf(training), f"training-{training.id}-report.pdf"
        else:
            data, filename = documents.participants_csv(training=training), f"training-{training.id}-participants.csv"
    else:
        filters = filters_of(record.params["filters"])
        render = {"pdf": documents.programme_report_pdf, "xlsx": documents.programme_report_xlsx,
                  "csv": lambda f: documents.participants_csv(filters=f)}[kind]
        data = render(filters)
        period = "-".join(str(d) for d in (filters.date_from, filters.date_to) if d) or "all"
        filename = f"{'participants' if kind == 'csv' else 'programme-report'}-{period}.{kind}"
    progress.advance()
    bulk.keep_result(record, data, filename, MIMETYPES[kind])
