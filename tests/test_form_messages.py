"""WTForms' own validator messages ("Field cannot be longer than 200 characters.") are in the page's language:
WTForms' Arabic catalogue where it has them, else the app's catalogue, which holds the ones it lacks."""
import os
from types import SimpleNamespace

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from babel.support import Translations
from wtforms.i18n import messages_path

import training_mgr.core.forms as core_forms
from tests.test_translations import KEYWORDS

LONGER = ("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.")


def facilitator_form(client, people, **values):
    data = {"name": "Dr. Layla Hasan", "name_ar": "", "title": "", "title_ar": "", "organisation_id": "0",
            "email": "", "bio": "", **values}
    return client.post(f"/officer/trainings/{people.training.id}/agenda/facilitators?lang=ar", data=data)


def test_a_too_long_field_on_an_arabic_page_is_refused_in_arabic(app, people, login, monkeypatch):
    arabic = "لا يجوز أن يزيد الحقل على %(max)d حرفًا."
    app_catalogue = SimpleNamespace(  # the app's Arabic catalogue as the translation pass will fill it
        ugettext=lambda string: string,
        ungettext=lambda singular, plural, n: arabic if plural == LONGER[1] else plural)
    monkeypatch.setattr(core_forms, "get_translations", lambda: app_catalogue)
    page = facilitator_form(login(people.officer), people, name="x" * 201).get_data(as_text=True)
    assert "لا يجوز أن يزيد الحقل على 200 حرفًا." in page
    assert "Field cannot be longer than" not in page


def test_wtforms_own_arabic_messages_are_used_where_it_has_them(app, people, login):
    page = facilitator_form(login(people.officer), people, name="").get_data(as_text=True)
    assert "هذا الحقل مطلوب." in page and "This field is required." not in page


def test_every_message_wtforms_arabic_catalogue_lacks_is_in_the_apps_catalogue():
    ar = Translations.load(messages_path(), ["ar"], domain="wtforms")
    with open(os.path.join(messages_path(), "wtforms.pot"), "rb") as pot:
        messages = [m.id for m in read_po(pot) if m.id and m.id != "Choices cannot be None."]
    lacking = {m for m in messages if (ar.ungettext(*m, 5) == m[1] if isinstance(m, tuple) else ar.ugettext(m) == m)}
    extracted = {tuple(message) if isinstance(message, (tuple, list)) else message
                 for _line, message, _comments, _context in extract_from_file("python", core_forms.__file__,
                                                                              keywords=KEYWORDS)}
    assert lacking and lacking <= extracted
