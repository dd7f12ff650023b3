from pathlib import Path

import click


def register(app):
    @app.cli.command("seed-demo")
    @click.option("--password", default="demo-password", show_default=True, help="Password of every demo account.")
    def seed_demo_command(password):
        """Load the reference training (Baghdad, February 2022) and an upcoming open training. Safe to run twice."""
        from .demo import seed_demo

        accounts = seed_demo(password)
        click.echo("Demo data loaded. Accounts (password: %s):" % password)
        for role, email in accounts:
            click.echo(f"  {role:<12} {email}")

    @app.cli.command("seed-synthetic")
    @click.option("--sessions", "n_sessions", type=click.IntRange(1, 100000), default=100, show_default=True)
    @click.option("--participants", "n_participants", type=click.IntRange(1, 10000), default=100, show_default=True,
                  help="Registrations per training session.")
    @click.option("--seed", type=int, default=1, show_default=True)
    def seed_synthetic_command(n_sessions, n_participants, seed):
        """Deterministic large data for benchmarks."""
        from .synthetic import AlreadySeeded, seed_synthetic

        try:
            counts = seed_synthetic(n_sessions, n_participants, seed)
        except AlreadySeeded as exc:
            raise click.ClickException(str(exc))
        click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))

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
