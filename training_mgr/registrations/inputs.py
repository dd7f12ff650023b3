"""What an officer types about a person to register, as a typed input for ``services.py``."""
from dataclasses import dataclass

from ..participants.inputs import stored_name


@dataclass(frozen=True)
class ParticipantDetails:
    """A new participant an officer adds to a training (``services.register_new_participant``).

    - ``name`` (Latin script, or the Arabic one when no Latin one is given), ``name_ar`` (Arabic script, or None);
      the service strips them
    - ``sex``: one of ``participants.models.SEXES``
    - ``email``: any case and surrounding spaces; the service normalises it (``auth.services.normalise_email``) and
      refuses one that already belongs to someone
    - ``organisation_id``: id of the participant's ``Organisation``, or None
    - ``position``: their post; ``phone``: digits, spaces and + ( ) - . (the form checks them)
    """

    name: str
    sex: str
    email: str
    name_ar: str | None = None
    organisation_id: int | None = None
    position: str | None = None
    phone: str | None = None

    @classmethod
    def from_form(cls, form) -> "ParticipantDetails":
        """The details a ``forms.NewParticipantForm`` holds (its status and nominator are passed apart)."""
        return cls(name=stored_name(form.name.data, form.name_ar.data), sex=form.sex.data, email=form.email.data, name_ar=form.name_ar.data or None,
                   organisation_id=form.organisation_id.data, position=form.position.data, phone=form.phone.data)
