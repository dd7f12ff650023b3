import click
from flask.cli import with_appcontext

from . import services


def register(app):
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", type=click.Choice(["admin", "officer", "manager", "participant"]), required=True)
    @click.option("--password", help="Password; asked for when omitted.")
    @click.option("--name", help="Display name.")
    @with_appcontext
    def create_user_command(email, role, password, name):
        """Create a user account."""
        if not password:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = services.create_user(email, role, password=password, name=name)
        except services.AccountError as exc:
            raise click.ClickException(str(exc))
        click.echo(f"Created {user.role} {user.email} (id {user.id}).")
