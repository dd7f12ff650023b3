"""The details a participant gives about themself, checked the same way wherever they are typed."""
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.forms import FlaskForm
from ..core.i18n import localized
from .inputs import PersonalDetails, stored_name
from .models import SEXES

#: value of the organisation choice "not in the list"
OTHER_ORGANISATION = "other"
#: besides letters and combining marks (any script): spaces, apostrophes, hyphens, dots, and the
#: zero-width (non-)joiners some scripts need inside a name
NAME_PUNCTUATION = frozenset(" '’‘ʼ-‐.\u200c\u200d")
#: Arabic-Indic and Extended Arabic-Indic digits, typed on Arabic phone keyboards
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
PHONE_CHARACTERS = frozenset("0123456789+ ()-.")


def single_line(value):
    """Filter: surrounding space removed and inner runs of space collapsed; None stays None."""
    return " ".join(value.split()) if isinstance(value, str) else value


def person_name(form, field):
    """Letters of any script, with spaces, apostrophes, hyphens and dots; at least one letter."""
    value = field.data or ""
    if not value:
        return
    letters = [ch for ch in value if unicodedata.category(ch)[0] in "LM"]
    if not letters or any(unicodedata.category(ch)[0] not in "LM" and ch not in NAME_PUNCTUATION for ch in value):
        raise ValidationError(_l("Use letters only, with spaces, apostrophes, hyphens or dots."))


def _script_letters(value: str, script: str) -> bool:
    """``value`` holds a letter of ``script`` ("LATIN", "ARABIC"), by its Unicode character name."""
    return any(unicodedata.category(ch)[0] == "L" and unicodedata.name(ch, "").startswith(script) for ch in value)


def latin_script(form, field):
    """The Latin-script name holds no Arabic letters."""
    if field.data and _script_letters(field.data, "ARABIC"):
        raise ValidationError(_l("Type your name in Latin letters here; your name in Arabic script goes in its own field."))


def arabic_script(form, field):
    """The Arabic-script name holds no Latin letters."""
    if field.data and _script_letters(field.data, "LATIN"):
        raise ValidationError(_l("Type your name in Arabic script here; your name in Latin letters goes in its own field."))


#: the checks of a participant's name in each script, wherever a name is typed (the public registration form, the
#: account page, the officer's "add a registration"): each optional, but at least one is required (``name_missing``)
LATIN_NAME_CHECKS = (Optional(), Length(max=200), person_name, latin_script)
ARABIC_NAME_CHECKS = (Optional(), Length(max=200), person_name, arabic_script)


def name_missing(form, message=_l("Give your name in Latin letters, in Arabic script, or both.")) -> bool:
    """Neither ``form.name`` nor ``form.name_ar`` is given (and neither was refused already): ``message`` is put
    beside the Latin name and True returned."""
    if form.name.data or form.name_ar.data or form.name.errors or form.name_ar.errors:
        return False
    form.name.errors = [*form.name.errors, message]
    return True


def printable(form, field):
    """No control characters (NUL, line breaks …) in a one-line answer."""
    if field.data and any(unicodedata.category(ch) in ("Cc", "Cs", "Co") for ch in field.data):
        raise ValidationError(_l("This answer contains characters that are not allowed."))


def phone_number(form, field):
    if not field.data:
        return
    field.data = field.data.translate(ARABIC_DIGITS)
    digits = sum(ch.isdigit() for ch in field.data)
    if any(ch not in PHONE_CHARACTERS for ch in field.data) or not 6 <= digits <= 20 or "+" in field.data[1:]:
        raise ValidationError(_l("Type a telephone number with its digits, e.g. +964 770 123 4567."))


class ParticipantDetailsForm(FlaskForm):
    """Names, sex, organisation, position and phone. Call ``set_organisation_choices(organisations)`` before
    validating."""

    # at least one of the two names (``validate``); each checked for its script
    name = StringField(
        _l("Full name in Latin letters"), filters=[single_line],
        validators=list(LATIN_NAME_CHECKS),
        description=_l("As it should appear on your certificate, e.g. Ahmed Al-Rubaie."),
    )
    name_ar = StringField(
        _l("Full name in Arabic script"), filters=[single_line],
        validators=list(ARABIC_NAME_CHECKS),
        description=_l("Give your name in Latin letters, in Arabic script, or both."),
    )
    sex = RadioField(
        _l("Sex"), choices=[("female", _l("Female")), ("male", _l("Male"))], validate_choice=False,
        validators=[DataRequired(message=_l("Please choose one."))],
        description=_l("Used only for statistics on who was trained."),
    )
    organisation = SelectField(
        _l("Organisation"), validate_choice=False,
        validators=[DataRequired(message=_l("Please choose your organisation, or “Other” and type its name."))],
    )
    organisation_other = StringField(
        _l("Name of your organisation"), filters=[single_line],
        validators=[Length(max=200), printable],  # not Optional: "Other" makes it required (below)
        description=_l("Only if it is not in the list above."),
    )
    position = StringField(
        _l("Position or rank"), filters=[single_line], validators=[Optional(), Length(max=200), printable],
    )
    phone = TelField(
        _l("Telephone"), filters=[single_line], validators=[Optional(), Length(max=40), phone_number],
    )

    def set_organisation_choices(self, organisations):
        """Offer ``organisations`` (``organisations.services.all_organisations()``), by name in the reader's
        language, then "Other"."""
        self.organisation.choices = (
            [("", _l("Choose your organisation"))]
            + sorted(((str(o.id), localized(o, "name")) for o in organisations), key=lambda item: item[1].lower())
            + [(OTHER_ORGANISATION, _l("Other (not in the list)"))]
        )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return not name_missing(self) and valid

    def validate_organisation(self, field):
        known = {value for value, _label in field.choices if value}
        if field.data not in known:
            raise ValidationError(_l("Choose an organisation from the list."))

    def validate_organisation_other(self, field):
        if self.organisation.data == OTHER_ORGANISATION and not field.data:
            raise ValidationError(_l("Please type the name of your organisation."))

    def validate_sex(self, field):
        if field.data not in SEXES:
            raise ValidationError(_l("Please choose one."))

    def details(self) -> PersonalDetails:
        """The answers as participant fields (empty answers become None)."""
        other = self.organisation.data == OTHER_ORGANISATION
        return PersonalDetails(
            name=stored_name(self.name.data, self.name_ar.data),
            name_ar=self.name_ar.data or None,
            sex=self.sex.data,
            organisation_id=None if other else int(self.organisation.data),
            organisation_other=self.organisation_other.data if other else None,
            position=self.position.data or None,
            phone=self.phone.data or None,
        )

    def fill_from(self, participant):
        """Pre-fill from a stored participant (on GET)."""
        self.name.data, self.name_ar.data, self.sex.data = participant.name, participant.name_ar, participant.sex
        if participant.name == participant.name_ar:  # registered with the Arabic name only
            self.name.data = ""
        self.organisation.data = (
            str(participant.organisation_id) if participant.organisation_id
            else OTHER_ORGANISATION if participant.organisation_other else ""
        )
        self.organisation_other.data = participant.organisation_other
        self.position.data, self.phone.data = participant.position, participant.phone
