"""Bulk jobs: start one, run it (whole or in parts) with its progress written as it goes, finish or fail it, and take
up again the ones a lost worker left behind.

The record (``BulkJob``) is the durable truth, in the database every app server and worker shares; the queue
(``core.jobs``) only carries its id. A job is idempotent: run twice, it does its work once.

- ``start(kind, …)`` commits a queued record and queues its job (which, without Redis, runs at once, here).
- A feature's job calls ``run(job_id, work)``: ``work(record)`` does the work, reports progress through
  ``Progress`` and returns; the record is then done. A ``DomainError`` fails it with its message; a transient
  error (``core.jobs.TRANSIENT_ERRORS``) is retried by the queue, then fails it; anything else fails it with a
  short reason, and is logged with its traceback. A failed job is acknowledged: it never blocks the queue.
- A long job splits into parts (``plan_parts``, ``queue_parts``) that workers run side by side, each through
  ``run_part``. A part's work calls ``part_done`` just before its own commit, so a part and the count it adds
  are committed together, once; the part that completes the set finishes the job.
"""
import time
from datetime import timedelta

from celery import current_task
from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import exists, func, or_, select, update

from ..core import jobs
from ..core.db import Busy, as_utc, utcnow
from ..core.domain import DomainError
from ..core.i18n import current_language
from ..core.pagecache import NOT_DATA
from ..extensions import db
from .kinds import KINDS
from .models import BulkJob, BulkJobPart

#: what a job's work returns when its parts finish the job (``run`` leaves the record as the parts leave it)
WAITING_FOR_PARTS = object()
#: what ``_guarded`` returns when the work failed the job
_FAILED = object()
#: seconds before a worker tries again a job that found a lock of its training held too long (``core.db.Busy``)
BUSY_RETRY_SECONDS = 10
#: seconds between two progress writes of one job (the last one is always written)
PROGRESS_EVERY_SECONDS = 0.5


class BulkJobError(DomainError):
    """A bulk job could not be started; the message is shown to the user."""


# --- starting -------------------------------------------------------------------------------------

def start(kind: str, *, by_user, training=None, params: dict | None = None) -> BulkJob:
    """Record a queued job of ``kind`` (``kinds.KINDS``) and queue it; returns the record (committed).

    ``params`` (JSON-able) is everything the job needs besides its training; the active language is added, and
    the job writes its files and messages in it. Without Redis the job has run, done or failed, when this returns.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of job {kind!r}")
    record = BulkJob(kind=kind, training_id=getattr(training, "id", None), started_by_id=getattr(by_user, "id", None),
                     status="queued", params={**(params or {}), "lang": current_language()})
    db.session.add(record)
    db.session.commit()
    queue(record)
    db.session.refresh(record)
    return record


def queue(record: BulkJob) -> bool:
    """Put the record's job on the queue, and note the hand-over as its latest sign of life (``heartbeat_at``); False
    when it could not be.
    Redis unreachable: logged, and the record stays as it was (a new job: queued with no sign of life, which
    ``resume_stalled`` hands over at its next run once Redis answers; the database keeps the job, nothing is lost)."""
    job_id = record.id
    try:
        jobs.task(KINDS[record.kind].task).apply_async((job_id,))
    except Exception:  # noqa: BLE001 - the broker's errors vary by transport
        current_app.logger.warning("bulk job %s could not be queued; it will be resumed later", job_id, exc_info=True)
        return False
    # (without Redis the job has run by now, and is left as it finished)
    db.session.execute(update(BulkJob).where(BulkJob.id == job_id, BulkJob.status.in_(("queued", "running")))
                       .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return True


def recent_jobs(training, kinds, limit: int = 5) -> list:
    """The training's latest jobs of these ``kinds``, newest first (for a page that links to them)."""
    return db.session.scalars(
        select(BulkJob).where(BulkJob.training_id == training.id, BulkJob.kind.in_(kinds))
        .order_by(BulkJob.created_at.desc(), BulkJob.id.desc()).limit(limit)
    ).all()


# --- running --------------------------------------------------------------------------------------

def run(job_id: int, work) -> None:
    """Run ``work(record)`` for the job ``job_id`` unless it is finished already (a repeated delivery).

    Marks it running (and counts the attempt), runs the work in the language the job was started in, then marks it
    done (unless the work returned ``WAITING_FOR_PARTS``) or failed with the reason. Transient errors are raised
    again while the queue has retries left, so that it tries later.
    """
    record = db.session.get(BulkJob, job_id)
    if record is None or record.finished:
        return
    record.status, record.attempts = "running", record.attempts + 1
    record.started_at = record.started_at or utcnow()
    record.heartbeat_at = utcnow()
    db.session.commit()
    if _guarded(job_id, lambda: work(record)) not in (WAITING_FOR_PARTS, _FAILED):
        _mark_done(job_id)


def run_part(job_id: int, number: int, work) -> bool:
    """Run ``work(record, number)``, part ``number`` of a split job, unless the job is finished or the part done;
    then finish the job when this was its last part. ``work`` calls ``part_done`` before its own commit. True when
    this call finished the job (once per job, whatever runs twice)."""
    record = db.session.get(BulkJob, job_id)
    if record is None or record.finished:
        return False
    if not _part_is_done(job_id, number):
        if _guarded(job_id, lambda: work(record, number)) is _FAILED:
            return False
    return finish_if_complete(job_id)


def _guarded(job_id: int, call):
    """``call()`` in the job's language; its errors fail the job (transient ones first go back to the queue)."""
    record = db.session.get(BulkJob, job_id)
    try:
        with force_locale(record.params.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]):
            return call()
    except DomainError as error:
        fail(job_id, str(error))
    except Busy as error:  # a lock held too long: on a worker, try again a little later; in a request, say so
        db.session.rollback()
        if _retries_left() and not current_task.request.is_eager:
            current_app.logger.warning("bulk job %s found its training busy; it will be tried again", job_id)
            raise current_task.retry(exc=error, countdown=BUSY_RETRY_SECONDS) from error
        fail(job_id, str(error))
    except jobs.TRANSIENT_ERRORS as error:
        db.session.rollback()
        if _retries_left():
            current_app.logger.warning("bulk job %s met %r; it will be tried again", job_id, error)
            raise
        current_app.logger.error("bulk job %s gave up after retries", job_id, exc_info=True)
        fail(job_id, _("The database or another server could not be reached, even after several tries. "
                       "Please start the job again."))
    except Exception as error:  # noqa: BLE001 - a job that fails for good must say why and free the queue
        db.session.rollback()
        current_app.logger.error("bulk job %s failed", job_id, exc_info=True)
        fail(job_id, _("An unexpected error stopped the job (%(error)s). It was logged as job %(id)s.",
                       error=type(error).__name__, id=job_id))
    return _FAILED


def _retries_left() -> bool:
    task = current_task
    if task is None or task.request is None or task.request.called_directly:
        return False
    return task.request.retries < (task.max_retries or 0)


def fail(job_id: int, reason: str) -> None:
    """Mark the job failed with ``reason`` (for the user), commit, and log it."""
    db.session.rollback()
    record = db.session.get(BulkJob, job_id)
    if record is None:
        return
    record.status, record.error, record.finished_at = "failed", reason[:2000], utcnow()
    db.session.commit()
    current_app.logger.error("bulk job %s (%s) failed: %s", job_id, record.kind, reason)


def _mark_done(job_id: int) -> None:
    db.session.rollback()
    record = db.session.get(BulkJob, job_id)
    if record is None or record.finished:
        return
    record.status, record.finished_at = "done", utcnow()
    if record.total is not None and record.parts_total is None:
        record.done = record.total
    db.session.commit()


def finish_in_transaction(job_id: int, *, done: int) -> None:
    """Mark the job done with ``done`` items in the caller's transaction (not committed): the work and the record
    of it commit together, so a job whose worker dies after that commit is not done twice."""
    db.session.execute(update(BulkJob).where(BulkJob.id == job_id)
                       .values(status="done", done=done, finished_at=utcnow(), heartbeat_at=utcnow())
                       .execution_options(synchronize_session=False))


def keep_result(record: BulkJob, data: bytes, filename: str, mimetype: str, *, sensitive: bool = False) -> None:
    """Store the file the job made on its record (the database is shared by every app server), and commit. Call it
    after the job's last ``Progress`` write: it updates the same row. ``sensitive``: the file holds answers to
    sensitive registration questions, and goes with them (``drop_sensitive_files``)."""
    record.result, record.result_filename, record.result_mimetype = data, filename, mimetype
    record.sensitive = sensitive
    db.session.commit()


def trainings_with_sensitive_files():
    """A select of the ids of the trainings that have a job's file holding sensitive answers."""
    return select(BulkJob.training_id).where(BulkJob.sensitive.is_(True), BulkJob.result_filename.is_not(None))


def drop_sensitive_files(training_ids) -> int:
    """Delete the files holding sensitive answers of the jobs of these trainings (a list of ids, or a select of them;
    the records stay), in the caller's transaction: called where those answers are erased (``questions.services``).
    Returns how many."""
    return db.session.execute(
        update(BulkJob).where(BulkJob.training_id.in_(training_ids), BulkJob.sensitive.is_(True),
                              BulkJob.result_filename.is_not(None))
        .values(result=None, result_filename=None, result_mimetype=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def drop_files_naming(participant, training_ids=(), **_ignored) -> int:
    """The participant's details are being erased (``core.signals.participant_erased``): delete every kept file that
    can name them, in the erasure's transaction (the records stay, marked ``erased``, and the job page says why):
    the files of every job of the trainings they were registered in (``training_ids``: participant lists, reports,
    certificates, letters) and of every programme-wide job (programme reports and exports, which list people of every training),
    however long ``JOB_FILES_KEPT_DAYS`` would keep them. Returns how many."""
    return db.session.execute(
        update(BulkJob).where(or_(BulkJob.training_id.in_(list(training_ids)), BulkJob.training_id.is_(None)),
                              BulkJob.result_filename.is_not(None))
        .values(result=None, result_filename=None, result_mimetype=None, erased=True)
        .execution_options(synchronize_session=False)
    ).rowcount


class Progress:
    """How far a job is, written on a connection of its own as the work goes (at most every
    ``PROGRESS_EVERY_SECONDS``), so that any app server shows it at once. These writes are bookkeeping: they leave
    the page cache alone, and they must not be made while the job's own transaction holds the SQLite write lock
    (the reports and exports only read; the imports report once, at their commit).

    A job run again (its worker was lost) does its work again from the first item: it counts from 0, and the figure
    written is the furthest any run got, never above the total, so each item counts once and the bar never goes
    back ("697 of 507" was an earlier run's count plus this one's)."""

    def __init__(self, record: BulkJob, total: int | None = None):
        self.job_id, self.total, self.done = record.id, total, 0
        #: how far an earlier run of the job got
        self._reached = record.done or 0
        self._written_at = 0.0
        self._write(force=True)

    def set_total(self, total: int) -> None:
        self.total = total
        self._write(force=True)

    def update(self, done: int, total: int | None) -> None:
        """Set how many items of how many are done (a writer that counts for itself, e.g. ``core.exports.with_progress``)."""
        self.done, self.total = done, total
        self._write(force=total is not None and done >= total)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._write(force=self.total is not None and self.done >= self.total)

    def _write(self, force=False):
        now = time.monotonic()
        if not force and now - self._written_at < PROGRESS_EVERY_SECONDS:
            return
        self._written_at = now
        shown = max(self.done, self._reached)
        if self.total is not None:
            shown = min(shown, self.total)
        with db.engine.connect() as connection:
            connection = connection.execution_options(**{NOT_DATA: True})
            connection.execute(update(BulkJob).where(BulkJob.id == self.job_id)
                               .values(done=shown, total=self.total, heartbeat_at=utcnow()))
            connection.commit()


# --- parts ----------------------------------------------------------------------------------------

def plan_parts(record: BulkJob, *, total: int, parts_total: int, **params) -> None:
    """Record how many items and parts the job has and what the parts need (``params``), and commit. Planned once:
    a job run again keeps its first plan, so its parts stay the same."""
    record.total, record.parts_total = total, parts_total
    record.params = {**record.params, **params}
    record.heartbeat_at = utcnow()
    db.session.commit()


def queue_parts(record: BulkJob, task_name: str) -> None:
    """Queue every part of the job that is not done yet (all of them run here and now without Redis)."""
    done = set(db.session.scalars(select(BulkJobPart.number).where(BulkJobPart.job_id == record.id)))
    job_id, parts_total = record.id, record.parts_total
    for number in range(parts_total):
        if number not in done:
            jobs.task(task_name).apply_async((job_id, number))


def _part_is_done(job_id: int, number: int) -> bool:
    return bool(db.session.scalar(select(exists().where(BulkJobPart.job_id == job_id, BulkJobPart.number == number))))


def part_done(record_id: int, number: int, count: int) -> bool:
    """In the part's own transaction, just before its commit: note the part as done and add ``count`` to the job's
    progress. False when the part was done meanwhile (by a repeated delivery): then the caller rolls its work back.

    The job's row is locked first, so of two deliveries of one part finishing together the second waits for the
    first's commit and then finds the part done: the part counts once, and neither fails on the part's key."""
    db.session.execute(update(BulkJob).where(BulkJob.id == record_id).values(heartbeat_at=utcnow())
                       .execution_options(synchronize_session=False))
    if _part_is_done(record_id, number):
        return False
    db.session.add(BulkJobPart(job_id=record_id, number=number))
    db.session.execute(update(BulkJob).where(BulkJob.id == record_id)
                       .values(done=BulkJob.done + count)
                       .execution_options(synchronize_session=False))
    return True


def finish_if_complete(job_id: int) -> bool:
    """Mark a split job done once all its parts are (one statement: of two parts finishing together, one does it);
    True for the call that did."""
    db.session.rollback()
    parts = select(func.count()).where(BulkJobPart.job_id == job_id).scalar_subquery()
    finished = db.session.execute(
        update(BulkJob)
        .where(BulkJob.id == job_id, BulkJob.status.in_(("queued", "running")), BulkJob.parts_total == parts)
        .values(status="done", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return finished == 1


def forget_old_files(now=None) -> int:
    """Drop the files of the jobs that finished more than ``JOB_FILES_KEPT_DAYS`` ago (0: keep them), so that the
    database does not keep every export for ever; the records stay. Returns how many files were dropped."""
    days = current_app.config["JOB_FILES_KEPT_DAYS"]
    if not days:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=float(days))
    dropped = db.session.execute(
        update(BulkJob).where(BulkJob.finished_at < cutoff, BulkJob.result_filename.is_not(None))
        .values(result=None, result_filename=None, result_mimetype=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return dropped


# --- taking up what a lost worker left --------------------------------------------------------------

#: seconds a new job may go without a sign of life while ``start`` hands it to the queue (an unreachable Redis is
#: given up within a few seconds: ``core.jobs``); after that, a job never handed over is handed over at once
HAND_OVER_SECONDS = 15


def last_sign_of_life(record: BulkJob):
    """When the job last showed it is alive (aware UTC): its latest progress, a part's commit, its taking up by a
    worker or its hand-over to the queue (``heartbeat_at``); for a job never handed over, its creation."""
    return as_utc(record.heartbeat_at or record.created_at)


def never_queued(record: BulkJob, now, hand_over_seconds: float = HAND_OVER_SECONDS) -> bool:
    """Whether the job was never handed to the queue (Redis was down when it was started), judged ``now``: queued,
    with no sign of life ``hand_over_seconds`` after it was made."""
    return (record.status == "queued" and record.heartbeat_at is None
            and (now - as_utc(record.created_at)).total_seconds() >= hand_over_seconds)


def resume_stalled(now=None) -> int:
    """Hand over every job that never reached the queue (Redis was down when it was started), and queue again every
    job queued or running with no sign of life (``last_sign_of_life``) for ``JOB_STALLED_AFTER_SECONDS`` (its worker
    was killed, or Redis lost it); fail the ones already taken up ``JOB_MAX_ATTEMPTS`` times. Returns how many were
    queued. Recurring (``JOB_RESUME_EVERY_SECONDS``), so a job started while Redis was down runs at its first run once
    Redis answers (the scheduler's runs go through Redis too)."""
    config = current_app.config
    now = now or utcnow()
    stalled_after = float(config["JOB_STALLED_AFTER_SECONDS"])
    hand_over = min(HAND_OVER_SECONDS, stalled_after)
    candidates = db.session.scalars(
        select(BulkJob).where(BulkJob.status.in_(("queued", "running"))).order_by(BulkJob.id)
    ).all()
    resumed = 0
    for record in candidates:
        if not never_queued(record, now, hand_over):
            if record.status == "queued" and record.heartbeat_at is None:
                continue  # being handed over by ``start`` this moment
            if (now - last_sign_of_life(record)).total_seconds() < stalled_after:
                continue
            if record.attempts >= int(config["JOB_MAX_ATTEMPTS"]):
                fail(record.id, _("The job stopped %(count)s times without finishing, so it was given up. "
                                  "Please start it again.", count=record.attempts))
                continue
            current_app.logger.warning("bulk job %s (%s) had stalled; queued again", record.id, record.kind)
        resumed += queue(record)
    return resumed
