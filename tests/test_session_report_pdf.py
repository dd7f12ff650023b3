"""The session report PDF, read back: the certificate rule printed and both attendance figures named, the key
figures on the first page, and every table inside the margins in Arabic as in English."""
import io
from datetime import date

import pdfplumber
import pytest
from flask_babel import force_locale

from tests.factories import (
    CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory,
    RecommendationUpdateFactory, attended,
)
from tests.pdf_reading import is_rtl, pdftotext_lines
from training_mgr.core.labels import MARK_LABELS
from training_mgr.reports.documents import mark_letters, session_report_pdf

MARGIN_PT = 14 / 25.4 * 72  # the report's left and right page margins (templates/pdf/_report_style.html)


@pytest.fixture
def training(people):
    training = CompletedTrainingFactory(officers=[people.officer], title_ar="إدارة الحدود", cert_min_attendance=80,
                                        cert_excused_excluded=True, cert_late_counts=True)
    attended(training, ["present", "present", "excused"],
             participant=ParticipantFactory(name="Layla Excused", name_ar="ليلى"))
    attended(training, ["present", "absent", "absent"], participant=ParticipantFactory(name="Omar Absent", name_ar="عمر"))
    ministry = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    for n in range(4):
        recommendation = RecommendationFactory(
            training=training, responsible_organisation=ministry, due_date=date(2023, 12, 31),
            text=f"Adopt standard operating procedures to identify and refer vulnerable persons {n}, including victims "
                 "of trafficking, at border crossing points, with interinstitutional coordination mechanisms.",
            text_ar=None)
        RecommendationUpdateFactory(recommendation=recommendation, date=date(2022, 5, 18),
                                    note="Working group formed with IOM support; draft procedures circulated.")
    return training


def test_each_participant_shows_both_rates_named_and_the_rule_is_printed(training):
    with force_locale("en"):
        report = session_report_pdf(training)
    text = " ".join(" ".join(pdftotext_lines(report)).split())
    assert "At least 80% of the days attended; excused days are not counted; late days count as attended." in text
    with pdfplumber.open(io.BytesIO(report)) as document:
        words = [dict(word, page=n) for n, page in enumerate(document.pages) for word in page.extract_words()]
    assert [w["text"] for w in words].count("Rate,") == 2  # two rates, named ("Rate, all days", "…the rule counts")

    def row(name):
        first = next(w for w in words if w["text"] == name)
        return [w["text"] for w in words if w["page"] == first["page"] and abs(w["top"] - first["top"]) < 3]

    # two of three days attended, the excused one left out by the rule: 67% of all days, 100% of those counted
    assert row("Layla")[-3:] == ["67%", "100%", "Yes"], row("Layla")
    assert row("Omar")[-3:] == ["33%", "33%", "No"], row("Omar")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_participant_has_a_letter_a_day_in_date_order_and_the_key_is_printed(training, lang):
    marks = {"Sami": ("late", "present", None), "Rana": ("present", "excused", "absent")}
    for name, days in marks.items():
        attended(training, [mark for mark in days if mark],
                 participant=ParticipantFactory(name=f"{name} Person", name_ar=None))
    with force_locale(lang):
        report = session_report_pdf(training)
        letters, labels = mark_letters(), {mark: str(label) for mark, label in MARK_LABELS.items()}
    with pdfplumber.open(io.BytesIO(report)) as document:
        words = [dict(word, page=n) for n, page in enumerate(document.pages) for word in page.extract_words()]
    for name, days in marks.items():
        first = next(w for w in words if w["text"] == name)
        row = sorted((w for w in words if w["page"] == first["page"] and abs(w["top"] - first["top"]) < 3),
                     key=lambda w: w["x0"])
        shown = [w["text"] for w in row if w["text"] in letters.values()]
        if is_rtl("".join(shown)):  # letters of a right-to-left script are drawn from the right
            shown.reverse()
        assert shown == [letters[mark] for mark in days], [w["text"] for w in row]
    text = " ".join(" ".join(pdftotext_lines(report)).split())
    if lang == "en":
        assert "P Present · L Late · E Excused · A Absent · — not marked" in text
    else:  # each "letter label" of the key is isolated; a reader orders a Latin letter before Arabic words its own way
        assert all(letters[mark] in text and labels[mark] in text for mark in labels)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_first_page_is_filled_and_every_table_stays_inside_the_margins(training, lang):
    with force_locale(lang):
        report = session_report_pdf(training)
    with pdfplumber.open(io.BytesIO(report)) as document:
        first = document.pages[0]
        body = [c for c in first.chars if c["bottom"] < first.height - 40]  # not the page number
        assert max(c["bottom"] for c in body) > first.height * 2 / 3, "the first page is mostly blank"
        for number, page in enumerate(document.pages, start=1):
            outside = [c["text"] for c in page.chars
                       if c["x0"] < MARGIN_PT - 2 or c["x1"] > page.width - MARGIN_PT + 2]
            assert not outside, (lang, number, "".join(outside))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_participant_without_an_organisation_has_an_empty_cell_not_none(people, lang):
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(
        name="Nour Unaffiliated", name_ar="نور", organisation=None, organisation_other=None))
    with force_locale(lang):
        report = session_report_pdf(training)
    assert "None" not in " ".join(pdftotext_lines(report))


def test_the_organisers_read_as_an_arabic_list(people):
    from training_mgr.extensions import db
    from training_mgr.trainings.models import SessionOrganiser

    organisations = [OrganisationFactory(name="IOM", name_ar="المنظمة الدولية للهجرة"),
                     OrganisationFactory(name="UNOCT", name_ar="مكتب مكافحة الإرهاب")]
    training = CompletedTrainingFactory(officers=[people.officer])
    for n, organisation in enumerate(organisations):
        training.organisers.append(SessionOrganiser(organisation=organisation, role="co_organiser", position=n + 1))
    db.session.commit()
    with force_locale("ar"):
        text = " ".join(" ".join(pdftotext_lines(session_report_pdf(training))).split())
    assert "المنظمة الدولية للهجرة و" in text and "للهجرة;" not in text  # "A وB" (the locale's list), no Latin ";"
