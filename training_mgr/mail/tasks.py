"""Background jobs of the outbox: sending what a commit queued, and retrying what is due (``core.jobs``)."""
from ..core.jobs import job
from . import services


@job()
def send_outbound_emails(message_ids: list[int]) -> tuple[int, int]:
    """Send these committed outbox messages (ids), in order; returns (sent, not sent).

    Queued once per commit with the messages that commit wrote (``services.send_after_commit``). Safe to run
    twice: each message is claimed before it is sent, so one already sent, or being sent by another run, is
    skipped. A server that cannot be reached leaves the rest to ``send_pending_emails``, as a request would.
    """
    return services.deliver(message_ids)


@job()
def send_pending_emails() -> tuple[int, int]:
    """Send the outbox messages that are due (retries), oldest first; recurring (MAIL_SEND_PENDING_EVERY_SECONDS)."""
    return services.send_pending()
