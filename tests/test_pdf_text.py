"""Every PDF's text reads back as it was stored: copy, search and screen readers get the names as typed,
whatever ligatures (lam–alef, lam–kaf, lam–meem), hamza forms, tashkeel or tatweel the fonts draw."""
import pytest
from flask_babel import force_locale

from tests.factories import CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines, plumber_lines
from training_mgr.attendance.services import sign_in_sheet_pdf
from training_mgr.certificates import services
from training_mgr.extensions import db
from training_mgr.reports.documents import session_report_pdf
from training_mgr.trainings.models import SessionOrganiser

ARABIC_NAMES = [
    "أحمد المالكي",  # lam–kaf, the case poppler read as الماللكي
    "علي الكرخي",  # lam–kaf after the article
    "سلام الحلبي",  # lam–alef
    "لؤي الأنصاري",  # lam–alef with hamza, waw with hamza
    "آلاء الملا",  # alef madda, lam–alef, lam–meem
    "إيمان البلداوي",  # alef with hamza below
    "عبدالله الكبيسي",  # the word Allah, lam–kaf
    "هيئة شيء",  # yeh with hamza, lone hamza
    "مُحَمَّد عَلِيّ",  # tashkeel, a shadda at a word's end
    "عبـــد الرحمن",  # tatweel
    "ليلى مصطفى",  # alef maqsura
    "كمال لمى",  # kaf–alef, lam–meem
]
LATIN_NAMES = [
    "Zoë Ångström-Núñez", "François Müller", "Đặng Thị Ngọc", "Łukasz Żółć", "O'Brien-Smith",
    "Søren Ólafsson", "İbrahim Çelik", "Chloé Lefèvre", "Jürgen Groß", "Ahmed Al-Maliki", "Renée Dvořák",
    "Nguyễn Văn Đức",
]


def assert_reads_back(data: bytes, expected: list[str], *, whole_lines=True):
    """Each expected text is one whole line (or, in a table, part of one) for pdftotext and for pdfplumber."""
    for reader in (pdftotext_lines, plumber_lines):
        lines = reader(data)
        missing = [text for text in expected if (text not in lines if whole_lines else not any(text in line for line in lines))]
        assert not missing, (reader.__name__, missing, lines)


@pytest.fixture
def training(people):
    training = CompletedTrainingFactory(officers=[people.officer], title="Border management",
                                        title_ar="إدارة الحدود والمنافذ الدولية")
    host = OrganisationFactory(name="Al-Nahrain Centre", name_ar="مركز النهرين للدراسات الاستراتيجية", kind="institute")
    db.session.add(SessionOrganiser(training=training, role="host", organisation=host))
    db.session.commit()
    for name, name_ar in zip(LATIN_NAMES, ARABIC_NAMES):
        attended(training, ["present"] * 3, participant=ParticipantFactory(name=name, name_ar=name_ar))
    return training


def test_certificates_read_back_the_names_as_stored(training, people):
    issued, _ = services.issue_certificates(training, by_user=people.officer)
    assert len(issued) == len(ARABIC_NAMES)
    for certificate in issued:
        person = certificate.registration.participant
        assert_reads_back(certificate.pdf, [person.name, person.name_ar, "شهادة إتمام", "نشهد بأنّ",
                                            "إدارة الحدود والمنافذ الدولية", "مركز النهرين للدراسات الاستراتيجية"])


def test_the_arabic_session_report_and_the_sign_in_sheet_read_back_the_names(training, app):
    with force_locale("ar"):
        report = session_report_pdf(training)
        sheet = sign_in_sheet_pdf(training, training.days[0])
    assert_reads_back(report, ARABIC_NAMES + ["مركز النهرين للدراسات الاستراتيجية"], whole_lines=False)
    assert_reads_back(sheet, ARABIC_NAMES + LATIN_NAMES, whole_lines=False)


def test_badges_read_back_the_names(training, app):
    from training_mgr.checkin.badges import badges_pdf

    assert_reads_back(badges_pdf(training, "single"), ARABIC_NAMES + LATIN_NAMES, whole_lines=False)


def test_in_arabic_pages_english_sentences_keep_their_full_stop_and_dates_do_not_wrap(training, app):
    import io
    from datetime import date

    import pdfplumber

    from tests.factories import RecommendationFactory, RecommendationUpdateFactory

    recommendation = RecommendationFactory(training=training, text="Share the module with the Police Academy for review.",
                                           text_ar=None, due_date=date(2023, 12, 31))
    RecommendationUpdateFactory(recommendation=recommendation, date=date(2022, 10, 3),
                                note="Draft module shared with the Police Academy for review.")
    with force_locale("ar"):
        report = session_report_pdf(training)
    with pdfplumber.open(io.BytesIO(report)) as document:
        pages = [(page.chars, page.extract_words(use_text_flow=True)) for page in document.pages]
    found = 0
    for chars, words in pages:
        for i, char in enumerate(chars[:-1]):
            if char["text"] == "w" and chars[i - 1]["text"] == "e" and chars[i + 1]["text"] == ".":  # "review."
                assert abs(chars[i + 1]["x0"] - char["x1"]) < 1, "the full stop left its sentence"
                found += 1
    assert found == 2  # the recommendation and its update
    # each date on one line (poppler orders the runs of a line of mixed directions its own way: look for the parts)
    lines = pdftotext_lines(report)
    for day in ("31 كانون الأول 2023", "3 تشرين الأول 2022"):  # the due date and the update's, month named, unbroken
        assert any(all(part in line for part in day.split()) for line in lines), day
    assert not any("2023/12/31" in line or "31/12/2023" in line for line in lines)  # no numeric date to misread
