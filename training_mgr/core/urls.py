"""Absolute links, and which host names a request may use.

Every absolute link the app hands out (e-mails, QR codes on certificates, .ics files, the API's
``next`` links) is built by ``public_url`` from the configured ``PUBLIC_BASE_URL``, never from the
request: the ``Host`` header is chosen by the client, and a password-reset link built from it would
carry a valid token to whatever host an attacker names.

Requests for a host outside ``TRUSTED_HOSTS`` are refused by Flask (400) before routing; the list is
parsed in ``config.load_config`` (``config.trusted_hosts``). Flask has no URL adapter for such a
request, so its error page must not build links (``untrusted_host_response``).
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError
from werkzeug.routing import IntegerConverter


#: the largest id a database integer column holds (PostgreSQL ``integer``); the ``int`` of every route stops there
LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """The ``<int:…>`` of every route: a number from 0 to LARGEST_ID. A longer one (``/sessions/99999999999999999999``)
    matches no route and answers 404, instead of overflowing the database driver into a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def public_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` under ``PUBLIC_BASE_URL``, e.g.
    ``public_url("certificates.verify", code="7K3M-…")`` -> ``"https://training.example.org/verify/7K3M-…"``.

    Works in and outside a request (e-mails are also composed by ``flask`` commands and jobs) and gives
    the same answer in both. ``values`` are the endpoint's arguments; extra ones become the query string.
    Raises ``werkzeug.routing.BuildError`` for an unknown endpoint or a missing argument.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http",
    )
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    """The host name of ``PUBLIC_BASE_URL`` (no port), e.g. for the ``UID`` of a calendar event."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"


def host_refused() -> bool:
    """True inside a request whose host Flask refused: it then has no URL adapter, and ``url_for`` fails."""
    return has_request_context() and request_ctx.url_adapter is None


def untrusted_host_response():
    """The 400 page for a request whose host is not trusted: a page of its own that builds no links,
    since Flask has no URL adapter for the request (``base.html`` would fail and answer 500)."""
    return render_template("errors/untrusted_host.html", public_base_url=current_app.config["PUBLIC_BASE_URL"]), 400


def refuse_untrusted_host():
    """Raise Flask's 400 for an untrusted host before any other ``before_request`` function (the rate
    limiter, the user loader, the language choice) reads or writes anything for that request."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def init_app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)


def safe_local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site ("/officer/…"), else None: a ``next`` or ``back`` address from
    the request is followed only within the site, never to another host ("//evil.example", "https://…",
    "/\\evil.example")."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
