from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.text import fold
from ..extensions import db
from ..organisations.models import Organisation
from ..trainings.models import TrainingSession

nominations_cli = AppGroup("nominations", help="Nominations by focal points.")


def _organisation(name: str):
    """The organisation whose English name, acronym or Arabic name is ``name``, compared folded (``core.text.fold``)."""
    key = fold(name)
    return next((organisation for organisation in db.session.scalars(select(Organisation).order_by(Organisation.id))
                 if key in (fold(organisation.name), fold(organisation.acronym), fold(organisation.name_ar))), None)


@nominations_cli.command("invite")
@click.argument("training_id", type=int)
@click.option("--organisation", required=True, help="The organisation's name, acronym or Arabic name.")
@click.option("--email", required=True, help="The focal point's e-mail address.")
@click.option("--seats", required=True, type=click.IntRange(min=1), help="The quota.")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of nominations (YYYY-MM-DD); default a week before the training, or in two weeks.")
@click.option("--name", "focal_point_name", default=None, help="The focal point's name (default: the e-mail address).")
@click.option("--language", type=click.Choice(["en", "ar"]), default="en", show_default=True,
              help="Language of the focal point's e-mails.")
def invite_command(training_id, organisation, email, seats, deadline, focal_point_name, language):
    """Invite an organisation to nominate officials for a training; prints the focal point's link (also e-mailed)."""
    from ..core.domain import DomainError
    from . import services
    from .inputs import InvitationDetails, default_deadline

    training = db.session.get(TrainingSession, training_id)
    if training is None:
        raise click.ClickException(f"No training {training_id}.")
    found = _organisation(organisation)
    if found is None:
        raise click.ClickException(f"No organisation named {organisation!r}.")
    day: date = deadline.date() if deadline else default_deadline(training)
    details = InvitationDetails(organisation_id=found.id, focal_point_name=focal_point_name or email,
                                focal_point_email=email, seats=seats, deadline=day, locale=language)
    try:
        _invitation, token = services.invite(training, details, by_user=None)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    from ..core.urls import public_url

    click.echo(public_url("nominations.focal_point", token=token))


@nominations_cli.command("send-reminders")
def send_reminders_command():
    """Remind focal points whose nomination deadline is near (run it from cron daily without a worker)."""
    from . import reminders

    sent = reminders.send_deadline_reminders()
    click.echo(f"Reminded {sent} focal point{'' if sent == 1 else 's'}.")


def register(app):
    app.cli.add_command(nominations_cli)
