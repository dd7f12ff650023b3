"""Background jobs of registrations (``core.jobs``)."""
from ..core.jobs import job
from . import holds


@job()
def release_expired_holds() -> int:
    """Release seats held past their time to confirm (``holds.release_expired``); recurring
    (HOLD_RELEASE_EVERY_SECONDS). Returns how many were released; safe to run again at any time."""
    return holds.release_expired()
