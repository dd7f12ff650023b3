"""Entry point of the background jobs: which features' jobs exist, which recur and how often, and the
``flask worker`` and ``flask scheduler`` commands (``core.jobs`` holds the machinery and knows no feature)."""
import sys
from importlib import import_module

import click
from flask import current_app
from flask.cli import with_appcontext

from .core import jobs

#: packages with a ``tasks`` module of ``@job``s, imported before the Celery app is made
TASK_MODULES = ("mail", "auth", "registrations", "erasure", "bulk", "certificates", "reports", "nominations", "evaluation", "questions", "messages", "letters")

#: recurring jobs: (scheduler entry, job name, config key giving the seconds between two runs, 0 or None: off; the
#: `flask` command that does the same from cron where there is no Redis, hence no scheduler: docs/deployment.md has
#: a cron line for each, tests/test_deployment_guide.py keeps them in step)
RECURRING = (
    ("mail: send what is due", "training_mgr.mail.tasks.send_pending_emails", "MAIL_SEND_PENDING_EVERY_SECONDS",
     "mail send-pending"),
    ("registrations: release expired holds", "training_mgr.registrations.tasks.release_expired_holds",
     "HOLD_RELEASE_EVERY_SECONDS", "registrations release-expired"),
    ("participants: apply the retention rule", "training_mgr.erasure.tasks.apply_retention",
     "RETENTION_EVERY_SECONDS", "participants apply-retention"),
    ("bulk jobs: take up what a lost worker left", "training_mgr.bulk.tasks.resume_stalled_jobs",
     "JOB_RESUME_EVERY_SECONDS", "jobs resume"),
    ("bulk jobs: drop files kept past their days", "training_mgr.bulk.tasks.forget_old_job_files",
     "JOB_FILES_CLEANUP_EVERY_SECONDS", "jobs forget-files"),
    ("nominations: remind focal points of the deadline", "training_mgr.nominations.tasks.send_deadline_reminders",
     "NOMINATION_REMINDER_EVERY_SECONDS", "nominations send-reminders"),
    ("evaluation: e-mail the follow-up surveys that are due", "training_mgr.evaluation.tasks.send_follow_up_surveys",
     "EVALUATION_FOLLOW_UP_EVERY_SECONDS", "evaluation send-follow-ups"),
    ("questions: erase sensitive answers past their retention", "training_mgr.questions.tasks.erase_expired_sensitive_answers",
     "SENSITIVE_ANSWERS_ERASURE_EVERY_SECONDS", "questions erase-expired"),
    ("messages: reminders, certificate notices and evaluation links that are due",
     "training_mgr.messages.tasks.send_due_messages", "MESSAGES_EVERY_SECONDS", "messages send-due"),
)


def beat_schedule(config) -> dict:
    """Celery beat's schedule from ``RECURRING`` and the intervals in ``config``: {entry: {task, schedule}}."""
    return {
        entry: {"task": name, "schedule": float(config[key])}
        for entry, name, key, _command in RECURRING if config.get(key)
    }


def init_app(app):
    """Declare every feature's jobs and make the app's Celery app (``core.jobs.init_app``); add the commands."""
    for name in TASK_MODULES:
        import_module(f"{__package__}.{name}.tasks")
    jobs.init_app(app, beat_schedule(app.config))
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}


@click.command("worker", context_settings=_PASS_THROUGH)
@click.option("--beat/--no-beat", default=True, show_default=True,
              help="Also run the scheduler of the recurring jobs in this worker. Exactly one process of the "
                   "whole installation may run it: give --no-beat to every other worker (or run `flask scheduler`).")
@click.option("--loglevel", default="INFO", show_default=True)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker_command(beat, loglevel, celery_args):
    """Run the background job worker until stopped (needs TRAINING_MGR_REDIS_URL).

    Other options go to `celery worker`, e.g. `--concurrency 2`.
    """
    app = current_app._get_current_object()
    _require_redis(app)
    jobs.run_worker(app, [f"--loglevel={loglevel}", *(["--beat"] if beat else []), *celery_args])


@click.command("scheduler", context_settings=_PASS_THROUGH)
@click.option("--loglevel", default="INFO", show_default=True)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def scheduler_command(loglevel, celery_args):
    """Run the scheduler of the recurring jobs (Celery beat) alone, for workers started with --no-beat."""
    app = current_app._get_current_object()
    _require_redis(app)
    jobs.run_scheduler(app, [f"--loglevel={loglevel}", *celery_args])


def _require_redis(app):
    if not app.config.get("REDIS_URL"):
        commands = ", ".join(f"`flask {command}`" for _entry, _name, _key, command in RECURRING)
        click.echo(
            "TRAINING_MGR_REDIS_URL is not set: jobs run inside the app (no worker needed). Without Redis, run the "
            f"recurring jobs from cron instead ({commands}): see the cron lines in docs/deployment.md.", err=True)
        sys.exit(1)
