"""Background jobs of messages (``core.jobs``)."""
from ..core.jobs import job
from . import scheduled


@job()
def send_due_messages() -> dict:
    """Queue the reminders, certificate notices and evaluation links that are due (``scheduled.send_due_messages``);
    recurring (MESSAGES_EVERY_SECONDS). Returns {kind: messages queued}; each person gets each message once."""
    return scheduled.send_due_messages()


def announce_issued_certificates(training, **_):
    """``core.signals.certificates_issued``: queue the due messages now (after the response, in a request), so that
    "your certificate is ready" reaches people once their certificates are issued, not at the next recurring run."""
    send_due_messages.delay_after_response()
