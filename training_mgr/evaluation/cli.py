"""``flask evaluation send-follow-ups``: the recurring follow-up e-mails, for cron when there is no worker."""
import click
from flask.cli import AppGroup

evaluation_cli = AppGroup("evaluation", help="Evaluation of trainings.")


@evaluation_cli.command("send-follow-ups")
def send_follow_ups():
    """E-mail the follow-up surveys that are due and their reminders (run daily)."""
    from .followup import send_follow_up_surveys

    invited, reminded = send_follow_up_surveys()
    click.echo(f"{invited} invitations and {reminded} reminders queued.")


def register(app):
    app.cli.add_command(evaluation_cli)
