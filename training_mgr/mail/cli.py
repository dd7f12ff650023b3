import click
from flask.cli import AppGroup

from . import services

mail_cli = AppGroup("mail", help="Outgoing e-mail.")


@mail_cli.command("send-pending")
@click.option("--all", "include_future", is_flag=True, help="Also retry messages whose next attempt is not due yet.")
def send_pending_command(include_future):
    """Send queued e-mail (retries failed attempts)."""
    sent, failed = services.send_pending(include_future=include_future)
    click.echo(f"Sent {sent}, failed {failed}.")


def register(app):
    app.cli.add_command(mail_cli)
