import click


def register(app):
    @app.cli.group("certificates")
    def certificates():
        """Issue and export a training's certificates."""

    def training_or_fail(training_id):
        from ..extensions import db
        from ..trainings.models import TrainingSession

        training = db.session.get(TrainingSession, training_id)
        if training is None:
            raise click.ClickException(f"No training with id {training_id}.")
        return training

    @certificates.command("issue")
    @click.argument("training_id", type=int)
    def issue_command(training_id):
        """Issue certificates to everyone eligible in a training; prints how many."""
        from . import services

        training = training_or_fail(training_id)
        error = services.issuing_error(training)
        if error:
            raise click.ClickException(str(error))
        eligible = sum(1 for row in services.eligibility(training) if row.eligible)
        with click.progressbar(length=eligible, label="Issuing certificates", file=click.get_text_stream("stderr")) as bar:
            issued, _skipped = services.issue_certificates(training, on_progress=bar.update)
        click.echo(f"Issued {len(issued)} certificates for training {training_id}.")

    @certificates.command("export")
    @click.argument("training_id", type=int)
    @click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True),
                  help="FILE.pdf (one merged PDF) or FILE.zip (one PDF per person)")
    def export_command(training_id, output):
        """Write a training's valid certificates to one PDF or a ZIP, by the file's extension."""
        from . import services

        kind = output.lower().rsplit(".", 1)[-1]
        if kind not in ("pdf", "zip"):
            raise click.BadParameter("give a file name ending in .pdf or .zip", param_hint="--output")
        training = training_or_fail(training_id)
        issued = services.valid_certificates(training)
        if not issued:
            raise click.ClickException(f"Training {training_id} has no valid certificates yet.")
        write = services.merged_pdf if kind == "pdf" else services.zip_of_pdfs
        with click.progressbar(length=len(issued), label="Exporting certificates", file=click.get_text_stream("stderr")) as bar:
            data = write(issued, on_progress=bar.update)
        with open(output, "wb") as file:
            file.write(data)
        click.echo(f"Wrote {len(issued)} certificates of training {training_id} to {output} ({len(data):,} bytes).")
