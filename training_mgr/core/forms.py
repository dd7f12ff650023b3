"""Pieces shared by the forms of every feature: the form base classes, filters and choice lists (the
field-aware service errors are ``core.domain``)."""
import zoneinfo
from contextlib import contextmanager
from functools import cache, partial

import flask_wtf
import wtforms
from flask import flash
from flask_babel import get_locale, get_translations, gettext as _, lazy_gettext as _l, lazy_ngettext
from flask_wtf.i18n import translations as wtforms_catalogue
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from .domain import DomainError, Outcome, show_error
from .text import clean_text, has_stray_controls


def no_stray_controls(form, field):
    """Validator: refuse an answer that was sent with a control character other than white space or a line
    break (NUL, ESC …), which ``clean_text`` would otherwise have removed unseen (see ``core.text``)."""
    if any(has_stray_controls(value) for value in field.raw_data or ()):
        raise ValidationError(_l("This answer contains characters that are not allowed."))


class CleanTextMeta:
    """Form meta: every text field gets ``clean_text`` as its first filter, before the field's own filters and
    before validation, and ``no_stray_controls`` as its first validator, so no form can forget them.

    Text fields are ``StringField`` and its subclasses (search, e-mail, telephone, hidden …): one line;
    ``TextAreaField``: several lines. Passwords are left exactly as typed (the hash must match what was set).
    """

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.filters = (partial(clean_text, multiline=isinstance(field, TextAreaField)), *field.filters)
            field.validators = (no_stray_controls, *field.validators)
        return field


#: WTForms' validator messages that its own Arabic catalogue lacks ("Field cannot be longer than 200 characters."),
#: marked here so that they are extracted into the app's catalogue and translated with the rest
WTFORMS_MESSAGES = (
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
    _l("Date must be at least %(min)s."), _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."), _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."), _l("Not a valid time value."), _l("Not a valid week value."),
)


class ValidatorMessages:
    """The translations WTForms' built-in validators and fields use for their messages, in the request's language:
    the app's catalogue first (``WTFORMS_MESSAGES``), then WTForms' own catalogues (as Flask-WTF loads them)."""

    def gettext(self, string):
        translated = get_translations().ugettext(string)
        return translated if translated != string else wtforms_catalogue.gettext(string)

    def ngettext(self, singular, plural, n):
        translated = get_translations().ungettext(singular, plural, n)
        return translated if translated not in (singular, plural) else wtforms_catalogue.ngettext(singular, plural, n)


class TranslatedMessagesMeta:
    """Form meta: WTForms' own messages ("This field is required.", "Field cannot be longer than …") in the
    request's language (``ValidatorMessages``), for query-string forms too."""

    def get_translations(self, form):
        return ValidatorMessages()


class FlaskForm(flask_wtf.FlaskForm):
    """The base of every posted form (CSRF-protected, from Flask-WTF) with typed text cleaned (``CleanTextMeta``)."""

    class Meta(CleanTextMeta, TranslatedMessagesMeta):
        pass


class Form(wtforms.Form):
    """The base of every form read from the query string (filters and searches: no CSRF token), text cleaned too."""

    class Meta(CleanTextMeta, TranslatedMessagesMeta):
        pass


#: the domain error (``core.domain``) under the name the form modules first gave it
FieldError = DomainError


def flash_saved(changes, saved_message) -> None:
    """After an edit form is saved: ``saved_message`` when something changed, else that nothing was."""
    if changes:
        flash(saved_message, "success")
    else:
        flash(_("Nothing was changed."), "info")


def form_values(form, exclude=()) -> dict:
    """The form's data as plain values for a service, without the submit button and CSRF token.

    An empty answer (a blank choice, an empty box) becomes None.
    """
    skip = {"submit", "csrf_token", *exclude}
    return {name: (None if value == "" else value) for name, value in form.data.items() if name not in skip}


def optional_int(value):
    """Coerce for a select whose blank choice means "none"."""
    return int(value) if value not in (None, "", "None") else None


def strip(value):
    """Filter: surrounding white space removed; an empty answer becomes None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


#: the years a typed date and time (a ``datetime-local`` field) may fall in: outside them a local time may have no
#: UTC time at all (midnight on 1 January of year 1 east of Greenwich), and no training is planned there
WALL_CLOCK_YEARS = (2000, 2999)


def wall_clock_year(form, field):
    """Validator of a ``DateTimeLocalField``: its year within ``WALL_CLOCK_YEARS`` (the message beside the field)."""
    if field.data and not WALL_CLOCK_YEARS[0] <= field.data.year <= WALL_CLOCK_YEARS[1]:
        raise ValidationError(_l("Choose a date between %(first)s and %(last)s.", first=WALL_CLOCK_YEARS[0],
                                 last=WALL_CLOCK_YEARS[1]))


#: two-letter codes in Babel's territory list that are not countries
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB"}


def country_choices(blank_label=""):
    """(ISO 3166-1 alpha-2 code, name in the active language), sorted by name."""
    locale = get_locale()
    names = {
        code: name for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }
    return [("", blank_label)] + sorted(names.items(), key=lambda item: item[1])


def is_country_code(code: str | None) -> bool:
    return code is None or (len(code) == 2 and code.isalpha() and code.isupper())


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in zoneinfo.available_timezones() if name == "UTC" or ("/" in name and not name.startswith("Etc/"))))


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in timezone_names()]


class ChoosesSheet:
    """Mixin of an upload form whose workbook may hold several sheets: the ``sheet`` to read, offered once an upload
    was refused for want of it (``shows_upload_errors``). Free text: each upload is checked against its own sheets."""

    sheet = wtforms.SelectField(_l("Sheet that holds the list"), choices=[], validate_choice=False,
                                description=_l("Choose the sheet, then the file again."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sheet.data:  # a sheet chosen and sent again: still shown, chosen
            self.sheet.choices = [("", _("Choose a sheet")), (self.sheet.data, self.sheet.data)]


@contextmanager
def shows_upload_errors(form):
    """``core.domain.shows_domain_errors`` for an upload form (``file``, and ``sheet`` from ``ChoosesSheet``): an
    error that names the workbook's ``sheets`` (several, none named as the template's) is shown beside ``sheet``,
    which then offers them, the one chosen kept; any other error beside ``file``. Yields an ``Outcome``."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        outcome.error = error
        sheets = getattr(error, "sheets", ())
        if sheets:
            form.sheet.choices = [("", _("Choose a sheet")), *[(title, title) for title in sheets]]
        show_error(form.sheet if sheets else form.file, error)


class OfficersForm(FlaskForm):
    """The programme officers who manage a record (a course or a training): tick any number."""

    officer_ids = wtforms.SelectMultipleField(
        _l("Managing officers"), coerce=int, choices=[],
        widget=wtforms.widgets.ListWidget(prefix_label=False), option_widget=wtforms.widgets.CheckboxInput(),
    )
    submit = wtforms.SubmitField(_l("Save officers"))

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.officer_ids.choices = [(u.id, f"{u.display_name} <{u.email}>") for u in officers]
