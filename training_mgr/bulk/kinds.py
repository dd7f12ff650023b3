"""The kinds of bulk job: what each is called, what it counts, who may see it, and the background job that runs it.

A kind's ``task`` names the job (``core.jobs``) in the feature that does the work; it takes the record's id. Only
names are kept here, so this package imports none of those features (they import ``bulk.services``).
"""
from dataclasses import dataclass

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from ..core.i18n import fmt_number

#: what a job counts
CERTIFICATES, ROWS, FILES = "certificates", "rows", "files"


@dataclass(frozen=True)
class JobKind:
    #: shown as the job page's title
    title: object
    #: background job (``core.jobs`` name) that runs it, given the record's id
    task: str
    #: what ``total`` and ``done`` count
    unit: str
    #: who may see it: "manage" (the training's managing officers and admins), "view" (whoever may read the
    #: training) or "programme" (managers and admins: the programme reports, which have no training)
    access: str
    #: the page the job page links back to (an endpoint; given ``training_id`` when the job has a training)
    back: str
    #: whether the job makes a file to download
    makes_file: bool = True


KINDS = {
    "certificates.issue": JobKind(_l("Issuing certificates"), "training_mgr.certificates.tasks.issue_certificates",
                                  CERTIFICATES, "manage", "certificates.index", makes_file=False),
    "certificates.export": JobKind(_l("Preparing the certificates for download"),
                                   "training_mgr.certificates.tasks.export_certificates", CERTIFICATES, "manage",
                                   "certificates.index"),
    "reports.session": JobKind(_l("Preparing the training's report"), "training_mgr.reports.tasks.build_report",
                               FILES, "view", "trainings.detail"),
    "reports.programme": JobKind(_l("Preparing the programme report"), "training_mgr.reports.tasks.build_report",
                                 FILES, "programme", "reports.dashboard"),
    "letters.export": JobKind(_l("Preparing the letters for download"), "training_mgr.letters.tasks.export_letters",
                              FILES, "manage", "letters.index"),
    "registrations.import": JobKind(_l("Importing the nomination list"),
                                    "training_mgr.registrations.tasks.import_nominations", ROWS, "manage",
                                    "registrations.index", makes_file=False),
}


JOB_STATUS_LABELS = {"queued": _l("waiting"), "running": _l("running"), "done": _l("done"), "failed": _l("failed")}


def unit_of(record) -> str:
    """What the job's ``total`` and ``done`` count: its kind's unit, unless the job says otherwise (a spreadsheet
    report counts the rows it writes, ``params["unit"]``)."""
    return record.params.get("unit") or KINDS[record.kind].unit


def summary(record) -> str:
    """One line about a job for a list: "Issuing certificates: running, 312 of 500 certificates"."""
    progress = progress_text(unit_of(record), record.done, record.total)
    return _("%(title)s: %(status)s, %(progress)s", title=KINDS[record.kind].title,
             status=JOB_STATUS_LABELS[record.status], progress=progress)


def progress_text(unit: str, done: int, total: int | None) -> str:
    """"312 of 500 certificates" (or "312 certificates" while the total is unknown), numbers written for the reader;
    never more done than the total."""
    if total is None:
        return {
            CERTIFICATES: ngettext("%(count)s certificate", "%(count)s certificates", done, count=fmt_number(done)),
            ROWS: ngettext("%(count)s row", "%(count)s rows", done, count=fmt_number(done)),
            FILES: ngettext("%(count)s file", "%(count)s files", done, count=fmt_number(done)),
        }[unit]
    numbers = {"done": fmt_number(min(done, total)), "total": fmt_number(total)}
    return {
        CERTIFICATES: ngettext("%(done)s of %(total)s certificate", "%(done)s of %(total)s certificates", total,
                               **numbers),
        ROWS: ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", total, **numbers),
        FILES: ngettext("%(done)s of %(total)s file", "%(done)s of %(total)s files", total, **numbers),
    }[unit]
