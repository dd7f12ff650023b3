"""``check-deploy``, ``backup`` and ``restore``: commands a deployer runs against the configured database."""
from pathlib import Path

import click


def register(app):
    @app.cli.command("check-deploy")
    def check_deploy_command():
        """Check this configuration for production use; exits with status 1 when a check fails."""
        from flask import current_app

        from .deploy import format_checks, run_checks

        checks = run_checks(current_app)
        click.echo(format_checks(checks))
        if any(check.status == "fail" for check in checks):
            raise SystemExit(1)

    @app.cli.command("backup")
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Backup file to write (SQLite: a database file; PostgreSQL: pg_dump custom format).")
    def backup_command(output):
        """Back up the database; safe while the app is serving."""
        from ..extensions import db
        from .backup import BackupError, backup_database

        try:
            click.echo(backup_database(db.engine, output))
        except BackupError as exc:
            raise click.ClickException(str(exc))

    @app.cli.command("restore")
    @click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--replace", is_flag=True, help="Overwrite a database that already has tables.")
    def restore_command(backup_file, replace):
        """Restore a backup made by `backup` into the configured (new, empty) database."""
        from ..extensions import db
        from .backup import BackupError, restore_database

        try:
            click.echo(restore_database(db.engine, backup_file, replace=replace))
        except BackupError as exc:
            raise click.ClickException(str(exc))
