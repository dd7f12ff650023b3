"""E-mail of the nominations, queued in the outbox within the caller's transaction (sent once it commits)."""
from ..core.i18n import fmt_date
from ..core.urls import public_url


def _deadline_text(invitation, locale) -> str:
    from flask_babel import force_locale

    with force_locale(locale):
        return fmt_date(invitation.deadline_day, "long")


def _title(training, locale) -> str:
    return (training.title_ar or training.title) if locale == "ar" else (training.title or training.title_ar)


def invitation(invitation, token: str) -> None:
    """The focal point's invitation, with the link to nominate (``token`` is only ever in this message); the link
    opens the page in the invitation's language."""
    from ..mail import messages as mail

    locale = invitation.locale
    mail.compose(
        invitation.focal_point_email, "nomination.invitation", "nomination_invitation", locale,
        recipient_name=invitation.focal_point_name, training=invitation.training, invitation=invitation,
        title=_title(invitation.training, locale), link=public_url("nominations.focal_point", token=token, lang=locale),
        deadline=_deadline_text(invitation, locale),
    )


def deadline_reminder(invitation, used: int) -> None:
    """The reminder before the deadline; the focal point uses the link of the invitation (not repeated here:
    only its hash is stored)."""
    from ..mail import messages as mail

    locale = invitation.locale
    mail.compose(
        invitation.focal_point_email, "nomination.reminder", "nomination_reminder", locale,
        recipient_name=invitation.focal_point_name, training=invitation.training, invitation=invitation,
        title=_title(invitation.training, locale), deadline=_deadline_text(invitation, locale),
        used=used, left=max(invitation.seats - used, 0),
    )


def nominee(nomination, token: str) -> None:
    """The nominee learns they were nominated, and gets the link to check and confirm their own details."""
    from ..mail import messages as mail

    participant = nomination.registration.participant
    if participant.erased_at is not None:
        return
    invitation = nomination.invitation
    locale = participant.locale or invitation.locale
    mail.compose(
        nomination.email, "nomination.nominee", "nomination_nominee", locale,
        recipient_name=(nomination.name_ar if locale == "ar" and nomination.name_ar else nomination.name),
        training=invitation.training, invitation=invitation, title=_title(invitation.training, locale),
        link=public_url("nominations.nominee", token=token, lang=locale),
        session_url=public_url("catalogue.session_page", training_id=invitation.training_id),
    )
