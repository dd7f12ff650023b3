import click


def register(app):
    @app.cli.group("participants")
    def participants():
        """Participants' personal data: the retention rule."""

    @participants.command("apply-retention")
    @click.option("--dry-run", is_flag=True, help="Only count who would be erased; change nothing.")
    def apply_retention_command(dry_run):
        """Erase the details of everyone whose latest training ended more than RETENTION_YEARS ago; prints how many.

        Meant to be run by a scheduled job (e.g. nightly); safe to run again at any time.
        """
        from flask import current_app

        from . import services

        result = services.apply_retention(dry_run=dry_run)
        if result is None:
            click.echo(f"Retention is off (RETENTION_YEARS is {current_app.config.get('RETENTION_YEARS')!r}); nothing done.")
            return
        cutoff = result.cutoff.isoformat()
        if dry_run:
            click.echo(f"{result.count} participants would be anonymised (latest training ended before {cutoff}); "
                       "nothing changed (dry run).")
        else:
            click.echo(f"{result.count} participants anonymised (latest training ended before {cutoff}).")
