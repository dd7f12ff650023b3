"""Who may do what by role, declared in one place: the role groups and the ``roles_required`` decorator.

Rules about one kind of record live next to it (core knows no feature): a training in ``trainings/access.py``,
a course in ``courses/access.py``, an organisation in ``organisations/access.py``, a certificate in
``certificates/access.py``. Views use these decorators and helpers only.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

STAFF_ROLES = ("admin", "officer", "manager")
EDITOR_ROLES = ("admin", "officer")


def roles_required(*roles):
    """Anonymous users are sent to log in; logged-in users without one of ``roles`` get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
