"""The programme report PDF stays cheap to lay out: its long tables (a row per training held) have fixed
columns, since WeasyPrint's automatic table layout measures every cell before placing any and made the report
several times slower (docs/performance.md, programme report)."""
import re

from flask import render_template

from training_mgr import pdf
from training_mgr.reports import documents
from training_mgr.reports.figures import ProgrammeFilters, programme_figures
from training_mgr.seeds.synthetic import seed_synthetic


def programme_report_markup(monkeypatch) -> str:
    """The HTML the programme report PDF is drawn from."""
    drawn = {}

    def keep(template, **context):
        drawn["markup"] = render_template(template, **pdf.template_helpers(), **context)
        return b""

    monkeypatch.setattr(documents, "render_pdf", keep)
    documents.programme_report_pdf(ProgrammeFilters())
    return drawn["markup"]


def body_rows(table: str) -> int:
    body = table.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in table else table
    return body.count("<tr")


def test_tables_with_a_row_per_training_have_fixed_columns(app, monkeypatch):
    seed_synthetic(14, 12, seed=3)
    with app.test_request_context("/?lang=en"):
        held = programme_figures(ProgrammeFilters()).trainings_held
        markup = programme_report_markup(monkeypatch)
    assert held >= 8
    assert re.search(r"table\.data\s*{[^}]*table-layout:\s*fixed", markup), "report tables of class data have fixed layout"
    tables = re.findall(r"<table\b([^>]*)>(.*?)</table>", markup, flags=re.S)
    per_training = [attributes for attributes, table in tables if body_rows(table) == held]
    # Trainings held, and the evaluation of each training
    assert len(per_training) >= 2
    for attributes in per_training:
        assert re.search(r'class="[^"]*\bdata\b', attributes), f"<table{attributes}> lays out every cell twice"


def test_each_overdue_recommendation_reads_as_its_text_then_what_is_known_of_it(app):
    from datetime import date

    from flask_babel import force_locale

    from tests.factories import (
        CompletedTrainingFactory, OrganisationFactory, RecommendationFactory, RecommendationUpdateFactory,
    )
    from tests.pdf_reading import pdftotext_lines

    training = CompletedTrainingFactory(title="Border management", start_date=date(2022, 2, 15))
    ministry = OrganisationFactory(name="Ministry of Interior")
    late = RecommendationFactory(training=training, text="Adopt procedures to refer vulnerable persons.", status="in_progress",
                                 responsible_organisation=ministry, due_date=date(2022, 6, 1))
    RecommendationUpdateFactory(recommendation=late, date=date(2022, 5, 18))
    RecommendationFactory(training=training, text="Train female officers at every crossing point.", status="agreed",
                          responsible_organisation=None, due_date=date(2022, 7, 1))
    with force_locale("en"):
        text = " ".join(" ".join(pdftotext_lines(documents.programme_report_pdf(ProgrammeFilters()))).split())
    section = text[text.index("Overdue recommendations"):]
    assert ("Adopt procedures to refer vulnerable persons. Training: Border management · Responsible organisation: "
            "Ministry of Interior · Due date: Jun 1, 2022 · Status: In progress · Latest update: May 18, 2022") in section
    assert ("Train female officers at every crossing point. Training: Border management · Responsible organisation: — · "
            "Due date: Jul 1, 2022 · Status: Agreed · Latest update: —") in section


def test_an_arabic_due_date_stays_in_its_column_of_the_session_report(app):
    """"31 كانون الأول 2022" is wider than "Dec 31, 2022" and cannot break (a date never does in a PDF): its column
    leaves room for it, so it does not run into the status beside it."""
    import io
    from datetime import date

    import pdfplumber

    from tests.factories import CompletedTrainingFactory, RecommendationFactory

    training = CompletedTrainingFactory(start_date=date(2022, 2, 15))
    RecommendationFactory(training=training, text="Adopt procedures.", status="in_progress", due_date=date(2022, 12, 31))
    with app.test_request_context("/?lang=ar"):
        report = documents.session_report_pdf(training)
    in_progress = "قيد"[::-1]  # pdfplumber gives Arabic words in the order they are drawn (right to left)
    with pdfplumber.open(io.BytesIO(report)) as document:
        words = [w for page in document.pages for w in page.extract_words()]
    status = next(w for w in words if w["text"] == in_progress)
    year = next(w for w in words if w["text"].startswith("2022") and abs(w["top"] - status["top"]) < 3)
    # right to left: the due date's column lies to the right of the status's; the date must end before the status
    assert year["x0"] > status["x1"] + 2, (year, status)
