"""Language choice and locale-aware formatting: the one place dates, numbers and names are formatted."""
from datetime import date, datetime

from babel import Locale
from flask import current_app, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user

RTL_LANGUAGES = ("ar",)


def select_locale():
    """``?lang=`` (remembered), then the user's profile, then the session, then Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None and getattr(user, "locale", None) in languages:
        return user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return "UTC"


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def text_direction(lang: str | None = None) -> str:
    return "rtl" if (lang or current_language()) in RTL_LANGUAGES else "ltr"


def localized(obj, field: str, lang: str | None = None):
    """The Arabic or English version of ``field`` for the active language, falling back to the other."""
    if obj is None:
        return ""
    lang = lang or current_language()
    english = getattr(obj, field, None)
    arabic = getattr(obj, f"{field}_ar", None)
    if lang == "ar":
        return arabic or english or ""
    return english or arabic or ""


def fmt_date(value, format="medium"):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format)
    return format_date(value, format)


def fmt_date_range(start: date | None, end: date | None) -> str:
    if not start:
        return ""
    if not end or end == start:
        return format_date(start, "long")
    from babel.dates import format_interval

    return format_interval(start, end, "yMMMd", locale=get_locale())


def fmt_number(value):
    return "" if value is None else format_decimal(value)


def fmt_percent(value, decimals=0):
    if value is None:
        return ""
    pattern = "#,##0%" if decimals == 0 else "#,##0." + "0" * decimals + "%"
    return format_percent(value, pattern)


def language_name(code: str) -> str:
    return Locale.parse(code).get_display_name(code)


def init_app(app):
    app.jinja_env.filters.update(
        date=fmt_date, date_range=fmt_date_range, number=fmt_number, percent=fmt_percent, localized=localized
    )

    from .labels import ALL_LABELS

    app.jinja_env.globals.update(ALL_LABELS)

    @app.context_processor
    def inject_language():
        lang = current_language()
        return {
            "current_lang": lang,
            "text_dir": text_direction(lang),
            "localized": localized,
            "other_languages": [(code, language_name(code)) for code in app.config["LANGUAGES"] if code != lang],
        }
