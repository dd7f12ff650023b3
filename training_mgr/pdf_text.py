"""The text layer of the PDFs ``pdf.py`` renders: what copying, searching and screen readers get from them.

Only ``pdf.py`` imports this module; it reaches into WeasyPrint's line drawing, which has no option for it.
"""
import functools
import html
import io
import re
import unicodedata

from markupsafe import Markup, escape

RIGHT_TO_LEFT_MARK = "\u200f"


def _needs_actual_text(text: str) -> bool:
    """Text whose glyphs alone do not read back: right-to-left letters and digits (ligatures such as lam–alef
    and lam–kaf, contextual forms) and combining marks (tashkeel, decomposed accents drawn raised)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL", "AN") or unicodedata.category(c) == "Mn" for c in text)


def _visual_order(textbox) -> str:
    """The characters of a laid-out line of text in the order its glyphs are drawn, left to right: each
    right-to-left run reversed, character by character, like the glyphs that draw it."""
    from weasyprint.text.ffi import ffi

    line, _ = textbox.pango_layout.get_first_line()
    data = textbox.pango_layout.text.encode()
    parts, run = [], line.runs
    while run != ffi.NULL:
        item = run.data.item
        chunk = data[item.offset:item.offset + item.length].decode()
        if item.analysis.level % 2:
            chunk = chunk[::-1]
            if unicodedata.category(chunk[:1]) == "Mn":
                # a mark that ends the run (the shadda of بأنّ) would begin it, where poppler takes it for
                # left-to-right text: a right-to-left mark keeps it inside the run
                chunk = RIGHT_TO_LEFT_MARK + chunk
        parts.append(chunk)
        run = run.next
    return "".join(parts)


@functools.lru_cache(maxsize=16)
def _glyph_characters(file_content: bytes, index: int) -> dict[int, tuple[str, ...]]:
    """{glyph id: the texts it may stand for, likeliest first} of a font's glyphs: those of its character map,
    their forms and alternates (initial, medial, final, small...) and ligatures of them (lam–alef: لا, in
    reading order), from the font's substitution table."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(file_content), fontNumber=index)
    texts = {}
    # a letter before its presentation forms (U+FB50–U+FEFF), which some fonts map their contextual forms to
    for code, name in sorted(font.getBestCmap().items()):
        texts.setdefault(name, []).append(unicodedata.normalize("NFKC", chr(code)) if 0xFB50 <= code <= 0xFEFF
                                          else chr(code))
    substitutions = []  # (from glyph names, to glyph name)
    for lookup in font["GSUB"].table.LookupList.Lookup if "GSUB" in font else ():
        for table in lookup.SubTable:
            table = table.ExtSubTable if lookup.LookupType == 7 else table
            kind = getattr(table, "LookupType", lookup.LookupType)
            if kind == 1:
                substitutions += [((source,), target) for source, target in table.mapping.items()]
            elif kind == 3:
                substitutions += [((source,), target) for source, targets in table.alternates.items()
                                  for target in targets]
            elif kind == 4:
                substitutions += [((first, *ligature.Component), ligature.LigGlyph)
                                  for first, ligatures in table.ligatures.items() for ligature in ligatures]
    changed = True
    while changed:  # forms of forms
        changed = False
        for sources, target in substitutions:
            if all(source in texts for source in sources):
                text = "".join(texts[source][0] for source in sources)
                if text not in texts.setdefault(target, []):
                    texts[target].append(text)
                    changed = True
    return {font.getGlyphID(name): tuple(candidates) for name, candidates in texts.items()}


def _map_merged_clusters(stream, textbox) -> None:
    """Map each glyph of a cluster of several (a stretch of text the shaper drew with several glyphs) to the
    characters it stands for in its font (``_glyph_characters``) rather than to the whole cluster.

    WeasyPrint maps a glyph to the text of the first cluster it meets it in: Amiri draws the fatha of مَّ as a
    small fatha after the shadda, in one cluster, so one glyph would read as both marks wherever it is drawn.
    A glyph of such a cluster that stands for none of its characters (a tatweel inserted to join letters)
    reads as nothing. A glyph drawn alone for its text is mapped by WeasyPrint, and keeps that text.
    """
    from weasyprint.text.ffi import ffi

    line, _ = textbox.pango_layout.get_first_line()
    data = textbox.pango_layout.text.encode()
    run = line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        font, _size = stream.add_font(item.analysis.font)
        alone = font.__dict__.setdefault("mapped_alone", set())
        clusters = {}
        for i in range(glyphs.num_glyphs):  # (not Pango's stand-ins for empty and missing glyphs)
            if glyphs.glyphs[i].glyph < font.glyph_count:
                clusters.setdefault(glyphs.log_clusters[i], []).append(glyphs.glyphs[i].glyph)
        starts = sorted({glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)}) + [item.length]
        for start, end in zip(starts, starts[1:]):
            members = clusters.get(start, ())
            text = data[item.offset + start:item.offset + end].decode(errors="replace")
            if len(members) < 2:
                if members and members[0] not in alone:
                    alone.add(members[0])
                    font.to_unicode[members[0]] = text
                continue
            candidates = _glyph_characters(font.file_content, font.index)
            for glyph in members:
                if glyph in alone:
                    text = text.replace(font.to_unicode[glyph], "", 1)
                    continue
                found = next((c for c in candidates.get(glyph, ()) if c in text), "")
                font.to_unicode[glyph] = found
                text = text.replace(found, "", 1) if found else text


def install() -> None:
    """Make every line of Arabic (or of text with combining marks) copy, search and read back as it was stored.

    A font's ToUnicode map gives each glyph one text, first come first served: a ligature (lam–alef), a
    contextual pair (Amiri's lam–kaf) or a raised mark (shadda) then reads back doubled, reversed or on a line
    of its own (``pdftotext`` read المالكي as الماللكي). Each such line is wrapped in a marked-content span
    whose ``/ActualText`` is its text, in the order its glyphs are drawn (as PDF text is: readers apply the
    bidirectional algorithm, as they do to the glyphs), which is what poppler (``pdftotext``, Evince) and
    Acrobat read instead of the glyphs. Readers that ignore ActualText (pdfminer, pdfplumber) still read the
    glyphs, drawn right to left. WeasyPrint has no option for it, so its line drawing is wrapped, once.
    """
    import pydyf
    from weasyprint.draw import text as weasyprint_text

    draw_first_line = weasyprint_text.draw_first_line
    if getattr(draw_first_line, "marks_actual_text", False):
        return

    def draw_first_line_with_actual_text(stream, textbox, *args, **kwargs):
        if not _needs_actual_text(textbox.text):
            return draw_first_line(stream, textbox, *args, **kwargs)
        _map_merged_clusters(stream, textbox)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(_visual_order(textbox))}))
        try:
            return draw_first_line(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_first_line_with_actual_text.marks_actual_text = True
    weasyprint_text.draw_first_line = draw_first_line_with_actual_text



# --- fitting a text into a box ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _advances(path: str) -> dict[int, float]:
    """{code point: advance width in em} of a font file's characters."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    units, metrics = font["head"].unitsPerEm, font["hmtx"]
    return {code: metrics[name][0] / units for code, name in font.getBestCmap().items()}


def text_width(text: str, font_paths) -> float:
    """The width of ``text`` on one line in em (font sizes), each character in the first of ``font_paths`` that
    has it (0.6 em where none does), marks taking no room. Arabic letters are measured in their isolated forms,
    mostly wider than the joined ones, so the width errs on the long side."""
    width = 0.0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Cf"):
            continue
        width += next((advances[ord(char)] for advances in map(_advances, font_paths) if ord(char) in advances), 0.6)
    return width


def fitted_font_size(text: str, font_paths, *, width_pt: float, height_pt: float, largest: float,
                     smallest: float, line_height: float = 1.25, floor: float = 6.0) -> float:
    """The font size (pt) at which ``text`` fits a box ``width_pt`` wide and ``height_pt`` high: ``largest`` when
    it fits on one line; else as large as one line allows down to ``smallest``; else ``smallest`` or below,
    wrapped over as many lines as the height holds (a wrapped line loses up to a tenth of its width), down to
    ``floor`` for the longest texts of the widest letters."""
    width_em = text_width(text, font_paths)
    if width_em * largest <= width_pt:
        return largest
    one_line = width_pt / width_em
    if one_line >= smallest:
        return _half_point_below(one_line)
    size = smallest
    while size > floor:
        lines = max(-(-width_em * size // (0.9 * width_pt)), _wrapped_lines(text, font_paths, width_pt / size))
        if lines * size * line_height <= height_pt:
            break
        size -= 0.5
    return max(size, floor)


#: a hyphenated word up to this many characters is kept on one line (``unbroken_hyphens``)
UNBROKEN_HYPHENATED = 30


def unbroken_hyphens(text: str) -> Markup:
    """``text`` escaped, each hyphenated word of up to ``UNBROKEN_HYPHENATED`` characters (Al-Maliki) in a span that
    does not break (``.nobreak``): a line broken after a hyphen reads back without it or glued to the next word
    (``pdftotext`` takes it for a word hyphenated by the layout), so a copied name would differ from the stored one."""
    return Markup(" ").join(
        Markup('<span class="nobreak">%s</span>') % word if _unbroken(word) else escape(word) for word in text.split(" "))


def _unbroken(word: str) -> bool:
    return "-" in word and len(word) <= UNBROKEN_HYPHENATED


def _wrapped_lines(text: str, font_paths, width_em: float) -> float:
    """How many lines ``text`` takes in a box ``width_em`` wide, words wrapped at spaces as a browser does: a word
    wider than a line breaks anywhere, unless it is kept whole (``unbroken_hyphens``): then it cannot fit (inf)."""
    space = text_width(" ", font_paths)
    lines, used = 1, 0.0
    for word in text.split(" "):
        width = text_width(word, font_paths)
        if used and used + space + width <= width_em:
            used += space + width
            continue
        if used:
            lines, used = lines + 1, 0.0
        if width > width_em:
            if _unbroken(word):
                return float("inf")
            lines += int(width // width_em)
            width %= width_em
        used = width
    return lines


def _half_point_below(size: float) -> float:
    return int(size * 2) / 2


# --- mixed directions ------------------------------------------------------------------------------------

_AUTO_DIRECTION = re.compile(r'<(bdi)(\s[^>]*)?>([^<]*)<|<(\w+)([^>]*?)\sdir="auto"([^>]*)>([^<]*)<')
#: numbers written with separators (dates, times, ranges, percentages, serials): 2022/12/31, 15–17, 67%, ١٥:٣٠
_NUMBER = re.compile(r"(?<![\w/.\-–])[0-9٠-٩۰-۹]+(?:[/.:,\-–][0-9٠-٩۰-۹]+)+%?(?![\w/])|(?<![\w.])[0-9٠-٩۰-۹]+%")
_TEXT = re.compile(r">([^<]+)<")
#: a figure alone in a table cell of figures: a count or a percentage in a ``<td class="num">``
_FIGURE_CELL = re.compile(r'(<td class="num">\s*[0-9٠-٩۰-۹][0-9٠-٩۰-۹.,٫٬]*%?\s*</td>)')


@functools.lru_cache(maxsize=1)
def _date_pattern() -> re.Pattern:
    """A date written with its month named, as ``core.i18n.fmt_date`` writes it in each language (16 شباط 2022,
    15–17 شباط 2022, Feb 16, 2022, 16 February 2022): the month names of English and of every formatting locale."""
    from babel import Locale

    from .core.i18n import FORMAT_LOCALES

    names = set()
    for code in ("en", *FORMAT_LOCALES.values()):
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                names.update(months[context][width].values())
    month = "(?:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + ")"
    day, year = r"[0-9٠-٩]{1,2}(?:\s?[–-]\s?[0-9٠-٩]{1,2})?", r"[0-9٠-٩]{4}"
    return re.compile(rf"(?<![0-9٠-٩/]){day}\s{month}\s{year}(?!\w)|(?<!\w){month}\s{day},\s{year}(?!\w)")


def _unbreakable(text: str) -> str:
    """``text`` with each date (month named) in a span that cannot break, and each number written with separators
    in a left-to-right span that cannot break either."""
    def numbers(part):
        return _NUMBER.sub(r'<span class="number">\g<0></span>', part)

    parts, start = [], 0
    for match in _date_pattern().finditer(text):
        parts += [numbers(text[start:match.start()]), f'<span class="date">{numbers(match.group(0))}</span>']
        start = match.end()
    parts.append(numbers(text[start:]))
    return "".join(parts)


def text_direction(text: str) -> str:
    """"rtl" or "ltr" from the first letter with a strong direction (what ``dir="auto"`` means in HTML)."""
    for char in html.unescape(text):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def isolate_directions(markup: str) -> str:
    """The body of a print template with each run of mixed direction isolated the way WeasyPrint can draw it.

    WeasyPrint ignores ``dir="auto"`` and does not isolate ``<bdi>``: an English sentence in an Arabic page
    lost its full stop to the start of the line, and an Arabic name in an English line pulled the text after
    it. Each ``<bdi>`` and each element marked ``dir="auto"`` (with text alone inside) is given the direction
    of its first strong letter, and is isolated (``unicode-bidi: isolate`` in the base print style); each
    number written with separators (a date, a range, a percentage) is put in a left-to-right span that
    cannot break, so 2022/12/31 neither wraps nor reorders; a date with its month named (16 شباط 2022) is put in a
    span that cannot break.
    """
    head, separator, body = markup.partition("</head>")
    if not separator:
        head, body = "", markup

    def directed(match):
        if match.group(1) and "dir=" in (match.group(2) or ""):
            return match.group(0)
        if match.group(1):
            return f'<bdi dir="{text_direction(match.group(3))}"{match.group(2) or ""}>{match.group(3)}<'
        return f'<{match.group(4)}{match.group(5)} dir="{text_direction(match.group(7))}"{match.group(6)}>{match.group(7)}<'

    body = _AUTO_DIRECTION.sub(directed, body)
    # a figure alone in a cell of figures is left as it is: the print style lays those cells out left to right on
    # one line, and a span in each one cost the reports' layout about a tenth of its time
    body = "".join(part if index % 2 else _TEXT.sub(lambda match: ">" + _unbreakable(match.group(1)) + "<", part)
                   for index, part in enumerate(_FIGURE_CELL.split(body)))
    return head + separator + body
