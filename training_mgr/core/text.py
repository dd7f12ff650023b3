"""Text hygiene: what people type is cleaned once where it enters, and written safely wherever it goes out.

Invisible characters do visible harm. A vertical tab is illegal in the XML inside an XLSX file, a NUL
cannot be stored in PostgreSQL, a line break in an e-mail subject is refused by the mail library, and
a RIGHT-TO-LEFT OVERRIDE (U+202E) turns the rest of a line backwards on every page and PDF that shows it.

- ``clean_text`` is the **input** rule, applied to every text field of every form (``core.forms``), to
  every cell of an imported spreadsheet and to typed notes that do not come through a form.
- ``printable`` is the **output** rule for text that may have been stored before the input rule existed
  (or came in some other way): every template output goes through it (``init_app``), and so do
  spreadsheet, CSV and calendar writers (``core.exports``, ``catalogue.services``).
- ``one_line`` is for places where a line break would be an injection: e-mail headers.

What is removed and what is refused. Bidi embeddings and overrides arrive with text copied from some
right-to-left editors, nobody sees them, and removing them changes nothing a reader could see: they are
removed. Line breaks in a one-line field become a space, for the same reason. Any other control
character (NUL, BEL, ESC …) is no part of typed text: a form refuses it with a message beside the field
(``has_stray_controls``), because removing it could silently join two words or turn one e-mail address
into another; an import, which has no field to speak beside, removes it. The bidi *marks* LRM, RLM and ALM (U+200E, U+200F, U+061C) are kept: they only set the direction of the
neutral characters beside them and cannot reverse anything. The zero-width joiner and non-joiner are
kept too: some scripts need them inside names.

This module knows no feature and no Flask; the migration that cleaned the rows stored before these rules
carries its own copy of them.
"""
import re
import unicodedata

from markupsafe import Markup
from sqlalchemy import and_, true

#: line breaks as they arrive from browsers, word processors and spreadsheets: CR LF, CR, LF, vertical
#: tab (a line break inside a Word or Excel cell), form feed, NEL, LINE and PARAGRAPH SEPARATOR
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")

#: bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): each changes the
#: direction of everything after it up to the end of the paragraph
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"

#: characters that draw nothing and join nothing, so they can only hide text inside a name or a title: the
#: zero-width space, the word joiner and invisible operators, the Mongolian vowel separator, and the tag
#: characters U+E0000–U+E007F (the joiner and non-joiner that some scripts need are not among them)
HIDDEN = "\u200b\u2060-\u2064\u180e\U000e0000-\U000e007f"

#: control characters that are neither white space nor a line break: refused in forms
STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")

#: removed from typed text: C0 and C1 controls other than tab and line feed (line breaks are turned into
#: ``\n`` or a space first), DEL, bidi controls, lone surrogates (cannot be encoded), the noncharacters
#: U+FDD0–U+FDEF, U+FFFE and U+FFFF (the last two are illegal in XML), and the byte-order mark U+FEFF
#: that CSV files carry
_INPUT_UNWANTED = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}{HIDDEN}\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff]")

#: never written out: like the above, but tab, line feed and carriage return are legal everywhere we write,
#: and the byte-order mark is harmless
_OUTPUT_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}{HIDDEN}\ud800-\udfff\ufffe\uffff]")


def clean_text(value, multiline: bool = False):
    """Typed text in its one stored form; anything that is not a ``str`` (None, a date) is returned as is.

    - line breaks (CR LF, CR, VT, FF, NEL, U+2028, U+2029) become ``\\n`` in a multi-line answer, and a
      space in a one-line answer, where a tab also becomes a space and the ends are stripped;
    - other C0/C1 control characters, NUL, bidi embeddings/overrides/isolates, hidden characters (``HIDDEN``), lone surrogates,
      noncharacters and the byte-order mark are removed;
    - the result is in Unicode NFC, so that the same name typed on two keyboards is stored the same way.

    Nothing is refused: see the module's docstring for why removal is safe.
    """
    if not isinstance(value, str):
        return value
    value = LINE_BREAKS.sub("\n" if multiline else " ", value)
    if not multiline:
        value = value.replace("\t", " ")
    value = unicodedata.normalize("NFC", _INPUT_UNWANTED.sub("", value))
    return value if multiline else value.strip()


def _output_replacement(match) -> str:
    return "\n" if match.group() in "\x0b\x0c\x85" else ""


def has_stray_controls(value) -> bool:
    """True when ``value`` (a string) holds a control character that is neither white space nor a line break."""
    return isinstance(value, str) and STRAY_CONTROLS.search(value) is not None


def printable(value):
    """``value`` without the characters no writer should emit: control characters other than tab, line feed and
    carriage return (a vertical tab, form feed or NEL becomes a line feed, so that words stay apart), bidi
    embeddings/overrides/isolates, lone surrogates, U+FFFE/U+FFFF. ``Markup`` stays ``Markup``; anything that
    is not a string is returned as it is.

    For output, on every value of every template: cheap when there is nothing to remove (everything it removes
    is unprintable, so a printable string is returned at once, else one regular-expression search).
    """
    if isinstance(value, str) and not value.isprintable() and _OUTPUT_UNSAFE.search(value):
        cleaned = _OUTPUT_UNSAFE.sub(_output_replacement, value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def one_line(value) -> str:
    """Any value as one line of text for a header: ``printable``, every run of white space or line break one
    space, the ends stripped. None becomes ``""``."""
    if value is None:
        return ""
    return " ".join(printable(str(value)).split())


#: what a typed code or number may be written with besides its letters and ASCII digits: Arabic-Indic (٠-٩)
#: and Persian (۰-۹) digits, and the dashes and spaces that split it into groups
_TYPED_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TYPED_SEPARATORS = re.compile("[\\s\u00ad\u0640\u2010-\u2015\u2212\ufe58\ufe63\uff0d_-]+")


def typed_code(value) -> str:
    """A code or number as a person may type it, made comparable: Arabic-Indic and Persian digits read as 0-9,
    full-width forms as ASCII (NFKC), letters in upper case, and every space, dash, underscore and tatweel
    left out; e.g. ``"٧k٣m q9px–2hdt-w4nb"`` -> ``"7K3MQ9PX2HDTW4NB"``. Each feature then checks the shape
    of its own codes (verification codes, serial numbers, badge codes)."""
    text = unicodedata.normalize("NFKC", str(value or "")).translate(_TYPED_DIGITS)
    return _TYPED_SEPARATORS.sub("", text).upper()


def init_app(app):
    """Every ``{{ … }}`` of every template (pages, PDFs, e-mails) is written through ``printable``, so text stored
    before the input rule cannot reverse a line or put a control character on a page."""
    app.jinja_env.finalize = printable


#: letters an Arabic reader takes for one another when searching: alef with hamza above or below, with madda,
#: and alef wasla are alef; alef maqsura and the Persian (Farsi, Kurdish keyboard) yeh are yeh; the Persian
#: kaf is kaf
_ARABIC_FOLDS = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
    "\u0649": "\u064a", "\u06cc": "\u064a",
    "\u06a9": "\u0643",
})

#: removed before comparing: tatweel (U+0640) and the Arabic marks (tashkeel U+064B–U+065F, superscript alef
#: U+0670)
_ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")


def fold(value) -> str:
    """The form in which two names compare equal when a reader would take them for the same: NFC, the hamza forms
    of alef as alef, alef maqsura and Persian yeh as yeh, Persian kaf as kaf, tatweel and tashkeel removed,
    ``str.casefold`` for Latin and other cased scripts, runs of white space as one space, no space at the ends.

    ``fold("أحمد") == fold("احمد")``; ``fold("كرکی") == fold("كركي")``. None and "" give "". Only for comparing:
    what is stored and shown stays as typed. Every search and lookup by name compares folded forms (the columns
    that keep them, ``Participant.name_folded``, ``TrainingSession.search_folded``, are filled on every write).
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_ARABIC_FOLDS)
    return " ".join(_ARABIC_MARKS.sub("", text).casefold().split())


def folded_lines(*values) -> str:
    """Several texts folded (``fold``), one a line: a search column in which a folded term (never holding a line
    break) matches inside one of them only."""
    return "\n".join(fold(value) for value in values)


#: hyphens of every kind (and the underscore) part the words of a search: "Al Maliki" and "Al-Maliki" are the
#: same search
_SEARCH_SEPARATORS = re.compile("[-\u2010-\u2015\u2212_]")


def fold_words(value) -> list[str]:
    """The folded (``fold``) words of a search, hyphens taken as spaces: ``fold_words("Al-Maliki") ==
    ["al", "maliki"]``; ``fold_words("احمد المالكي") == ["احمد", "المالكي"]``. None and "" give []."""
    return fold(_SEARCH_SEPARATORS.sub(" ", str(value or ""))).split()


def contains_words(column, value):
    """SQL condition: the folded text ``column`` contains every word of the search ``value`` (``fold_words``), in
    any order, each anywhere (AND of LIKEs): "احمد المالكي" finds "أحمد جاسم المالكي", "Al Maliki" finds "Al-Maliki".
    A search with no word matches everything (``true()``)."""
    words = fold_words(value)
    return and_(*(column.contains(word, autoescape=True) for word in words)) if words else true()


def has_words(folded: str, value) -> bool:
    """``contains_words`` in Python, for rows already loaded: every word of the search ``value`` is in the folded
    text ``folded``."""
    return all(word in folded for word in fold_words(value))
