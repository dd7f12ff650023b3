import click
from flask.cli import AppGroup

messages_cli = AppGroup("messages", help="Messages to participants.")


@messages_cli.command("send-due")
def send_due_command():
    """Send the reminders, certificate notices and evaluation links that are due (every 15 minutes from cron, without a worker)."""
    from .scheduled import send_due_messages

    counts = send_due_messages()
    click.echo(f"Reminders: {counts['training.reminder']}, certificate notices: {counts['certificate.ready']}, "
               f"evaluation links: {counts['evaluation.open']}.")


def register(app):
    app.cli.add_command(messages_cli)
