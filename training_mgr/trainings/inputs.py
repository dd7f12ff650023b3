"""What an officer types about a training, as typed inputs for the services in ``services.py``,
``signatories.py`` and ``organisers.py``; each is built in the view from its form (``from_form``)."""
from dataclasses import dataclass, fields
from datetime import date, datetime

from ..core.db import as_utc
from ..core.forms import form_values


@dataclass(frozen=True)
class TrainingDetails:
    """A training's main fields, as on its edit form. Texts are stripped, None when left empty; English and
    Arabic pairs.

    - ``title``: on a new training None takes the course's title (and ``title_ar`` the course's)
    - ``start_date``, ``end_date``: the first and the last day (calendar dates where the training takes place),
      both or neither, at most ``services.MAX_DAYS`` days; on a new training a missing last day follows from the
      course's default length
    - ``venue``, ``city``; ``country`` a two-letter ISO 3166 code
    - ``language``: one of ``models.LANGUAGES`` (None on a new training: "en_ar")
    - ``timezone``: an IANA zone name such as "Asia/Baghdad" (None on a new training: "Asia/Baghdad")
    - ``capacity``: seats, at least 1, or None for not yet decided
    - ``registration_opens_at``, ``registration_closes_at``: the online registration window, as naive wall-clock
      times in ``timezone`` (what the officer typed; the service stores UTC) or aware datetimes; None for no limit
    - ``late_registration``: online registration stays open until the last day instead of closing on the first
      (None on a new training: False)
    - ``confirmation_mode``: one of ``models.CONFIRMATION_MODES`` (None on a new training: "automatic")
    - ``notes``: free text for officers
    """

    title: str | None = None
    title_ar: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    venue: str | None = None
    venue_ar: str | None = None
    city: str | None = None
    city_ar: str | None = None
    country: str | None = None
    language: str | None = None
    timezone: str | None = None
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    late_registration: bool | None = None
    confirmation_mode: str | None = None
    notes: str | None = None

    @classmethod
    def from_form(cls, form) -> "TrainingDetails":
        """The details a ``forms.TrainingForm`` (or ``NewTrainingForm``) holds; an empty answer becomes None."""
        values = form_values(form)
        return cls(**{field.name: values.get(field.name) for field in fields(cls)})

    @classmethod
    def of(cls, training) -> "TrainingDetails":
        """The details ``training`` has now, the window in UTC (to edit a few with ``dataclasses.replace``)."""
        values = {field.name: getattr(training, field.name) for field in fields(cls)}
        for name in ("registration_opens_at", "registration_closes_at"):
            values[name] = as_utc(values[name])
        return cls(**values)


@dataclass(frozen=True)
class CertificateRule:
    """Who earns a certificate of a training (the rule the certificates feature applies).

    - ``cert_min_attendance``: the share of the training's days a participant must attend, in percent, 0..100
      (None is refused)
    - ``cert_late_counts``: a day marked late counts as attended
    - ``cert_excused_excluded``: excused days are left out of the days counted
    """

    cert_min_attendance: int | None
    cert_late_counts: bool = True
    cert_excused_excluded: bool = True

    @classmethod
    def from_form(cls, form) -> "CertificateRule":
        """The rule a ``forms.CertificateRuleForm`` holds."""
        return cls(**{field.name: form[field.name].data for field in fields(cls)})


@dataclass(frozen=True)
class SignatoryDetails:
    """A signatory printed on a training's certificates: ``name`` (required) and ``title`` (the post, e.g. "Chief
    of Mission"), in English and Arabic. Texts are stripped, None when left empty."""

    name: str | None
    name_ar: str | None = None
    title: str | None = None
    title_ar: str | None = None

    @classmethod
    def from_form(cls, form) -> "SignatoryDetails":
        """The details a ``forms.SignatoryForm`` holds (its image is read apart); an empty answer becomes None."""
        values = form_values(form)
        return cls(**{field.name: values.get(field.name) for field in fields(cls)})

    @classmethod
    def of(cls, signatory) -> "SignatoryDetails":
        """The details ``signatory`` has now (to edit a few with ``dataclasses.replace``)."""
        return cls(**{field.name: getattr(signatory, field.name) for field in fields(cls)})
