"""Events that let a feature react to something core (or another feature) does without being imported by it.

Blinker signals, connected in ``create_app``; a receiver runs at once, inside the sender's request.
"""
from blinker import Namespace

_signals = Namespace()

#: a logged-in user chose a language with ``?lang=`` (sender: the user; ``lang``: the language code). The auth
#: feature keeps it in the profile: ``auth.services.set_preferred_language``.
language_chosen = _signals.signal("language-chosen")
