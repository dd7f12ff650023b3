"""Background jobs of nominations (``core.jobs``)."""
from ..core.jobs import job
from . import reminders


@job()
def send_deadline_reminders() -> int:
    """Remind focal points of the nomination deadline (``reminders.send_deadline_reminders``); recurring
    (NOMINATION_REMINDER_EVERY_SECONDS). Returns how many were reminded; each is reminded once."""
    return reminders.send_deadline_reminders()
