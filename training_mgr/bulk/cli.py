import click
from flask.cli import AppGroup

from . import services

jobs_cli = AppGroup("jobs", help="Bulk jobs (certificates, reports, imports).")


@jobs_cli.command("resume")
def resume_command():
    """Take up again the bulk jobs left unfinished with no progress for JOB_STALLED_AFTER_SECONDS (their process was
    killed), hand over those never queued (Redis was down when they were started), and give up, with the reason shown, on those already tried JOB_MAX_ATTEMPTS times. Without Redis, run it
    from cron every few minutes; with Redis the scheduler runs it."""
    resumed = services.resume_stalled()
    click.echo(f"Queued {resumed} stalled job{'' if resumed == 1 else 's'} again.")


@jobs_cli.command("forget-files")
def forget_files_command():
    """Drop the files of bulk jobs finished more than JOB_FILES_KEPT_DAYS ago (the records stay). Without Redis, run
    it from cron daily; with Redis the scheduler runs it."""
    dropped = services.forget_old_files()
    click.echo(f"Dropped {dropped} file{'' if dropped == 1 else 's'}.")


def register(app):
    app.cli.add_command(jobs_cli)
