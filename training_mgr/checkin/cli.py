import click


def register(app):
    @app.cli.command("badges")
    @click.argument("training_id", type=int)
    @click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="FILE.pdf")
    @click.option("--layout", type=click.Choice(["sheet", "single"]), default="sheet", show_default=True,
                  help="sheet: A4 sheets of eight badges to cut; single: one badge a page, for a badge printer")
    def badges_command(training_id, output, layout):
        """Write the name badges, with personal QR codes, of a training's confirmed participants to a PDF."""
        from ..extensions import db
        from ..trainings.models import TrainingSession
        from .badges import badges_pdf

        training = db.session.get(TrainingSession, training_id)
        if training is None:
            raise click.ClickException(f"No training with id {training_id}.")
        if not output.lower().endswith(".pdf"):
            raise click.BadParameter("give a file name ending in .pdf", param_hint="--output")
        data = badges_pdf(training, layout)
        try:
            with open(output, "wb") as file:
                file.write(data)
        except OSError as error:  # a folder that does not exist, a file not writable
            raise click.ClickException(f"Cannot write {output}: {error.strerror}.") from None
        click.echo(f"Wrote the badges of training {training_id} to {output}.")
