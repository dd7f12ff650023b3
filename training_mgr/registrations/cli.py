import click
from flask.cli import AppGroup

from . import holds

registrations_cli = AppGroup("registrations", help="Registrations.")


@registrations_cli.command("release-expired")
def release_expired_command():
    """Release seats held for people who did not confirm them in time (run it from cron with mail send-pending)."""
    released = holds.release_expired()
    click.echo(f"Released {released} held registration{'' if released == 1 else 's'}.")


def register(app):
    app.cli.add_command(registrations_cli)
