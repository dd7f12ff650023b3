"""Background jobs of the bulk-job records (``core.jobs``)."""
from ..core.jobs import job
from . import services


@job()
def resume_stalled_jobs() -> int:
    """Queue again the bulk jobs a lost worker (or a lost queue) left unfinished (``services.resume_stalled``);
    recurring (JOB_RESUME_EVERY_SECONDS). Returns how many; safe to run again at any time."""
    return services.resume_stalled()
