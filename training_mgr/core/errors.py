"""Friendly error pages (HTML) and JSON errors for the API; crashes roll back and are logged with a request id."""
from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from .db import Busy
from .ratelimit import retry_in
from .urls import host_refused, untrusted_host_response


#: seconds a client is told to wait before trying a request that found a lock taken
BUSY_RETRY_AFTER_SECONDS = 5


def _wants_json():
    return request.path.startswith("/api/")


def init_app(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        if _wants_json():
            return jsonify(error=error.name, status=error.code), error.code
        if host_refused():
            return untrusted_host_response()
        if isinstance(error, CSRFError):
            return render_template("errors/csrf.html", error=error), 400
        template = f"errors/{error.code}.html" if error.code in (400, 403, 404, 405, 413, 429) else "errors/generic.html"
        if error.code == 429:  # the page says when to try again
            return render_template(template, error=error, retry_in=retry_in()), 429
        return render_template(template, error=error), error.code

    @app.errorhandler(Busy)
    def busy(error):
        """A lock was not granted in time (``core.db.bounded_lock_wait``): nothing was saved; try again."""
        db.session.rollback()
        app.logger.warning("Gave up waiting for a lock (request id %s): %s", g.get("request_id"), error.__cause__)
        headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}
        if _wants_json():
            return jsonify(error="Service Unavailable", status=503, message=str(error)), 503, headers
        return render_template("errors/busy.html", message=str(error)), 503, headers

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error (request id %s)", g.get("request_id"))
        if _wants_json():
            return jsonify(error="Internal Server Error", status=500, request_id=g.get("request_id")), 500
        if host_refused():  # no page can be drawn with links for an untrusted host
            return untrusted_host_response()
        return render_template("errors/500.html", request_id=g.get("request_id")), 500
