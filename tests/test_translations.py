"""The Arabic catalogue is complete, current with the code, and used by the app."""
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
ARABIC_PO = ROOT / "training_mgr" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
#: the same keywords as scripts/translations.sh extract
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "_counted": (1, 2)}


@pytest.fixture(scope="module")
def arabic():
    with ARABIC_PO.open("rb") as fh:
        return read_po(fh, locale="ar")


def _messages(catalog):
    return [m for m in catalog if m.id]


def _key(message_id):
    return message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def extract_messages_from_code():
    """Every msgid in the code and templates, extracted with babel.cfg as pybabel does."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    return {
        _key(message_id): filename
        for filename, _lineno, message_id, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True,
            directory_filter=_searched_directory,
        )
    }


def _searched_directory(path) -> bool:
    """Like ``--ignore-dirs`` in scripts/translations.sh: every folder (templates/_macros too) but hidden ones."""
    name = Path(path).name
    return not name.startswith(".") and name not in ("__pycache__", "node_modules")


def test_every_arabic_message_is_translated_and_not_fuzzy(arabic):
    missing, fuzzy = [], []
    for message in _messages(arabic):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            missing.append(_key(message.id))
        if message.fuzzy:
            fuzzy.append(_key(message.id))
    assert not missing, f"{len(missing)} Arabic messages have no translation: {missing[:20]}"
    assert not fuzzy, f"{len(fuzzy)} Arabic messages are fuzzy: {fuzzy[:20]}"


def test_arabic_catalogue_has_six_plural_forms_and_every_plural_is_complete(arabic):
    assert arabic.num_plurals == 6
    for message in _messages(arabic):
        if message.pluralizable:
            assert len(message.string) == 6, message.id


def test_translations_keep_the_placeholders(arabic):
    problems = [(_key(message.id), [str(e) for e in errors]) for message, errors in arabic.check()]
    assert not problems, problems


def test_catalogue_is_up_to_date_with_the_code(arabic):
    in_code = extract_messages_from_code()
    translated = {_key(m.id) for m in _messages(arabic)}
    new = sorted(msgid for msgid in in_code if msgid not in translated)
    assert not new, (
        f"{len(new)} messages in the code are not in the Arabic catalogue "
        f"(run scripts/translations.sh update, then translate): {[(m, in_code[m]) for m in new[:20]]}"
    )


def test_pages_are_served_in_arabic(client):
    page = client.get("/login?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "تسجيل الدخول" in page and "كلمة المرور" in page
    assert "Password" not in page


def test_pages_stay_english_by_default(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert "Password" in page and "كلمة المرور" not in page


def test_browser_language_is_the_fallback(client):
    page = client.get("/login", headers={"Accept-Language": "ar-IQ,ar;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_the_chosen_language_is_remembered_for_the_visit(client):
    client.get("/?lang=ar")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    client.get("/login?lang=en")
    assert '<html lang="en" dir="ltr">' in client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)


def test_the_chosen_language_goes_into_the_profile_and_the_e_mail_language(app, people, login):
    from training_mgr.audit.models import AuditEntry
    from training_mgr.extensions import db

    user = people.participant
    user.locale = user.participant.locale = "en"
    db.session.commit()
    client = login(user)
    client.get("/?lang=ar")
    db.session.expire_all()
    assert user.locale == "ar" and user.participant.locale == "ar"
    assert db.session.query(AuditEntry).filter_by(action="user.language", object_type="User", object_id=user.id).count() == 1
    # a later visit, in a new browser, speaks Arabic from the profile
    assert '<html lang="ar" dir="rtl">' in login(user).get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_language_switch_keeps_the_page_and_its_query(client):
    page = client.get("/?q=border&lang=en").get_data(as_text=True)
    assert 'href="/?q=border&amp;lang=ar"' in page


def test_dates_and_numbers_follow_the_language(app):
    from datetime import date

    from flask_babel import force_locale

    from training_mgr.core.i18n import country_name, fmt_date, fmt_date_range, fmt_number, fmt_percent

    with app.test_request_context():
        with force_locale("ar"):  # Arabic as Iraqi institutions write it: شباط, not فبراير
            assert fmt_date_range(date(2022, 2, 15), date(2022, 2, 17)) == "15–17 شباط 2022"
            assert fmt_date(date(2022, 2, 15), "long") == "15 شباط 2022"
            assert fmt_percent(0.85) == "85%"
            assert country_name("IQ") == "العراق"
        with force_locale("en"):
            assert fmt_date_range(date(2022, 2, 15), date(2022, 2, 17)) == "Feb 15\u2009–\u200917, 2022"
            assert fmt_number(12345) == "12,345"


def _pdf_text(data: bytes) -> str:
    """The text of a PDF as pypdf extracts it, without the invisible direction marks."""
    import io
    import re

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def test_reports_and_sign_in_sheets_follow_the_language_with_arabic_in_reading_order(people, login):
    from tests.factories import CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, attended

    training = CompletedTrainingFactory(
        title="Human Rights at International Borders", title_ar="حقوق الإنسان على الحدود الدولية",
        officers=[people.officer],
    )
    ministry = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    attended(training, ["present", "present", "late"],
             participant=ParticipantFactory(name="Ahmed Al-Rubaie", name_ar="أحمد الربيعي", organisation=ministry))
    client = login(people.officer)

    report = client.get(f"/officer/trainings/{training.id}/report.pdf?lang=ar")
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    text = _pdf_text(report.data)
    # the letters of every Arabic word come out in reading order, not reversed as drawn
    for words in ("تقرير الدورة التدريبية", "حقوق الإنسان على الحدود الدولية", "مكان الانعقاد", "وزارة الداخلية", "شباط"):
        assert words in text, words
    assert "Training report" not in text

    english = _pdf_text(client.get(f"/officer/trainings/{training.id}/report.pdf?lang=en").data)
    assert "Training report" in english and "Feb" in english

    day = training.days[0]
    sheet = client.get(f"/officer/trainings/{training.id}/attendance/days/{day.id}/sign-in-sheet.pdf?lang=ar")
    assert sheet.status_code == 200
    text = _pdf_text(sheet.data)
    assert "استمارة توقيع الحضور" in text and "أحمد الربيعي" in text and "Ahmed Al-Rubaie" in text


def test_switching_language_on_a_get_form_does_not_submit_it(client):
    page = client.get("/verify?lang=ar").get_data(as_text=True)
    assert 'role="alert"' not in page and "aria-invalid" not in page


def test_the_language_switch_keeps_repeated_query_values(client):
    page = client.get("/?city=Baghdad&city=Erbil").get_data(as_text=True)
    assert "city=Baghdad&amp;city=Erbil&amp;lang=ar" in page
