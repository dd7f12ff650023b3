"""Background jobs of messages (``core.jobs``)."""
from ..core.jobs import job
from . import scheduled


@job()
def send_due_messages() -> dict:
    """Queue the reminders, certificate notices and evaluation links that are due (``scheduled.send_due_messages``);
    recurring (MESSAGES_EVERY_SECONDS). Returns {kind: messages queued}; each person gets each message once."""
    return scheduled.send_due_messages()
