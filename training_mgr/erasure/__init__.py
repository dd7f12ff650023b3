"""Erasing a participant's personal details, on request or by the retention rule: the page, the rule, the job.

It sits above the features whose records it clears (registrations, attendance, certificates, accounts, mail,
the audit log); the participant model it erases stays in ``participants``."""
