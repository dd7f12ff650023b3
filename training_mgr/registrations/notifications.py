"""E-mail to participants when their registration or training changes. Called after the commit that made the change."""


def registration_changed(registration, event: str) -> None:
    """``event`` is one of received, confirmed, waitlisted, promoted, rejected, withdrawn, pending."""
    from ..mail import services as mail

    mail.notify_registration(registration, event)


def training_cancelled(training_session) -> None:
    """Tell everyone registered (not rejected or withdrawn) that the training is cancelled."""
