"""Pieces shared by the forms of every feature: field-aware service errors, filters and choice lists."""
import zoneinfo
from functools import cache

from flask import flash
from flask_babel import get_locale, gettext as _


class FieldError(ValueError):
    """A rule refused the request. The message is shown to the user, beside ``field`` when the form has it."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def show_error(form, error: FieldError) -> None:
    """Put a service's error beside its field, or in a flash message when the form has no such field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error)]
    else:
        flash(str(error), "danger")


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
