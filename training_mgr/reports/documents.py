"""The report files (session PDF, programme PDF and XLSX, participant CSV) and the charts they share
with the dashboard, all built from ``figures``, in the active language."""
from dataclasses import replace
from datetime import date
from itertools import chain, islice
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select

from ..attendance.services import ATTENDED, attendance_share
from ..core import xlsx
from ..core.exports import FORMULA_TRIGGERS, csv_bytes, spreadsheet_text, with_progress
from ..core.i18n import country_name, current_language, fmt_date, localized, text_direction
from ..core.labels import MARK_LABELS, RECOMMENDATION_STATUS_LABELS, REGISTRATION_STATUS_LABELS, SEX_LABELS
from ..courses.models import Course
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import SEXES
from ..registrations.models import REGISTRATION_STATUSES
from ..pdf import render_pdf
from ..recommendations.models import RECOMMENDATION_STATUSES
from . import figures as F
from .evaluation import add_sheets as add_evaluation_sheets, programme_section, session_section
from .participants import listed_trainings, participant_count, participant_rows
from .charts import bar_chart


def organisation_label(organisation) -> str:
    return localized(organisation, "name") if organisation is not None else _("Organisation not in the list")


def filter_labels(filters: F.ProgrammeFilters) -> list:
    """[(what, value)] of the filters in use, printed at the top of the programme reports (dates stay dates)."""
    labels = []
    if filters.date_from:
        labels.append((_("Period from"), filters.date_from))
    if filters.date_to:
        labels.append((_("Period to"), filters.date_to))
    if filters.course_id:
        labels.append((_("Course"), localized(db.session.get(Course, filters.course_id), "title")))
    if filters.organisation_id:
        labels.append((_("Organisation"), localized(db.session.get(Organisation, filters.organisation_id), "name")))
    if filters.country:
        labels.append((_("Country"), country_name(filters.country)))
    return labels or [(_("Period"), _("All trainings held"))]


# --- charts -------------------------------------------------------------------------------------------


def _rtl():
    return text_direction() == "rtl"


def organisation_chart(organisations):
    return bar_chart(
        _("Persons trained by organisation and sex"),
        [(organisation_label(row.organisation), [row.by_sex[s] for s in SEXES]) for row in organisations],
        series=[str(SEX_LABELS[s]) for s in SEXES],
        rtl=_rtl(),
    )


def sex_chart(by_sex):
    return bar_chart(
        _("Persons trained by sex"), [(str(SEX_LABELS[s]), by_sex[s]) for s in SEXES], rtl=_rtl()
    )


def recommendation_chart(by_status):
    return bar_chart(
        _("Recommendations by status"),
        [(str(RECOMMENDATION_STATUS_LABELS[s]), by_status[s]) for s in RECOMMENDATION_STATUSES],
        rtl=_rtl(),
    )


def session_charts(figures: F.SessionFigures) -> dict:
    return {
        "organisations": organisation_chart(figures.organisations),
        "days": bar_chart(
            _("Participants attending, per day"),
            [(fmt_date(row.day.date, "medium"), [row.marks[s] for s in ATTENDED]) for row in figures.days],
            series=[str(MARK_LABELS[s]) for s in ATTENDED],
            rtl=_rtl(),
        ),
        "recommendations": recommendation_chart(figures.recommendations_by_status),
    }


def programme_charts(figures: F.ProgrammeFigures) -> dict:
    return {
        "sex": sex_chart(figures.by_sex),
        "organisations": organisation_chart(figures.organisations),
        "courses": bar_chart(
            _("Persons trained by course"),
            [(localized(row.course, "title"), row.persons) for row in figures.courses],
            rtl=_rtl(),
        ),
        "recommendations": recommendation_chart(figures.recommendations_by_status),
    }


# --- PDF ----------------------------------------------------------------------------------------------


def mark_letters() -> dict:
    """{mark: the one letter that stands for it in the active language} of the session report's marks per day,
    with the sign of a day not marked under None."""
    return {
        "present": pgettext("attendance mark, one letter", "P"), "late": pgettext("attendance mark, one letter", "L"),
        "excused": pgettext("attendance mark, one letter", "E"), "absent": pgettext("attendance mark, one letter", "A"),
        None: "—",
    }


def _as_printed(certificate) -> SimpleNamespace:
    """A row of the session report's issued certificates: serial, date, status, and for its holder the names the
    certificate printed (``Certificate.holder``), not those the holder has since taken."""
    return SimpleNamespace(serial=certificate.serial, issued_on=certificate.issued_on, status=certificate.status,
                           registration=SimpleNamespace(participant=certificate.holder))


def session_report_pdf(training) -> bytes:
    figures = F.session_figures(training)
    figures = replace(figures, certificates=[_as_printed(certificate) for certificate in figures.certificates])
    return render_pdf(
        "pdf/session_report.html",
        lang=current_language(),
        figures=figures,
        training=training,
        charts=session_charts(figures),
        evaluation=session_section(training),
        organisation_label=organisation_label,
        mark_letters=mark_letters(),
        generated_on=date.today(),
    )


def programme_report_pdf(filters: F.ProgrammeFilters) -> bytes:
    figures = F.programme_figures(filters)
    return render_pdf(
        "pdf/programme_report.html",
        lang=current_language(),
        figures=figures,
        filter_labels=filter_labels(filters),
        charts=programme_charts(figures),
        evaluation=programme_section(figures.trainings),
        organisation_label=organisation_label,
        generated_on=date.today(),
    )


# --- XLSX ---------------------------------------------------------------------------------------------


def _cell(value):
    """Numbers and dates stay typed; everything else becomes neutralised text."""
    if value is None or isinstance(value, (int, float, date)):
        return value
    return spreadsheet_text(str(value))


def _sheet(workbook, title, header, rows, percent_columns=(), widths_from=()):
    """One table on its own sheet: typed cells, bold frozen header row, columns wide enough to read
    (``rows``, or the sample ``widths_from`` of rows written later)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(str(title)[:31])
    sheet.append([_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in header]
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for row in chain(rows, widths_from):
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value) if isinstance(value, str) else 10)
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            if isinstance(cell.value, float):
                cell.number_format = "0.0%"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.sheet_view.rightToLeft = _rtl()
    return sheet


def programme_report_xlsx(filters: F.ProgrammeFilters, progress=None) -> bytes:
    """The programme report as a workbook: a sheet per table of figures, then the participant list, streamed
    (``core.xlsx``) and split over as many sheets as Excel's row limit needs ("Participants", "Participants
    (2)" …). ``progress(done, total)`` is called as participant rows are written."""
    from openpyxl import Workbook

    figures = F.programme_figures(filters)
    totals = figures.totals
    workbook = Workbook()
    workbook.remove(workbook.active)

    _sheet(workbook, _("Summary"), [_("Figure"), _("Value")], [
        *filter_labels(filters),
        (_("Trainings held"), figures.trainings_held),
        (_("Persons trained (unique)"), figures.persons_trained),
        *[(_("Persons trained: %(sex)s", sex=SEX_LABELS[s]), figures.by_sex[s]) for s in SEXES],
        (_("Organisations represented"), figures.entities),
        (_("Participations (attended at least one day)"), totals.attended),
        (_("Person-days of training"), totals.person_days),
        (_("Nominated"), totals.nominated),
        (_("Registered"), totals.registered),
        (_("Confirmed"), totals.confirmed),
        (_("Completed (met the certificate rule)"), totals.completed),
        (_("Certified"), totals.certified),
        (_("Certification rate"), totals.certification_rate),
    ], percent_columns=(1,))
    _sheet(
        workbook, _("Trainings"),
        [_("ID"), _("Title"), _("Start date"), _("End date"), _("City"), _("Country"), _("Nominated"), _("Registered"),
         _("Confirmed"), _("Attended"), pgettext("participant completed the training", "Completed"), _("Certified"),
         _("Person-days"), _("Certification rate")],
        [(training.id, localized(training, "title"), training.start_date, training.end_date, localized(training, "city"), country_name(training.country),
          k.nominated, k.registered, k.confirmed, k.attended, k.completed, k.certified, k.person_days,
          k.certification_rate) for training, k in figures.trainings],
        percent_columns=(13,),
    )
    sex_header = [str(SEX_LABELS[s]) for s in SEXES]
    _sheet(workbook, _("By sex"), [_("Sex"), _("Persons trained")],
           [(SEX_LABELS[s], figures.by_sex[s]) for s in SEXES] + [(_("Total"), figures.persons_trained)])
    _sheet(
        workbook, _("By organisation"), [_("Organisation"), *sex_header, _("Total")],
        [(organisation_label(r.organisation), *[r.by_sex[s] for s in SEXES], r.total) for r in figures.organisations]
        + [(_("Total"), *[figures.by_sex[s] for s in SEXES], figures.persons_trained)],
    )
    _sheet(
        workbook, _("By course"),
        [_("Course"), _("Trainings held"), _("Persons trained (unique)"), _("Participations"), _("Person-days"),
         _("Certified")],
        [(localized(r.course, "title"), r.trainings, r.persons, r.figures.attended, r.figures.person_days,
          r.figures.certified) for r in figures.courses],
    )
    _sheet(
        workbook, _("Recommendations"), [_("Status"), _("Recommendations")],
        [(RECOMMENDATION_STATUS_LABELS[s], figures.recommendations_by_status[s]) for s in RECOMMENDATION_STATUSES]
        + [(_("Total"), sum(figures.recommendations_by_status.values()))],
    )
    _sheet(
        workbook, _("Overdue recommendations"),
        [_("Recommendation"), _("Training"), _("Responsible organisation"), _("Due date"), _("Status"),
         _("Latest update")],
        [(localized(r, "text"), localized(r.training, "title"),
          organisation_label(r.responsible_organisation) if r.responsible_organisation else "", r.due_date,
          RECOMMENDATION_STATUS_LABELS[r.status], r.latest_update.date if r.latest_update else None)
         for r in figures.overdue],
    )
    add_evaluation_sheets(workbook, programme_section(figures.trainings), _sheet)
    header, rows = participant_table(filters)
    total = totals.confirmed  # the rows of the participant list: confirmed registrations of the trainings held
    rows = with_progress(rows, total, progress)
    sample = list(islice(rows, 1000))
    rows = chain(sample, rows)
    streamed = []
    for part in range(xlsx.sheets_needed(total)):
        title = _("Participants") if part == 0 else _("Participants (%(part)d)", part=part + 1)
        sheet = _sheet(workbook, title, header, [], percent_columns=(ATTENDANCE_RATE_COLUMN,), widths_from=sample)
        streamed.append(xlsx.StreamedSheet(sheet, rows, percent_columns=(ATTENDANCE_RATE_COLUMN,)))
    return xlsx.save(workbook, streamed)


# --- participant list (CSV, and a sheet of the programme XLSX) ----------------------------------------


#: the column of ``participant_table`` holding the attendance rate (0..1), shown as a percentage in the XLSX
ATTENDANCE_RATE_COLUMN = 11


def participant_table(filters: F.ProgrammeFilters | None = None, training=None) -> tuple[list, object]:
    """Header and rows of the participant list of one training, or of every training held for ``filters``:
    one row per person and training, streamed (``participants.participant_rows``). Values stay typed and
    text is made safe for a spreadsheet (``spreadsheet_text``)."""
    header = [
        _("Training ID"), _("Training"), _("Start date"), _("Name"), _("Name (Arabic)"), _("Sex"), _("Organisation"),
        _("Position"), _("Email"), _("Registration status"), _("Days attended"), _("Attendance rate"),
        pgettext("participant completed the training", "Completed"), _("Certificate"),
    ]
    organisations = {o.id: o for o in db.session.execute(select(Organisation.id, Organisation.name, Organisation.name_ar))}
    return header, _participant_cells(participant_rows(filters, training), listed_trainings(filters, training), organisations)


def _text(value):
    """``_cell`` of a string or None, at once when there is nothing to change (nearly every name and address)."""
    if value is None or (value.isprintable() and not value.startswith(FORMULA_TRIGGERS)):
        return value
    return spreadsheet_text(value)


def _participant_cells(rows, trainings, organisations):
    """The cells of each of ``rows`` (``participants.participant_rows``), with the training's title and date from
    ``trainings`` (``participants.listed_trainings``) and the organisation's name from ``organisations`` ({id: row
    with name and name_ar}). What repeats (titles, organisations, labels, rates) is made once."""
    labels = {
        **{("sex", s): _cell(str(SEX_LABELS[s])) for s in SEXES},
        **{("status", s): _cell(str(REGISTRATION_STATUS_LABELS[s])) for s in REGISTRATION_STATUSES},
        True: _cell(_("Yes")), False: _cell(_("No")),
    }
    titles, organisation_cells, shares = {}, {}, {}
    for (training_id, name, name_ar, sex, position, email, organisation_id, organisation_other, status, days,
         days_attended, completed, serial) in rows:
        title = titles.get(training_id)
        if title is None:
            listed = trainings[training_id]
            title = titles[training_id] = (_cell(localized(listed, "title")), listed.start_date)
        if organisation_id is not None:
            organisation = organisation_cells.get(organisation_id)
            if organisation is None:
                organisation = organisation_cells[organisation_id] = _cell(localized(organisations[organisation_id], "name"))
        else:
            organisation = _text(organisation_other)
        share = shares.get((days_attended, days))
        if share is None:
            share = shares[(days_attended, days)] = attendance_share(days_attended, days)
        yield [
            training_id, title[0], title[1], _text(name), _text(name_ar), labels[("sex", sex)], organisation,
            _text(position), _text(email), labels[("status", status)], days_attended, share, labels[bool(completed)],
            _text(serial) or "",
        ]


def participants_csv(filters: F.ProgrammeFilters | None = None, training=None, progress=None) -> bytes:
    """The participant list of one training, or of every training held for ``filters``; ``progress(done,
    total)`` is called as rows are written."""
    header, rows = participant_table(filters, training)
    if progress is not None:
        rows = with_progress(rows, participant_count(filters, training), progress)
    return csv_bytes(header, rows)
