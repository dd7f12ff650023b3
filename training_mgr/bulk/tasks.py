"""Background jobs of the bulk-job records (``core.jobs``)."""
from ..core.jobs import job
from . import services


@job()
def resume_stalled_jobs() -> int:
    """Queue again the bulk jobs a lost worker (or a lost queue) left unfinished (``services.resume_stalled``);
    recurring (JOB_RESUME_EVERY_SECONDS). Returns how many; safe to run again at any time."""
    return services.resume_stalled()


@job()
def forget_old_job_files() -> int:
    """Drop the files of bulk jobs finished more than JOB_FILES_KEPT_DAYS ago (``services.forget_old_files``);
    recurring (JOB_FILES_CLEANUP_EVERY_SECONDS). Returns how many."""
    return services.forget_old_files()
