"""An organisation's letterhead: its logo (checked and size-limited) and its address in English and Arabic, printed
at the top of the letters of the trainings it organises or hosts."""
import io
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from ..audit.services import record
from ..core.domain import DomainError
from ..extensions import db
from ..pdf import image_data_uri

#: image formats a logo may be (Pillow's names) and the MIME type kept with it
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
#: widest or tallest logo accepted, in pixels (a decompression bomb is refused before it is drawn)
LOGO_MAX_PIXELS = 4000


class LogoError(DomainError):
    field = "logo"


def check_logo(data: bytes) -> str:
    """The MIME type of an uploaded logo; LogoError when it is empty, larger than ORGANISATION_LOGO_MAX_BYTES, not a
    PNG or JPEG image (read by Pillow, not by its name), or over LOGO_MAX_PIXELS on a side."""
    from PIL import Image, UnidentifiedImageError

    limit = current_app.config["ORGANISATION_LOGO_MAX_BYTES"]
    if len(data) > limit:
        raise LogoError(_("The logo is larger than %(size)d KB.", size=limit // 1024))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise LogoError(_("The logo must be a PNG or JPEG image.")) from None
    if image_format not in LOGO_FORMATS:
        raise LogoError(_("The logo must be a PNG or JPEG image."))
    if max(width, height) > LOGO_MAX_PIXELS:
        raise LogoError(_("The logo is larger than %(pixels)d pixels on a side.", pixels=LOGO_MAX_PIXELS))
    return LOGO_FORMATS[image_format]


@dataclass(frozen=True)
class LetterheadDetails:
    address: str | None
    address_ar: str | None
    logo: bytes | None = None  # None: keep the current one
    remove_logo: bool = False

    @classmethod
    def from_form(cls, form, logo: bytes | None) -> "LetterheadDetails":
        return cls(address=(form.address.data or "").strip() or None,
                   address_ar=(form.address_ar.data or "").strip() or None, logo=logo,
                   remove_logo=bool(form.remove_logo.data))


def set_letterhead(organisation, details: LetterheadDetails, *, by_user) -> None:
    """Save an organisation's address and logo (``check_logo`` first) and commit."""
    mimetype = check_logo(details.logo) if details.logo else None
    organisation.address, organisation.address_ar = details.address, details.address_ar
    if details.logo:
        organisation.logo, organisation.logo_mimetype = details.logo, mimetype
    elif details.remove_logo:
        organisation.logo = organisation.logo_mimetype = None
    record(by_user, "letters.letterhead", organisation, "Letterhead changed",
           {"logo": "new" if details.logo else "removed" if details.remove_logo else "kept"},
           details={"organisation": organisation.name, "organisation_ar": organisation.name_ar})
    db.session.commit()


def logo_data_uri(organisation) -> str | None:
    """The logo as a ``data:`` URI for a print template (nothing is fetched), or None."""
    return image_data_uri(organisation.logo, organisation.logo_mimetype)
