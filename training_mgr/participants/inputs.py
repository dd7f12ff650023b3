"""What a person types about themself (the public registration form, their profile), as a typed input for
``catalogue.services.register_online`` and ``account.services.update_profile``."""
from dataclasses import dataclass, fields


@dataclass(frozen=True, kw_only=True)
class PersonalDetails:
    """A participant's own details, as ``forms.ParticipantDetailsForm`` asks them; empty answers are None.

    - ``name`` (Latin script; the Arabic name when only that was given), ``name_ar`` (Arabic script)
    - ``sex``: one of ``models.SEXES``
    - ``organisation_id``: id of their ``Organisation`` from the list, or None when they typed one instead in
      ``organisation_other``
    - ``position``: their post; ``phone``: digits, spaces and + ( ) - . (the form checks them)
    """

    name: str
    name_ar: str | None = None
    sex: str
    organisation_id: int | None = None
    organisation_other: str | None = None
    position: str | None = None
    phone: str | None = None

    @classmethod
    def of(cls, participant) -> "PersonalDetails":
        """The details ``participant`` has now (to edit a few with ``dataclasses.replace``)."""
        return cls(**{field.name: getattr(participant, field.name) for field in fields(cls)})


def stored_name(name: str | None, name_ar: str | None) -> str:
    """The participant's ``name`` column from the two names typed: with the Arabic name only, it stands in the name
    too (lists, sorting) until a Latin one is given."""
    return name or name_ar
