"""Background jobs of participants' personal data (``core.jobs``): the retention rule."""
from ..core.jobs import job
from . import services


@job()
def apply_retention() -> int | None:
    """Erase the details of everyone the retention rule selects (``services.apply_retention``); recurring
    (RETENTION_EVERY_SECONDS). Returns how many were erased (None: the rule is off); safe to run again."""
    result = services.apply_retention()
    return None if result is None else result.count
