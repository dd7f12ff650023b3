"""Name badges: a PDF of A4 sheets of eight badges, or one badge a page for a badge printer."""
from ..attendance.services import confirmed_registrations
from ..pdf import qr_data_uri, render_pdf
from .models import BadgeReplacement
from .tokens import badge_url

#: the two layouts: "sheet" (A4, eight badges of 95 × 68 mm to cut) and "single" (one 90 × 60 mm badge a page)
LAYOUTS = ("sheet", "single")


def badges_pdf(training, layout: str = "sheet", registrations=None) -> bytes:
    """The badges of every confirmed participant of ``training`` (or of ``registrations`` only), by name: names in
    Latin and Arabic script, organisation, the training's title and a personal QR code holding the link of the
    person's valid badge (``tokens.badge_url``, with its number once a badge was replaced).

    Raises ValueError for an unknown ``layout``.
    """
    if layout not in LAYOUTS:
        raise ValueError(layout)
    registrations = confirmed_registrations(training) if registrations is None else registrations
    numbers = BadgeReplacement.numbers_of(r.id for r in registrations)
    badges = [(r, qr_data_uri(badge_url(r.id, numbers[r.id]))) for r in registrations]
    per_page = 8 if layout == "sheet" else 1
    pages = [badges[i:i + per_page] for i in range(0, len(badges), per_page)] or [[]]
    return render_pdf("pdf/badges.html", training=training, pages=pages, layout=layout)
