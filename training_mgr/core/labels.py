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
INSTRUMENT_KIND_LABELS = {
    "pre": _l("Pre-test"), "post": _l("Post-test"), "reaction": _l("Reaction survey"), "follow_up": _l("Follow-up survey"),
}
BOOLEAN_LABELS = {True: _l("Yes"), False: _l("No")}
QUESTION_KIND_LABELS = {
    "short_text": _l("Short text"), "long_text": _l("Long text"), "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"), "date": _l("Date"), "yes_no": _l("Yes or no"),
}

#: what each stored field is called where it is changed (the forms' own labels, so the words are the same), for
#: change lists such as the audit log's; a field of one record kind only is named by ``"Kind.field"``
FIELD_LABELS = {
    "title": _l("Title (English)"), "title_ar": _l("Title (Arabic)"), "name": _l("Name"), "name_ar": _l("Name (Arabic)"),
    "start_date": _l("First day"), "end_date": _l("Last day"), "venue": _l("Venue (English)"),
    "venue_ar": _l("Venue (Arabic)"), "city": _l("City (English)"), "city_ar": _l("City (Arabic)"),
    "country": _l("Country"), "language": _l("Language of delivery"), "timezone": _l("Time zone"),
    "capacity": _l("Capacity (seats)"), "registration_opens_at": _l("Registration opens"),
    "registration_closes_at": _l("Registration closes"), "late_registration": _l("Late registration"),
    "confirmation_mode": _l("Confirmation of registrations"), "notes": _l("Notes for officers"),
    "description": _l("Description (English)"), "description_ar": _l("Description (Arabic)"),
    "objectives": _l("Objectives (English)"), "objectives_ar": _l("Objectives (Arabic)"),
    "themes": _l("Themes (English)"), "themes_ar": _l("Themes (Arabic)"), "default_days": _l("Default length (days)"),
    "certificate_wording": _l("Certificate wording (English)"),
    "certificate_wording_ar": _l("Certificate wording (Arabic)"),
    "cert_min_attendance": _l("Attendance needed (percentage of days)"),
    "cert_late_counts": _l("A late arrival counts as attended"),
    "cert_excused_excluded": _l("Excused days are left out of the count"),
    "acronym": _l("Acronym"), "kind": _l("Kind"), "parent_id": _l("Part of"), "steward": _l("Steward"),
    "text": _l("Recommendation (English)"), "text_ar": _l("Recommendation (Arabic)"), "theme": _l("Theme"),
    "responsible_organisation_id": _l("Responsible organisation"), "due_date": _l("Due date"), "status": _l("Status"),
    "sex": _l("Sex"), "organisation_id": _l("Organisation"), "organisation": _l("Organisation"),
    "organisation_other": _l("Organisation not in the list"), "position": _l("Position"), "phone": _l("Phone"),
    "locale": _l("Language for e-mails and pages"), "email": _l("Email"), "role": _l("Role"), "active": _l("Active"),
    "expires_at": _l("Expires"), "reason": _l("Reason"), "serial": _l("Serial number"),
    "replaces": _l("Replaces certificate"), "printed_name": _l("Name on the certificate"),
    "printed_name_ar": _l("Arabic name on the certificate"), "attempts": _l("Attempts"), "last_error": _l("Last error"),
    "recipient": _l("Recipient"), "subject": _l("Subject"), "reminder_days": _l("Days before the first day"),
    "statuses": _l("Status"), "essential": _l("Essential message"), "reference_prefix": _l("Reference prefix"),
    "letter_date": _l("Date of the letters"), "signatory_id": _l("Signed by"), "logo": _l("Logo"),
    "starts_at": _l("Start"), "note": _l("Note"), "date": _l("Date"), "organisers": _l("Organisers"),
    "officers": _l("Managing officers"), "quota": _l("Quota"), "participants": _l("Participants"),
    "registration_ids": _l("Registrations"), "daily_rate": _l("Daily rate"), "currency": _l("Currency"),
    "women_target_percent": _l("Gender balance target"), "sensitive_retention_days": _l("Days sensitive answers are kept"),
    "retention_cutoff": _l("Trainings ended before"),
    "SessionDay.title": _l("Agenda line"),
    "RegistrationQuestion.label": _l("Question (English)"), "RegistrationQuestion.label_ar": _l("Question (Arabic)"),
    "help": _l("Help (English)"), "help_ar": _l("Help (Arabic)"), "choices": _l("Choices"),
    "required": _l("An answer is required"), "sensitive": _l("Sensitive"), "bio": _l("Short bio"),
}

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
    "instrument_kind_labels": INSTRUMENT_KIND_LABELS,
}
