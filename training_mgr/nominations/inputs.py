"""What an officer types to invite an organisation, and what a focal point types about a nominee."""
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from ..core.db import utcnow


@dataclass(frozen=True)
class InvitationDetails:
    """An organisation invited to nominate (``services.invite``).

    - ``organisation_id``: the ``Organisation`` whose officials are nominated
    - ``focal_point_name``, ``focal_point_email`` (any case; the service normalises it)
    - ``seats``: the quota, at least 1
    - ``deadline``: the last day nominations are taken; the link works until the end of that day in the
      training's time zone (``deadline_end``)
    - ``locale``: "en" or "ar", the language of the focal point's e-mails
    """

    organisation_id: int
    focal_point_name: str
    focal_point_email: str
    seats: int
    deadline: date
    locale: str = "en"

    @classmethod
    def from_form(cls, form) -> "InvitationDetails":
        return cls(organisation_id=form.organisation_id.data, focal_point_name=form.focal_point_name.data,
                   focal_point_email=form.focal_point_email.data, seats=form.seats.data,
                   deadline=form.deadline.data, locale=form.locale.data or "en")


def deadline_end(day: date, timezone: str) -> datetime:
    """The end of ``day`` (23:59:59) in ``timezone`` (an IANA name), in UTC (as times are stored)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone)).astimezone(dt_timezone.utc)


def default_deadline(training) -> date:
    """A week before the training starts, or two weeks from today when that is past or unknown."""
    today = utcnow().date()
    if training.start_date is not None and (training.start_date - today).days > 7:
        return date.fromordinal(training.start_date.toordinal() - 7)
    return date.fromordinal(today.toordinal() + 14)


@dataclass(frozen=True, kw_only=True)
class NomineeDetails:
    """One official as a focal point nominates them (``services.nominate``): ``name`` (Latin script) and
    ``sex`` ("female" or "male") and ``email`` required; ``name_ar``, ``position``, ``phone`` optional (None)."""

    name: str
    sex: str
    email: str
    name_ar: str | None = None
    position: str | None = None
    phone: str | None = None

    @classmethod
    def from_form(cls, form) -> "NomineeDetails":
        return cls(**{f.name: (getattr(form, f.name).data or None) for f in fields(cls)})

    @classmethod
    def of(cls, nomination) -> "NomineeDetails":
        return cls(**{f.name: getattr(nomination, f.name) for f in fields(cls)})
