"""Background jobs of evaluation (``core.jobs``)."""
from ..core.jobs import job
from . import followup


@job()
def send_follow_up_surveys() -> tuple[int, int]:
    """E-mail the follow-up surveys that are due and their reminders (``followup.send_follow_up_surveys``);
    recurring (EVALUATION_FOLLOW_UP_EVERY_SECONDS). Returns (invitations, reminders); safe to run again."""
    return followup.send_follow_up_surveys()
