"""Background jobs of accounts (``core.jobs``)."""
from ..core.jobs import job
from . import services


@job()
def send_password_reset_link(email: str) -> None:
    """E-mail a reset link when an active account has ``email`` (``services.request_password_reset``); nothing
    otherwise. Queued after the "forgot your password?" form has answered (``delay_after_response``), so that the
    answer costs the same whether or not the address has an account."""
    services.request_password_reset(email)
