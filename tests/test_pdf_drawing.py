"""What drawing a PDF costs that no reader sees: styles computed for pseudo-elements nothing draws, and the
garbage collector walking the layout over and over (docs/performance.md, report drawing)."""
import gc

import pytest
from flask_babel import force_locale
from weasyprint import document as weasyprint_document

from tests.factories import CompletedTrainingFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines, plumber_lines
from training_mgr import pdf
from training_mgr.reports.documents import session_report_pdf


@pytest.fixture
def computed_styles(monkeypatch):
    """The styles WeasyPrint computes for the next document: {(element, pseudo-element or None): style}."""
    kept = {}
    compute = weasyprint_document.get_all_computed_styles

    def keep(*args, **kwargs):
        style_for = compute(*args, **kwargs)
        kept.update(style_for.get_computed_styles())
        return style_for

    monkeypatch.setattr(weasyprint_document, "get_all_computed_styles", keep)
    return kept


def test_only_list_items_get_a_pseudo_element_style(people, computed_styles):
    training = CompletedTrainingFactory(officers=[people.officer])
    for n in range(6):
        attended(training, ["present", "late", "absent"], participant=ParticipantFactory(name=f"Person {n}"))
    with force_locale("ar"):
        report = session_report_pdf(training)
    elements = [element for element, pseudo in computed_styles if pseudo is None]
    pseudo = [(element.tag, kind) for element, kind in computed_styles if kind is not None]
    assert len(elements) > 200
    # WeasyPrint's own stylesheet gives every element six: ::marker, ::footnote-call, ::note-call …
    assert {kind for _tag, kind in pseudo} <= {"marker"} and {tag for tag, _kind in pseudo} <= {"li"}, pseudo[:5]
    definitions = [line for line in pdftotext_lines(report) if line.startswith("•")]
    assert definitions, "the evaluation's definitions keep their bullets"


def test_a_list_keeps_its_bullets_and_numbers(app):
    html = pdf._html_class()(string="<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>")
    assert pdftotext_lines(html.write_pdf()) == ["• one", "• two", "1. first", "2. second"]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(people, enabled):
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3)
    (gc.enable if enabled else gc.disable)()
    try:
        with force_locale("en"):
            assert session_report_pdf(training).startswith(b"%PDF")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_a_figure_alone_in_a_cell_of_figures_gets_no_span_of_its_own_a_range_still_does():
    from training_mgr import pdf_text

    cells = ['<td class="num">1,234</td>', '<td class="num">67%</td>', '<td class="num">15–17</td>', "<td>80%</td>"]
    body = pdf_text.isolate_directions(f"<html><head></head><body><table><tr>{''.join(cells)}</tr></table>")
    assert '<td class="num">1,234</td><td class="num">67%</td>' in body  # left to right on one line by the style
    assert '<td class="num"><span class="number">15–17</span></td>' in body  # 17–15 read right to left otherwise
    assert '<td><span class="number">80%</span></td>' in body


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_names_in_the_other_script_keep_their_order_in_cells_without_a_box_of_their_own(people, lang, monkeypatch):
    from flask import render_template

    from tests.factories import OrganisationFactory
    from training_mgr.reports import documents

    training = CompletedTrainingFactory(officers=[people.officer])
    # (a name ending in a full stop: neutral at the end of a right-to-left line, it would move to the line's start)
    authority = OrganisationFactory(name="Civil Aviation Authority, ICAA.", name_ar=None)
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Huda Saleh.", name_ar="هدى صالح",
                                                                       organisation=authority))
    with force_locale(lang):
        report = session_report_pdf(training)
        markup = {}
        monkeypatch.setattr(documents, "render_pdf", lambda template, **context: markup.setdefault(
            "html", pdf.pdf_text.isolate_directions(render_template(template, **pdf.template_helpers(), **context))))
        session_report_pdf(training)
    drawn = plumber_lines(report)  # glyph by glyph as drawn (poppler reorders a Latin line of an Arabic page itself)
    assert drawn.count("Civil Aviation Authority, ICAA.") == 2, [line for line in drawn if "ICAA" in line]  # 2 tables
    assert ("هدى صالح" if lang == "ar" else "Huda Saleh.") in drawn
    rows = markup["html"].split("<tbody>", 1)[1]
    assert '<td class="own-dir" dir="ltr">Civil Aviation Authority, ICAA.</td>' in rows
    assert "<bdi" not in rows.split("</table>", 1)[0]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_figures_line_up_at_the_end_of_their_column(people, lang):
    import io

    import pdfplumber

    from tests.factories import OrganisationFactory

    training = CompletedTrainingFactory(officers=[people.officer])
    for name, women, men in (("Alpha", 10, 2), ("Bravo", 1, 0)):
        organisation = OrganisationFactory(name=f"{name} Agency", name_ar=None)
        for n in range(women + men):
            attended(training, ["present"] * 3, participant=ParticipantFactory(
                sex="female" if n < women else "male", organisation=organisation))
    with force_locale(lang):
        report = session_report_pdf(training)
    with pdfplumber.open(io.BytesIO(report)) as document:
        words = document.pages[0].extract_words()

    def women(name):  # the organisation's first figure, by sex and organisation: the women's
        first = next(w for w in words if w["text"] == name)
        figures = sorted((w for w in words if abs(w["top"] - first["top"]) < 3 and w["text"].isdigit()),
                         key=lambda w: w["x0"], reverse=lang == "ar")
        return figures[0]

    alpha, bravo = women("Alpha"), women("Bravo")
    assert (alpha["text"], bravo["text"]) == ("10", "1")
    if lang == "en":  # at the right, where an English line ends
        assert abs(alpha["x1"] - bravo["x1"]) < 1 and alpha["x0"] < bravo["x0"] - 2
    else:  # at the left, where an Arabic line ends
        assert abs(alpha["x0"] - bravo["x0"]) < 1 and alpha["x1"] > bravo["x1"] + 2
