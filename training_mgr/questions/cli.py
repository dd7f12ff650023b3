import click
from flask.cli import AppGroup

questions_cli = AppGroup("questions", help="Registration questions and their answers.")


@questions_cli.command("erase-expired")
def erase_expired_command():
    """Erase the sensitive answers of trainings past their retention period (daily from cron, without a worker)."""
    from . import services

    erased = services.erase_expired_sensitive_answers()
    click.echo(f"Erased {erased} sensitive answer{'' if erased == 1 else 's'}.")


def register(app):
    app.cli.add_command(questions_cli)
