"""Language choice and locale-aware formatting: the one place dates, numbers and names are formatted."""
from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, dates, lists, numbers
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup, escape

from .signals import language_chosen

RTL_LANGUAGES = ("ar",)
#: regional conventions each language is formatted with: Arabic as written in Iraq, whose
#: institutions name the months كانون الثاني، شباط، آذار … rather than يناير، فبراير، مارس …
FORMAT_LOCALES = {"ar": "ar_IQ"}
#: the date form shown where a page asks for the "medium" one, in the languages whose Babel medium form is not what
#: their readers expect: Arabic's is numeric (16‏/02‏/2022), read day first or month first from one reader to the
#: next; its long form names the month (16 شباط 2022), as Arabic letters and documents write dates
MEDIUM_DATE_FORMS = {"ar": "long"}


def select_locale():
    """One rule before and after logging in: an explicit choice (``?lang=`` now, or remembered in the session),
    then the account's preference, then the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # services called from the CLI or tests speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    if session.get("lang") in languages:  # chosen with ?lang= earlier, before or after logging in
        return session["lang"]
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None and getattr(user, "locale", None) in languages:
        return user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language_choice():
    """``?lang=`` on any page: kept in the session, and in the profile of the logged-in user (``language_chosen``)."""
    asked = request.args.get("lang")
    if asked not in current_app.config["LANGUAGES"]:
        return
    session["lang"] = asked
    if current_user.is_authenticated and current_user.locale != asked:
        language_chosen.send(current_user._get_current_object(), lang=asked)


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


def formatting_locale() -> Locale:
    """The active language with its regional conventions (``FORMAT_LOCALES``)."""
    return _locale(str(get_locale() or "en"))


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(code, code))


def fmt_date(value, format="medium", tz=None):
    """A date, or a datetime shown in the UTC of the database or, given ``tz``, in that time zone.

    "short" and "medium" both give the language's medium form (Babel): "Feb 16, 2022", never "2/16/22", which
    reads differently from one country to the next, and in Arabic the month named ("16 شباط 2022",
    ``MEDIUM_DATE_FORMS``); a datetime adds the time without seconds and names its zone ("Feb 16, 2022, 3:04 PM
    (Iraq Time)"). Other formats ("full", "long", a pattern) are Babel's."""
    if value is None:
        return ""
    code = str(get_locale() or "en")
    if format in ("short", "medium"):
        format = MEDIUM_DATE_FORMS.get(code.split("_")[0], "medium")
        if isinstance(value, datetime):
            zone = ZoneInfo(tz) if tz else get_timezone()
            return _format_moment(_aware(value).astimezone(zone), zone, formatting_locale(), format)
    if isinstance(value, datetime):
        zone = ZoneInfo(tz) if tz else get_timezone()
        return dates.format_datetime(_aware(value), format, tzinfo=zone, locale=formatting_locale())
    return _format_day(value, format, code)


def _format_moment(moment: datetime, zone, locale: Locale, date_form: str = "medium") -> str:
    """The date in ``date_form``, the short time (no seconds) and the zone's name, in ``locale``'s order."""
    pattern = (locale.datetime_formats["medium"].replace("{1}", locale.date_formats[date_form].pattern)
               .replace("{0}", locale.time_formats["short"].pattern))
    return f"{dates.format_datetime(moment, pattern, tzinfo=zone, locale=locale)} ({_zone_name(zone, moment, locale)})"


def _zone_name(zone, moment: datetime, locale: Locale) -> str:
    """The zone as readers know it ("Iraq Time", "توقيت العراق"); UTC by its short name."""
    key = getattr(zone, "key", None) or str(zone)
    return (dates.get_timezone_name(moment, "short", locale=locale) if key in ("UTC", "Etc/UTC")
            else dates.get_timezone_location(zone, locale=locale))


def zone_name(tz: str | None) -> str:
    """The time zone ``tz`` (an IANA name, e.g. a training's "Asia/Baghdad"; None for UTC) named in the active
    language: "Iraq Time", "توقيت العراق"."""
    zone = ZoneInfo(tz or "UTC")
    return _zone_name(zone, datetime.now(zone), formatting_locale())


def fmt_time(value, tz: str | None = None, named: bool = False) -> str:
    """A time of day in the language's short form, without seconds: "9:30 AM", "9:30 ص".

    ``value`` is a ``time``, a wall-clock time in the training's zone (as agenda slots and a day's start time
    are kept), or a stored datetime (UTC), shown in ``tz``. With ``named`` the zone ``tz`` follows in brackets
    ("9:30 AM (Iraq Time)"), for a reader who may be elsewhere. None gives ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _aware(value).astimezone(ZoneInfo(tz) if tz else get_timezone()).time()
    text = dates.format_time(value, "short", locale=formatting_locale())
    return f"{text} ({zone_name(tz)})" if named else text


def fmt_time_range(start: time | None, end: time | None, tz: str | None = None, named: bool = False) -> str:
    """From ``start`` to ``end`` (wall-clock times of one day) as the language writes a range: "9:00 – 10:30 AM",
    "9:00–10:30 ص", "09:00–10:30" where the language counts 24 hours (Babel's interval formats); with ``named``,
    the zone ``tz`` follows in brackets. Only ``start`` gives it alone."""
    if start is None:
        return ""
    if end is None or end == start:
        return fmt_time(start, tz, named)
    locale = formatting_locale()
    skeleton = "Hm" if "H" in locale.time_formats["short"].pattern else "hm"
    text = dates.format_interval(start, end, skeleton, locale=locale)
    return f"{text} ({zone_name(tz)})" if named else text


@lru_cache(maxsize=4096)
def _format_day(value: date, format: str, code: str) -> str:
    """Days recur on every page (the lists show a few dozen distinct ones): each is formatted once per process."""
    return dates.format_date(value, format, locale=_locale(code))


def local_date(value: datetime, tz: str) -> date:
    """The calendar day a stored datetime falls on in the time zone ``tz``."""
    return _aware(value).astimezone(ZoneInfo(tz)).date()


def _aware(value: datetime) -> datetime:
    """Stored datetimes are UTC; SQLite gives them back without a time zone."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def fmt_list(items, isolate=True):
    """``items`` (empty ones left out) as the active language's list ("A, B and C", "A، B وC"), each escaped
    and, with ``isolate``, in its own ``<bdi>`` so a name in another script keeps its direction."""
    parts = [str(escape(item)) for item in items if item]
    if isolate:
        parts = [f"<bdi>{part}</bdi>" for part in parts]
    return Markup(lists.format_list(parts, locale=formatting_locale())) if parts else ""


#: the separators between the parts of one line ("Baghdad, Iraq"; "80% of the days; late counts as attended") in
#: the languages that do not write the Latin ones: Arabic has its own comma and semicolon
SEPARATORS = {"ar": {",": "، ", ";": "؛ "}}


def separator(kind: str = ",", lang: str | None = None) -> str:
    """The comma (``","``) or semicolon (``";"``) and its space as ``lang`` (default: the active language) writes
    them: ", " and "; " in English, "، " and "؛ " in Arabic."""
    return SEPARATORS.get(lang or current_language(), {}).get(kind, f"{kind} ")


def join_parts(parts, kind: str = ",", isolate: bool = False, lang: str | None = None):
    """The parts of one line (empty ones left out) joined by the language's ``separator(kind)``: "Baghdad, Iraq",
    "بغداد، العراق". Plain text; with ``isolate``, Markup with each part escaped in its own ``<bdi>``, so a part in
    another script keeps its direction. For the items of a list ("A, B and C") use ``fmt_list``."""
    joiner = separator(kind, lang)
    parts = [part for part in parts if part]
    if isolate:
        return Markup(joiner.join(f"<bdi>{escape(part)}</bdi>" for part in parts))
    return joiner.join(str(part) for part in parts)


def fmt_date_range(start: date | None, end: date | None) -> str:
    if not start:
        return ""
    if not end or end == start:
        return dates.format_date(start, "long", locale=formatting_locale())
    return dates.format_interval(start, end, "yMMMd", locale=formatting_locale())


def fmt_number(value):
    if value is None:
        return ""
    if isinstance(value, int):
        return _format_count(value, str(get_locale() or "en"))
    return numbers.format_decimal(value, locale=formatting_locale())


@lru_cache(maxsize=4096)
def _format_count(value: int, code: str) -> str:
    """Counts recur on every page (totals, page numbers): each is formatted once per process."""
    return numbers.format_decimal(value, locale=_locale(code))


def fmt_percent(value, decimals=0):
    if value is None:
        return ""
    pattern = "#,##0%" if decimals == 0 else "#,##0." + "0" * decimals + "%"
    return numbers.format_percent(value, pattern, locale=formatting_locale())


def country_name(code: str | None) -> str:
    """The country's name in the active language (``IQ`` → Iraq / العراق)."""
    if not code:
        return ""
    return formatting_locale().territories.get(code.upper(), code)


def language_name(code: str, in_language: str | None = None) -> str:
    return Locale.parse(code).get_display_name(in_language or code)


def init_app(app):
    app.jinja_env.filters.update(
        date=fmt_date, date_range=fmt_date_range, number=fmt_number, percent=fmt_percent, localized=localized,
        country=country_name, join_list=fmt_list, join_parts=join_parts, time=fmt_time, time_range=fmt_time_range,
        zone_name=zone_name,
    )
    app.jinja_env.globals["separator"] = separator

    app.before_request(remember_language_choice)

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
