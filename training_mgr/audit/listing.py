"""The filtered, paged audit log, as both log pages show it (all of it for admins, one training's beside it)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import request
from sqlalchemy import false

from ..core.domain import DomainError
from ..core.pagination import requested_page
from ..extensions import db
from . import services
from .forms import AuditFilterForm

PER_PAGE = 50


class AuditFilterError(DomainError):
    """A filter of the log cannot be read (a date that is no date): nothing is exported; the message names the
    field and what is wrong."""

    status = 400


def filtered_query(training_id: int | None = None, tz: str | None = None, trainings=()):
    """(the filter form filled from the query string, the query of the entries it selects), of one training's log
    when ``training_id`` is given (else ``trainings``, (id, title) pairs, are offered as a filter); the days of
    the date filters are days in ``tz`` (default UTC)."""
    actions, users = services.filter_choices(training_id)
    filters = AuditFilterForm(request.args, actions=actions, users=users, trainings=trainings)
    filters.validate()
    zone = ZoneInfo(tz or "UTC")
    day_start = lambda day: datetime.combine(day, time(0), tzinfo=zone)  # noqa: E731
    query = services.entries_query(
        training_id if training_id is not None else filters.training_id.data,
        action=filters.action.data or None, user_id=filters.user_id.data, person=filters.person.data or None,
        since=day_start(filters.date_from.data) if filters.date_from.data else None,
        until=day_start(filters.date_to.data + timedelta(days=1)) if filters.date_to.data else None,
    )
    if bad_dates(filters):  # a filter that cannot be read selects nothing rather than everything
        query = query.where(false())
    return filters, query


def bad_dates(filters) -> list:
    """The date fields of ``filters`` that hold no date (their errors say why)."""
    return [field for field in (filters.date_from, filters.date_to) if field.errors]


def filtered_page(training_id: int | None = None, tz: str | None = None, trainings=()):
    """(the filter form, the page of entries it selects): ``filtered_query`` a page at a time."""
    filters, query = filtered_query(training_id, tz, trainings)
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    return filters, page


#: most entries one CSV export holds
MAX_EXPORT = 50_000


def export_entries(training_id: int | None = None, tz: str | None = None):
    """The entries the query string's filters select, newest first, at most ``MAX_EXPORT``. Raises
    AuditFilterError when a filter cannot be read (rather than exporting the whole log unfiltered)."""
    filters, query = filtered_query(training_id, tz)
    wrong = bad_dates(filters)
    if wrong:
        raise AuditFilterError(" ".join(f"{field.label.text}: {' '.join(map(str, field.errors))}" for field in wrong))
    return db.session.scalars(query.limit(MAX_EXPORT)).all()
