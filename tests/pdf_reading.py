"""Reading a PDF back as people and programs do: its text through poppler (``pdftotext``, what Evince and
most search tools read) and through pdfplumber (glyph by glyph, with positions)."""
import io
import re
import subprocess
import unicodedata

#: the bidirectional controls pdftotext puts around right-to-left runs (and marks a reader cannot see)
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def pdftotext_lines(data: bytes) -> list[str]:
    """The lines ``pdftotext`` reads (poppler orders each right-to-left run itself), bidi controls removed."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return [BIDI_CONTROLS.sub("", line).strip() for line in out.replace("\f", "\n").splitlines() if line.strip()]


def plumber_lines(data: bytes) -> list[str]:
    """The lines pdfplumber reads, glyph by glyph in the order they are drawn: a new line where the pen moves
    down (or jumps across the page); a line with right-to-left letters read from its right end."""
    import pdfplumber

    lines = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            current, previous = [], None
            for char in page.chars:
                if previous is not None and (
                    abs(char["bottom"] - previous["bottom"]) > 0.9 * char["size"]
                    or char["x0"] - previous["x1"] > 2 * char["size"] or previous["x0"] - char["x1"] > 2 * char["size"]
                ):
                    lines.append(current)
                    current = []
                current.append(char)
                previous = char
            lines.append(current)
    texts = []
    for chars in lines:
        text = "".join(c["text"] for c in chars)
        if is_rtl(text):
            text = "".join(c["text"] for c in reversed(chars))
        texts.append(text.strip())
    return [text for text in texts if text]
