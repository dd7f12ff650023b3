"""Events that let a feature react to something core (or another feature) does without being imported by it.

Blinker signals, connected in ``create_app``; a receiver runs at once, inside the sender's request.
"""
from blinker import Namespace

_signals = Namespace()

#: a participant's details are being erased, in the erasure's transaction, after their name and e-mail were replaced
#: by placeholders (sender: the participant; ``registration_ids``: ids of their registrations; ``training_ids``: ids of
#: the trainings they were registered in). Features that keep more about the person forget it: nominations the
#: details a focal point typed (``nominations.services.forget_nominee``), registration questions the answers
#: (``questions.services.forget_answers``), bulk jobs the files that can name them (``bulk.services.drop_files_naming``).
participant_erased = _signals.signal("participant-erased")

#: a logged-in user chose a language with ``?lang=`` (sender: the user; ``lang``: the language code). The auth
#: feature keeps it in the profile: ``auth.services.set_preferred_language``.
language_chosen = _signals.signal("language-chosen")

# --- between features: the trainings feature sends, features above it answer or react ----------------------------
# Blinker hands back what each receiver returns, so a signal can also ask a question that only a feature higher up
# can answer; with no receiver connected the answer is empty (no seat taken, no day in use).

#: asks how many seats of a training are taken now (sender: the training); a receiver returns a number. Registrations
#: answers (``registrations.seats.training_seats_taken``); trainings refuses a capacity below it.
seats_in_use = _signals.signal("seats-in-use")

#: asks which of a training's days hold records that removing the day would lose (sender: the training; ``day_ids``: a
#: list of SessionDay ids); a receiver returns a set of those ids. Attendance answers with the days that hold marks
#: (``attendance.services.days_with_marks``); trainings refuses to remove them.
days_in_use = _signals.signal("days-in-use")

#: asks whether confirming a registration would pass a quota that a feature above registrations keeps (sender: the
#: registration, its training's seats locked); a receiver returns None, or the reason it would, naming the quota.
#: Nominations answers for a nominee on their organisation's waiting list (``nominations.balance.quota_refusal``);
#: registrations refuses the confirmation unless an officer approves beyond the quota, with a reason
#: (``registrations.services.change_status``), and promotes nobody past it.
confirmation_blocked = _signals.signal("confirmation-blocked")

#: a training has seats to give that it did not have (capacity raised or lifted, an organisation's quota raised or
#: removed), committed (sender: the training; ``by_user``: who changed it). Registrations confirms waiting
#: registrations into them: ``registrations.services.promote_from_waitlist``.
seats_freed = _signals.signal("seats-freed")

#: asks for the link of each registration's badge (sender: the training; ``registration_ids``: a list of Registration
#: ids); a receiver returns {registration id: link}. Check-in answers (``checkin.tokens.badge_urls``); the attendance
#: sign-in sheet prints each link as a QR code beside the person's row.
badge_links = _signals.signal("badge-links")

#: a bulk issue of a training's certificates finished, committed (sender: the training). Messages announces them at
#: once, queuing its job of due messages (``messages.tasks.announce_issued_certificates``), rather than at its next
#: recurring run, up to MESSAGES_EVERY_SECONDS later.
certificates_issued = _signals.signal("certificates-issued")

#: a training was cancelled and the change committed (sender: the training). Registrations tells everyone still
#: registered: ``registrations.notifications.training_cancelled``.
training_cancelled = _signals.signal("training-cancelled")
