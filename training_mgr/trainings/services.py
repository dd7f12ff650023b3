"""Training sessions: scheduling from a course, session days, and the status a training moves through.
Every write is audited and committed once. Organisers, officers and quotas are in ``organisers.py``; the
certificate rule and signatories in ``signatories.py``.

Times are stored in UTC. The registration window arrives here as the training's local wall-clock time
(what the officer typed) and is converted with the training's time zone.
"""
import zoneinfo
from dataclasses import asdict, fields
from datetime import date, datetime, timedelta, timezone

from flask_babel import gettext as _

from ..audit import services as audit
from ..core import signals
from ..core.db import as_utc, utcnow
from ..core.domain import DomainError
from ..core.forms import is_country_code, timezone_names
from ..extensions import db
from .inputs import TrainingDetails
from .models import CONFIRMATION_MODES, LANGUAGES, SessionDay, TrainingSession

#: status -> the statuses a training may move to from it
STATUS_TRANSITIONS = {
    "draft": ("open", "cancelled"),
    "open": ("closed", "cancelled"),
    "closed": ("open", "completed", "cancelled"),
    "completed": (),
    "cancelled": (),
}
#: what each move is called in the audit log
STATUS_ACTIONS = {"open": "open", "closed": "close", "completed": "complete", "cancelled": "cancel"}
#: statuses in which a training is still being prepared or run
ACTIVE_STATUSES = ("draft", "open", "closed")

#: the fields of a training's main edit form (``inputs.TrainingDetails``)
DETAIL_FIELDS = tuple(field.name for field in fields(TrainingDetails))
WINDOW_FIELDS = ("registration_opens_at", "registration_closes_at")

#: longest training, in calendar days; a typo in a year must not make thousands of days
MAX_DAYS = 60


class TrainingError(DomainError):
    """A training rule refused the request."""


# --- time --------------------------------------------------------------------------------------------

def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_today(training: TrainingSession, now: datetime | None = None) -> date:
    """Today's date where the training takes place."""
    return (now or utcnow()).astimezone(_zone(training.timezone)).date()


def to_local(value: datetime | None, tz_name: str | None) -> datetime | None:
    """A stored UTC time as naive wall-clock time in ``tz_name`` (for forms and display)."""
    if value is None:
        return None
    return as_utc(value).astimezone(_zone(tz_name)).replace(tzinfo=None)


def to_utc(value: datetime | None, tz_name: str | None) -> datetime | None:
    """Wall-clock time in ``tz_name`` (naive) as an aware UTC time; aware values are only converted."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(tz_name))
    return value.astimezone(timezone.utc)


def date_span(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --- creating and editing ----------------------------------------------------------------------------

def _check_details(values: dict) -> None:
    """Rules on a training's main fields, each reported beside its field."""
    if not (values.get("title") or "").strip():
        raise TrainingError(_("A training needs an English title."), "title")
    start, end = values.get("start_date"), values.get("end_date")
    if bool(start) != bool(end):
        raise TrainingError(_("Give both the first and the last day, or neither."), "end_date" if start else "start_date")
    if start and end:
        if end < start:
            raise TrainingError(_("The last day cannot be before the first day."), "end_date")
        if (end - start).days + 1 > MAX_DAYS:
            raise TrainingError(_("A training cannot last more than %(max)d days.", max=MAX_DAYS), "end_date")
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        raise TrainingError(_("The capacity must be at least 1."), "capacity")
    if not is_country_code(values.get("country")):
        raise TrainingError(_("Choose a country."), "country")
    if values.get("language") not in LANGUAGES:
        raise TrainingError(_("Choose the language of delivery."), "language")
    if values.get("timezone") not in timezone_names():
        raise TrainingError(_("Choose a time zone."), "timezone")
    if values.get("confirmation_mode") not in CONFIRMATION_MODES:
        raise TrainingError(_("Choose how registrations are confirmed."), "confirmation_mode")
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens and closes and as_utc(closes) <= as_utc(opens):
        raise TrainingError(_("Registration must close after it opens."), "registration_closes_at")


def _with_utc_window(values: dict) -> dict:
    values = dict(values)
    for name in WINDOW_FIELDS:
        if name in values:
            values[name] = to_utc(values[name], values.get("timezone"))
    return values


def create_training(course, by_user, details: TrainingDetails) -> TrainingSession:
    """Schedule a draft training of ``course`` with ``details``: title copied from the course when left empty, one
    session day per date. Without a last day, the course's default length (days) decides it. The officer who
    creates it manages it. Audited as ``training.create``.

    Raises TrainingError beside its field: no course or an archived one (``course_id``), and the rules on the
    details (``_check_details``: title, dates and their length, capacity, country, language, time zone,
    confirmation mode, a window that closes after it opens)."""
    if course is None:
        raise TrainingError(_("Choose a course."), "course_id")
    if course.archived_at is not None:
        raise TrainingError(_("This course is archived and cannot be scheduled."), "course_id")
    values = asdict(details)
    values["title"] = values["title"] or course.title
    values["title_ar"] = values["title_ar"] or course.title_ar
    values["language"] = values["language"] or "en_ar"
    values["timezone"] = values["timezone"] or "Asia/Baghdad"
    values["confirmation_mode"] = values["confirmation_mode"] or "automatic"
    values["late_registration"] = bool(values["late_registration"])
    if values["start_date"] and not values["end_date"]:
        values["end_date"] = values["start_date"] + timedelta(days=(course.default_days or 1) - 1)
    values = _with_utc_window(values)
    _check_details(values)

    training = TrainingSession(course=course, status="draft", **values)
    if values["start_date"]:
        training.days = [SessionDay(date=d) for d in date_span(values["start_date"], values["end_date"])]
    if getattr(by_user, "role", None) == "officer":
        training.officers.append(by_user)
    db.session.add(training)
    audit.record(by_user, "training.create", training,
                 f"Training scheduled: {training.title} ({course.title})",
                 details={"title": training.title, "title_ar": training.title_ar})
    db.session.commit()
    return training


def update_training(training: TrainingSession, by_user, details: TrainingDetails) -> dict:
    """Give the training every field of ``details``; days follow the dates. Return what changed,
    ``{field: [old, new]}`` plus ``"days": [removed, added]`` ({} when nothing did), audited as ``training.update``.

    Days outside the new dates are removed (refused when they hold attendance marks); days the new
    dates add are created. A raised capacity gives free seats to the waiting list. Raises TrainingError for the
    rules ``create_training`` gives, new dates on a completed training (``start_date``), and a capacity below
    the seats already taken (``capacity``).
    """
    merged = asdict(details)
    merged["late_registration"] = bool(merged["late_registration"])
    for name in WINDOW_FIELDS:  # typed times are read in the training's (possibly new) time zone
        merged[name] = to_utc(merged[name], merged["timezone"])
    _check_details(merged)
    dates_change = (merged["start_date"], merged["end_date"]) != (training.start_date, training.end_date)
    if dates_change and training.status == "completed":
        raise TrainingError(_("The dates of a completed training cannot be changed."), "start_date")
    capacity = merged["capacity"]
    if capacity is not None and capacity != training.capacity:
        taken = _seats_taken(training)
        if capacity < taken:
            raise TrainingError(
                _("%(taken)d seats are already confirmed; the capacity cannot be lower.", taken=taken), "capacity"
            )
    old_capacity = training.capacity
    old_start, old_end = training.start_date, training.end_date
    for name in WINDOW_FIELDS:  # SQLite hands back naive UTC; compare like with like
        setattr(training, name, as_utc(getattr(training, name)))

    changes = audit.diff(training, DETAIL_FIELDS, merged)
    if dates_change:
        try:
            day_changes = _sync_days(training, old_start, old_end)
        except TrainingError:
            db.session.rollback()
            raise
        if day_changes:
            changes["days"] = day_changes
    if not changes:
        db.session.rollback()
        return {}
    audit.record(by_user, "training.update", training, f"Training edited: {training.title}", changes=changes,
                 details={"title": training.title, "title_ar": training.title_ar})
    db.session.commit()
    if _more_seats(old_capacity, training.capacity):
        signals.seats_freed.send(training, by_user=by_user)
    return changes


def _more_seats(old_capacity, new_capacity) -> bool:
    return old_capacity is not None and (new_capacity is None or new_capacity > old_capacity)


def _seats_taken(training: TrainingSession) -> int:
    """Seats the training's registrations take now, as registrations counts them (``signals.seats_in_use``)."""
    return sum(answer for _receiver, answer in signals.seats_in_use.send(training))


def _days_with_marks(training: TrainingSession, day_ids) -> set[int]:
    """Which of ``day_ids`` hold attendance marks (``signals.days_in_use``, answered by attendance)."""
    day_ids = list(day_ids)
    return set().union(*(answer for _receiver, answer in signals.days_in_use.send(training, day_ids=day_ids)))


def _sync_days(training: TrainingSession, old_start: date | None, old_end: date | None) -> list | None:
    """Make the days fit the training's (new) dates; return [removed dates, added dates] or None."""
    start, end = training.start_date, training.end_date
    in_range = (lambda d: start <= d <= end) if start and end else (lambda d: False)
    was_in_range = (lambda d: old_start <= d <= old_end) if old_start and old_end else (lambda d: False)
    dropped = [day for day in training.days if not in_range(day.date)]
    if _days_with_marks(training, (day.id for day in dropped if day.id)):
        raise TrainingError(
            _("Attendance is already recorded on a day these dates would remove. Keep that day in the dates."),
            "start_date",
        )
    kept = {day.date for day in training.days if in_range(day.date)}
    added = [d for d in (date_span(start, end) if start and end else []) if d not in kept and not was_in_range(d)]
    for day in dropped:
        training.days.remove(day)
    for d in added:
        training.days.append(SessionDay(date=d))
    training.days.sort(key=lambda day: day.date)
    if not dropped and not added:
        return None
    return [[d.date.isoformat() for d in dropped], [d.isoformat() for d in added]]


# --- session days ------------------------------------------------------------------------------------

def _require_days_editable(training: TrainingSession) -> None:
    if training.status == "completed":
        raise TrainingError(_("The days of a completed training cannot be changed."))


def _fit_dates_to_days(training: TrainingSession) -> None:
    """The training's first and last day follow its session days."""
    if training.days:
        training.start_date = min(day.date for day in training.days)
        training.end_date = max(day.date for day in training.days)


def add_day(training: TrainingSession, by_user, day_date: date, title: str | None = None) -> SessionDay:
    """Add one session day; a day outside the dates moves the first or last day to include it."""
    _require_days_editable(training)
    if day_date is None:
        raise TrainingError(_("Give the date of the day."), "date")
    if any(day.date == day_date for day in training.days):
        raise TrainingError(_("This training already has a day on that date."), "date")
    dates = [day.date for day in training.days] + [day_date]
    if (max(dates) - min(dates)).days + 1 > MAX_DAYS:
        raise TrainingError(_("A training cannot last more than %(max)d days.", max=MAX_DAYS), "date")
    day = SessionDay(date=day_date, title=title)
    training.days.append(day)
    training.days.sort(key=lambda d: d.date)
    _fit_dates_to_days(training)
    audit.record(by_user, "training.day_add", day, f"Day added: {day_date.isoformat()}" + (f" ({title})" if title else ""),
                 training_id=training.id, details={"day": day_date})
    db.session.commit()
    return day


def update_day(day: SessionDay, by_user, title: str | None) -> dict:
    changes = audit.diff(day, ("title",), {"title": title})
    if changes:
        audit.record(by_user, "training.day_update", day, f"Day {day.date.isoformat()} renamed",
                     changes=changes, training_id=day.training_id, details={"day": day.date})
        db.session.commit()
    return changes


def remove_day(day: SessionDay, by_user) -> None:
    """Remove a session day that has no attendance marks; the dates shrink to the remaining days."""
    training = day.training
    _require_days_editable(training)
    if _days_with_marks(training, [day.id]):
        raise TrainingError(_("Attendance is already recorded on this day; it cannot be removed."))
    training.days.remove(day)
    _fit_dates_to_days(training)
    audit.record(by_user, "training.day_remove", day, f"Day removed: {day.date.isoformat()}",
                 changes={"date": [day.date, None]}, training_id=training.id, details={"day": day.date})
    db.session.commit()


# --- status ------------------------------------------------------------------------------------------

def open_problems(training: TrainingSession) -> list[str]:
    """What stops the training from opening for registration (empty when it can open)."""
    problems = []
    if not training.start_date or not training.end_date:
        problems.append(_("Set the dates."))
    if not training.days:
        problems.append(_("Add at least one session day."))
    if not training.capacity:
        problems.append(_("Set the capacity."))
    return problems


def last_day(training: TrainingSession) -> date | None:
    return max([day.date for day in training.days] + ([training.end_date] if training.end_date else []),
               default=None)


def change_status(training: TrainingSession, new_status: str, by_user, reason: str | None = None,
                  now: datetime | None = None) -> None:
    """Move the training along draft → open → closed → completed, back from closed to open, or to cancelled.

    Opening needs dates, days and a capacity; completing waits for the last day; cancelling needs a
    reason, and tells the people registered once the change is committed.
    """
    old_status = training.status
    if new_status not in STATUS_TRANSITIONS.get(old_status, ()):
        raise TrainingError(_("A %(old)s training cannot be made %(new)s.", old=_status_label(old_status),
                              new=_status_label(new_status)))
    now = now or utcnow()
    if new_status == "open":
        problems = open_problems(training)
        if problems:
            raise TrainingError(_("The training cannot open yet:") + " " + " ".join(problems))
    elif new_status == "completed":
        last = last_day(training)
        if last is None or local_today(training, now) < last:
            raise TrainingError(_("A training cannot be completed before its last day."))
        training.completed_at = now
    elif new_status == "cancelled":
        reason = (reason or "").strip()
        if not reason:
            raise TrainingError(_("Give the reason for cancelling."), "reason")
        training.cancel_reason, training.cancelled_at = reason, now
    training.status = new_status
    action = "reopen" if (old_status, new_status) == ("closed", "open") else STATUS_ACTIONS[new_status]
    audit.record(by_user, f"training.{action}", training, f"Training {old_status} → {new_status}" + (f": {reason}" if reason else ""),
                 changes={"status": [old_status, new_status]},
                 details={"title": training.title, "title_ar": training.title_ar, "reason": reason or None})
    db.session.commit()
    if new_status == "cancelled":
        signals.training_cancelled.send(training)


def _status_label(status: str) -> str:
    from ..core.labels import SESSION_STATUS_LABELS

    return str(SESSION_STATUS_LABELS.get(status, status)).lower()


