"""Errors of the domain: one base class for every rule that refuses a request, and the one place views turn
it into what the user sees.

A service raises a subclass of ``DomainError`` (``TrainingError``, ``RegistrationError`` …) with a message
for the user, and the name of the form field it belongs to when there is one. A view never writes its own
``try / except / flash``: it puts the service call and what follows a success in ``with shows_domain_errors(…)``,
which catches the error, shows it, and lets the view go on to draw its page or redirect as it does on a
refusal.
"""
from contextlib import contextmanager

from flask import flash


class DomainError(ValueError):
    """A rule refused the request; nothing was saved.

    ``message``: shown to the user as it is (already translated). ``field``: the name of the form field the
    error belongs to, or None (a subclass may name one for all its errors). ``status``: the HTTP status of a
    page that answers with the error (422 unless a subclass says otherwise, e.g. 404 for a link that no
    longer works). A ``ValueError``, so older code that catches ``ValueError`` still does.
    """

    status = 422
    field: str | None = None

    def __init__(self, message, field: str | None = None, status: int | None = None):
        super().__init__(str(message))
        if field is not None:  # else the class's own (e.g. "reason" for ReasonRequired)
            self.field = field
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self)


def show_error(target, error: DomainError, category: str = "danger") -> None:
    """Show ``error`` to the user:

    - ``target`` a form: beside the form's field named by ``error.field``, or in a flash message when the
      error has no field or the form no such field;
    - ``target`` a field (``form.reason``): beside that field, whatever ``error.field`` says;
    - ``target`` None: in a flash message of ``category``.
    """
    if target is not None and hasattr(target, "errors") and not hasattr(target, "_fields"):
        target.errors = list(target.errors) + [str(error)]
        return
    field = getattr(target, error.field, None) if target is not None and error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error)]
    else:
        flash(str(error), category)


class Outcome:
    """What ``shows_domain_errors`` yields: ``error`` is the DomainError it caught, or None."""

    error: DomainError | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None


@contextmanager
def shows_domain_errors(target=None, category: str = "danger"):
    """Run the block; when it raises a ``DomainError``, stop the block there, show the error
    (``show_error(target, error, category)``) and carry on after the ``with``.

    Put the service call and what a success does (its flash, its redirect) inside the block, and what a
    refusal does after it::

        if form.validate_on_submit():
            with shows_domain_errors(form):
                changes = services.update_training(training, current_user, TrainingDetails.from_form(form))
                flash_saved(changes, _("Training saved."))
                return redirect(...)
        return render_template(...)          # the form again, the error beside its field

    The yielded ``Outcome`` says whether the block was refused, for a view whose answer differs (a 422).
    Any other exception passes through untouched.
    """
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        outcome.error = error
        show_error(target, error, category)
