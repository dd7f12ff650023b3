"""Background jobs: Celery with Redis as broker and result store, or in-process when no Redis is configured.

The pattern is Flask's own ("Background Tasks with Celery"): ``init_app`` makes one Celery app per Flask app,
whose tasks run inside that Flask app's context. A feature declares a job in its ``tasks.py`` with ``@job()``
around a thin call to one of its services; the entry point (``training_mgr.worker``) imports those modules
and hands the recurring ones to the scheduler. Core knows no feature.

- ``REDIS_URL`` set: ``some_job.delay(...)`` puts the job on Redis and returns at once; ``flask worker`` runs it.
- ``REDIS_URL`` unset (the demo, SQLite, the test suite): the same call runs the job at once, in the caller's
  process and app context (Celery's ``task_always_eager``), retries included; a job that fails is logged, and
  ``.get()`` on what ``delay`` returned raises its error.
- ``some_job.delay_after_response(...)``: queued (or, without Redis, run) only once the request's response has been
  sent (``after_response``), so that the answer never waits for it, with or without Redis. Work whose time would
  tell a visitor something (an e-mail sent only to a known address) goes this way.

Every job must be idempotent: it is acknowledged only once it has finished (``task_acks_late``), so a job whose
worker was killed is run again by the next worker, and transient errors (the database or a socket) are retried
with growing delays.
"""
from __future__ import annotations

import os
from functools import update_wrapper

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy.exc import InterfaceError, OperationalError

#: errors that are worth trying again a little later: the database or another server could not be reached
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

#: every job declared with ``@job``, by task name; registered in each Celery app as it is made
_JOBS: dict[str, "Job"] = {}


class Job:
    """A function declared as a background job. Call it to run it here and now; ``delay`` to queue it."""

    def __init__(self, function, name: str, options: dict):
        self.function, self.name, self.options = function, name, options
        update_wrapper(self, function)

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def delay(self, *args, **kwargs):
        """Queue the job (run it now when no Redis is configured); returns Celery's ``AsyncResult``."""
        return self.apply_async(args, kwargs)

    def apply_async(self, args=(), kwargs=None, **options):
        return task(self.name).apply_async(args, kwargs or {}, **options)

    def delay_after_response(self, *args, **kwargs) -> None:
        """``delay`` once the current response has been sent (``after_response``); outside a request, now."""
        after_response(self.delay, *args, **kwargs)


def job(*, retry_for=TRANSIENT_ERRORS, max_retries: int = 5, **options):
    """Declare a background job (in a feature's ``tasks.py``), named ``<module>.<function>``.

    ``retry_for``: exceptions retried automatically, after about 1, 2, 4 … seconds (at most 10 minutes,
    with jitter), up to ``max_retries`` times; anything else fails the job at once and is logged.
    Other ``options`` go to Celery's ``task()`` (e.g. ``ignore_result=False`` to keep the return value).
    """
    def decorate(function):
        name = f"{function.__module__}.{function.__name__}"
        declared = Job(function, name, dict(
            autoretry_for=tuple(retry_for), max_retries=max_retries,
            retry_backoff=True, retry_backoff_max=600, retry_jitter=True, **options,
        ))
        _JOBS[name] = declared
        return declared

    return decorate


#: keys in a request's WSGI environ: the calls waiting for its response to be sent (then True once handed over), and
#: the ``_Once`` that makes them
_AFTER_RESPONSE = "training_mgr.after_response"
_CALLS = "training_mgr.after_response.calls"


def after_response(function, *args, **kwargs) -> None:
    """Call ``function(*args, **kwargs)`` once the current request's response has been sent; outside a request
    (a command, a worker, a call made after the response), call it now.

    The calls are made by the WSGI server's thread once it has taken the response's last byte, or when it closes the
    response (``_SendThenCall``), in a fresh app context of the same app: the visitor's answer takes no longer for
    them, whatever they cost. What they raise is logged and goes no further (the response is gone). Whatever must not
    be lost has to be committed before (the outbox, a job's record): if the process stops first, the call is not made.
    """
    waiting = request.environ.get(_AFTER_RESPONSE) if has_request_context() else True
    if waiting is True:  # no request, or its response has been handed over already
        function(*args, **kwargs)
        return
    if waiting is None:
        waiting = request.environ[_AFTER_RESPONSE] = []
    waiting.append((function, args, kwargs))


def _hand_over_after_response(response):
    """``after_request``: give the calls ``after_response`` kept to ``_SendThenCall``, which makes them once sent."""
    waiting = request.environ.get(_AFTER_RESPONSE)
    request.environ[_AFTER_RESPONSE] = True
    if waiting:
        request.environ[_CALLS] = _Once(current_app._get_current_object(), waiting)
    return response


class _Once:
    """The calls kept for after a response, made once whichever comes first: the last byte sent, or the close."""

    def __init__(self, app: Flask, calls):
        self.app, self.calls = app, calls

    def __call__(self) -> None:
        calls, self.calls = self.calls, None
        if not calls:
            return
        with self.app.app_context():
            for function, args, kwargs in calls:
                try:
                    function(*args, **kwargs)
                except Exception:  # noqa: BLE001 - the response is sent: nobody else could hear of it
                    self.app.logger.exception("%s, called after a response, failed",
                                              getattr(function, "__qualname__", function))


class _SendThenCall:
    """WSGI middleware: a response whose request kept calls for later makes them as soon as the server has taken its
    last byte (the client has it all: Flask gives each body its Content-Length), or else when the server closes it.
    Not only at the close: a development server that meets a connection the browser already reset never closes the
    response (``werkzeug.serving``); a body that is empty waits for the close, as its headers go out after it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        calls = environ.pop(_CALLS, None)
        return body if calls is None else _CallingBody(body, calls)


class _CallingBody:
    def __init__(self, body, calls: _Once):
        self.body, self.calls = body, calls

    def __iter__(self):
        sent = False
        for chunk in self.body:
            sent = sent or bool(chunk)
            yield chunk
        if sent:
            self.calls()

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.calls()


def init_app(app: Flask, beat_schedule: dict | None = None) -> Celery:
    """Make the Celery app of ``app`` (``app.extensions["celery"]``) from its config.

    ``REDIS_URL`` (e.g. "redis://127.0.0.1:6379/0"): broker and result store; None: jobs run eagerly in-process.
    ``beat_schedule``: Celery's ``beat_schedule`` (entry name -> {"task": job name, "schedule": seconds}), run by
    ``flask worker`` (embedded) or ``flask scheduler``.
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            if self.request.is_eager and has_app_context() and current_app._get_current_object() is app:
                return self.run(*args, **kwargs)  # in-process, inside the request or command that queued it
            with app.app_context():  # in a worker: a fresh context (and database session) for every job
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    celery_app = Celery(app.import_name, task_cls=FlaskTask, set_as_current=False)
    celery_app.conf.update(
        broker_url=redis_url or "memory://",
        result_backend=redis_url or None,
        task_always_eager=not redis_url,
        # in-process, a failed job is logged and its error kept in the result (``.get()`` raises it), as a worker
        # would; propagating at once would also stop the retries of transient errors (Celery raises ``Retry``)
        task_eager_propagates=False,
        task_ignore_result=True,  # a job that someone waits for says so (``ignore_result=False``)
        task_acks_late=True,  # a job whose worker died is given to another: jobs are idempotent
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker takes one job at a time, so a long one holds back no others
        broker_connection_retry_on_startup=True,
        # Redis unreachable when a request queues a job: give up within about a second, not the request's life
        # (what the job was for stays in the database: e.g. the outbox sends it on the next scheduled run)
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        # a job taken by a worker that was killed outright (not one of its pool processes: those are given back at
        # once) stays unacknowledged in Redis; after the visibility timeout it goes to another worker. It must be
        # longer than any one job runs (JOB_VISIBILITY_TIMEOUT_SECONDS; long work is split into short parts), and the
        # abandoned jobs are looked for every 10 s rather than Kombu's default of 100 s
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5,
                                  "visibility_timeout": float(app.config.get("JOB_VISIBILITY_TIMEOUT_SECONDS") or 300),
                                  "unacked_restore_interval": 10, "unacked_restore_throttle": 1},
        result_backend_transport_options={"retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                                           "interval_max": 0.5}},
        redis_socket_connect_timeout=2,
        redis_socket_timeout=5,
        worker_hijack_root_logger=False,
        beat_schedule=beat_schedule or {},
        beat_schedule_filename=app.config.get("JOB_SCHEDULE_FILE") or os.path.join(app.instance_path, "celerybeat-schedule"),
        timezone="UTC",
    )
    for declared in _JOBS.values():
        _register(celery_app, declared)
    celery_app.flask_app = app
    app.extensions["celery"] = celery_app
    app.after_request(_hand_over_after_response)
    app.wsgi_app = _SendThenCall(app.wsgi_app)
    return celery_app


def _register(celery_app: Celery, declared: Job):
    return celery_app.task(name=declared.name, **declared.options)(declared.function)


def celery_app(app: Flask | None = None) -> Celery:
    """The Celery app of ``app`` (default: the current Flask app)."""
    return (app or current_app).extensions["celery"]


def task(name: str, app: Flask | None = None):
    """The Celery task ``name`` of ``app``'s Celery app (registered now if it was declared after the app was made)."""
    celery = celery_app(app)
    if name not in celery.tasks:
        _register(celery, _JOBS[name])
    return celery.tasks[name]


def is_eager(app: Flask | None = None) -> bool:
    """True when jobs run in-process (no REDIS_URL)."""
    return bool(celery_app(app).conf.task_always_eager)


#: the Flask app whose worker or scheduler runs in this process
_running: list[Flask] = []


def run_worker(app: Flask, argv: list[str]) -> None:
    """Run the Celery worker of ``app`` with command-line arguments ``argv`` (``celery worker`` options)
    until it is stopped (SIGTERM or Ctrl-C: it finishes the jobs it is running first)."""
    _running.append(app)
    celery = celery_app(app)
    os.makedirs(os.path.dirname(os.path.abspath(celery.conf.beat_schedule_filename)), exist_ok=True)
    celery.set_default()
    celery.set_current()
    celery.worker_main(["worker", *argv])


def run_scheduler(app: Flask, argv: list[str]) -> None:
    """Run Celery beat for ``app``: it queues the recurring jobs of its ``beat_schedule`` on time."""
    _running.append(app)
    celery = celery_app(app)
    os.makedirs(os.path.dirname(os.path.abspath(celery.conf.beat_schedule_filename)), exist_ok=True)
    celery.set_default()
    celery.set_current()
    celery.start(["beat", *argv])


@worker_process_init.connect
def _forget_inherited_connections(**_):
    """A forked worker process must not use the database connections of the process it was forked from."""
    from ..extensions import db

    for app in _running:
        with app.app_context():
            db.engine.dispose(close=False)
