"""What drawing a PDF costs that no reader sees: styles computed for pseudo-elements nothing draws, and the
garbage collector walking the layout over and over (docs/performance.md, report drawing)."""
import gc

import pytest
from flask_babel import force_locale
from weasyprint import document as weasyprint_document

from tests.factories import CompletedTrainingFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines
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
