"""Translated labels for every stored code word (statuses, roles, kinds), used by templates, PDFs and exports."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {"admin": _l("Admin"), "officer": _l("Programme officer"), "manager": _l("Manager"), "participant": _l("Participant")}
SESSION_STATUS_LABELS = {
    "draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed"), "completed": _l("Completed"), "cancelled": _l("Cancelled"),
}
REGISTRATION_STATUS_LABELS = {
    "pending": _l("Pending"), "confirmed": _l("Confirmed"), "waitlisted": _l("Waiting list"),
    "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
}
MARK_LABELS = {"present": _l("Present"), "late": _l("Late"), "excused": _l("Excused"), "absent": _l("Absent")}
RECOMMENDATION_STATUS_LABELS = {
    "proposed": _l("Proposed"), "agreed": _l("Agreed"), "in_progress": _l("In progress"),
    "implemented": _l("Implemented"), "not_pursued": _l("Not pursued"),
}
SEX_LABELS = {"female": _l("Female"), "male": _l("Male")}
ORGANISATION_KIND_LABELS = {
    "ministry": _l("Ministry"), "commission": _l("Commission"), "authority": _l("Authority"),
    "un_agency": _l("UN agency"), "institute": _l("Institute"), "ngo": _l("NGO"), "other": _l("Other"),
}
CONFIRMATION_MODE_LABELS = {"automatic": _l("Automatic until full, then waiting list"), "approval": _l("Approval by an officer")}
LANGUAGE_LABELS = {"en": _l("English"), "ar": _l("Arabic"), "en_ar": _l("English and Arabic")}
CERTIFICATE_STATUS_LABELS = {"valid": _l("Valid"), "revoked": _l("Revoked")}
ORGANISER_ROLE_LABELS = {"host": _l("Host"), "co_organiser": _l("Co-organiser")}

ALL_LABELS = {
    "role_labels": ROLE_LABELS,
    "session_status_labels": SESSION_STATUS_LABELS,
    "registration_status_labels": REGISTRATION_STATUS_LABELS,
    "mark_labels": MARK_LABELS,
    "recommendation_status_labels": RECOMMENDATION_STATUS_LABELS,
    "sex_labels": SEX_LABELS,
    "organisation_kind_labels": ORGANISATION_KIND_LABELS,
    "confirmation_mode_labels": CONFIRMATION_MODE_LABELS,
    "language_labels": LANGUAGE_LABELS,
    "certificate_status_labels": CERTIFICATE_STATUS_LABELS,
    "organiser_role_labels": ORGANISER_ROLE_LABELS,
}
