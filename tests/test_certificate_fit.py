"""Every accepted name fits its certificate: 1 to 200 characters, Latin or Arabic, words or one unbroken word,
read from the issued PDF's positions: nothing overlaps, nothing crosses into the other half, the signatures or
the footer, and the whole name is printed."""
import io
import re

import pdfplumber
import pytest
from PIL import Image

from tests.factories import CompletedTrainingFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines
from training_mgr.certificates import services
from training_mgr.extensions import db
from training_mgr.trainings.models import Signatory

LENGTHS = (1, 12, 52, 79, 120, 145, 200)
WORDS = {
    "latin words": "Mohammed Abdulrahman Hussein Al-Jubouri ",
    "latin unbroken": "MohammedAbdulrahmanHusseinAlJubouri",
    # broken after a hyphen, a name copies without it ("Al-KadhimiyyaAbdulameer"): hyphenated words stay whole
    "latin hyphens": "Abdulrahman-Mohammed-Hussein Al-Kadhimiyya-Abdulameer ",
    "arabic words": "محمد عبد الرحمن حسين الجبوري ",
    "arabic unbroken": "محمدعبدالرحمنحسينالجبوري",
}
TOLERANCE = 0.5  # pt


def name_of(kind: str, length: int) -> str:
    text = (WORDS[kind] * (length // len(WORDS[kind]) + 1))[:length]
    return text[:-1] + WORDS[kind][0] if text.endswith(" ") else text


def signature_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 90), "#1d2b44").save(buffer, "PNG")
    return buffer.getvalue()


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def overlap(a, b) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > TOLERANCE
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE)


@pytest.fixture
def issued(people):
    training = CompletedTrainingFactory(
        officers=[people.officer],
        title="National Training for Iraq on Human Rights at International Borders in the Context of Counter-Terrorism",
        title_ar="التدريب الوطني للعراق حول حقوق الإنسان على الحدود الدولية في سياق مكافحة الإرهاب",
    )
    db.session.add(Signatory(training=training, name="Chief of Mission", title="IOM Iraq",
                             signature_image=signature_png(), signature_mimetype="image/png"))
    db.session.commit()
    for length in LENGTHS:
        for latin, arabic in (("latin words", "arabic words"), ("latin unbroken", "arabic unbroken"),
                              ("latin hyphens", "arabic words")):
            attended(training, ["present"] * 3, participant=ParticipantFactory(
                name=name_of(latin, length), name_ar=name_of(arabic, length)))
    certificates, _ = services.issue_certificates(training, by_user=people.officer)
    assert len(certificates) == 3 * len(LENGTHS)
    return certificates


def test_names_of_any_length_fit_their_half_of_the_certificate(issued):
    for certificate in issued:
        person = certificate.registration.participant
        with pdfplumber.open(io.BytesIO(certificate.pdf)) as document:
            page = document.pages[0]
            words = page.extract_words(use_text_flow=True)
            divider = next(x for x in (*page.lines, *page.rects) if x["height"] > 250 and x["width"] < 2)["x0"]
            signature = min(page.images, key=lambda image: image["x0"])  # the QR code sits at the right
        assert signature["height"] > 25  # the signature is drawn whole, in its place
        halves = [w for w in words if w["top"] < signature["top"]]
        below = [w for w in words if w["top"] >= signature["top"]]
        assert halves and below
        for word in halves:
            assert word["bottom"] <= signature["top"] + TOLERANCE, (person.name, word)  # above the signatures
            assert word["x1"] <= divider + TOLERANCE or word["x0"] >= divider - TOLERANCE, (person.name, word)
            assert word["x0"] >= 0 and word["x1"] <= page.width
        clashes = [(a["text"], b["text"]) for i, a in enumerate(words) for b in words[i + 1:] if overlap(a, b)]
        assert not clashes, (len(person.name), clashes)
        text = squeezed("".join(pdftotext_lines(certificate.pdf)))
        assert squeezed(person.name) in text and squeezed(person.name_ar) in text, len(person.name)


def test_a_short_name_keeps_the_largest_size_and_a_long_one_shrinks_before_it_wraps(app):
    sizes = {length: services.name_font_sizes({"en": name_of("latin words", length)})["en"] for length in LENGTHS}
    assert sizes[1] == sizes[12] == services.NAME_BOX["largest"]
    assert sizes[12] > sizes[52] >= services.NAME_BOX["smallest"]
    assert sizes[200] <= services.NAME_BOX["smallest"]
