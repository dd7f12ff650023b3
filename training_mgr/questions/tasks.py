"""Background jobs of registration questions (``core.jobs``)."""
from ..core.jobs import job
from . import services


@job()
def erase_expired_sensitive_answers() -> int:
    """Erase the sensitive answers of trainings past their retention period
    (``services.erase_expired_sensitive_answers``); recurring (SENSITIVE_ANSWERS_ERASURE_EVERY_SECONDS). Returns how
    many answers were erased; safe to run again."""
    return services.erase_expired_sensitive_answers()
