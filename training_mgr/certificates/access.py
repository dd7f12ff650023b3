"""Who may manage a certificate and who may download its PDF: its training's managers, and its owner."""
from flask import abort
from flask_login import current_user

from ..extensions import db
from ..trainings.access import can_manage_session, require_manage_session
from .models import Certificate


def manageable_certificate(certificate_id: int):
    """The certificate ``certificate_id``: 404 when there is none, 403 when the current user may not manage
    its training (revoking and reissuing follow the training's managers)."""
    certificate = db.get_or_404(Certificate, certificate_id)
    require_manage_session(certificate.registration.training)
    return certificate


def require_certificate_download(certificate) -> None:
    """A certificate's PDF goes to its training's managers (any status) and to its owner while it is valid:
    403 for anyone else, 404 for the owner of a revoked one."""
    manages = can_manage_session(current_user, certificate.registration.training)
    owns = current_user.participant_id is not None and current_user.participant_id == certificate.registration.participant_id
    if not (manages or owns):
        abort(403)
    if not manages and certificate.status != "valid":
        abort(404)
