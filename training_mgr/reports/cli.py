import click


def register(app):
    @app.cli.group("report")
    def report():
        """Write a training's report or the programme report to a file."""

    language = click.option(
        "--lang", type=click.Choice(["en", "ar"]), default="en", show_default=True, help="Language of the report."
    )

    @report.command("session")
    @click.argument("training_id", type=int)
    @click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="FILE.pdf")
    @language
    def session_command(training_id, output, lang):
        """The report of one training (PDF)."""
        from flask_babel import force_locale

        from ..extensions import db
        from ..trainings.models import TrainingSession
        from .documents import session_report_pdf

        if not output.lower().endswith(".pdf"):
            raise click.BadParameter("the report of a training is a PDF: give a file name ending in .pdf", param_hint="--output")
        training = db.session.get(TrainingSession, training_id)
        if training is None:
            raise click.ClickException(f"No training with id {training_id}.")
        with force_locale(lang):
            data = session_report_pdf(training)
        with open(output, "wb") as file:
            file.write(data)
        click.echo(f"Wrote the report of training {training_id} to {output} ({len(data):,} bytes).")

    @report.command("programme")
    @click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First start date (YYYY-MM-DD).")
    @click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last start date (YYYY-MM-DD).")
    @click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="FILE.pdf or FILE.xlsx")
    @language
    def programme_command(date_from, date_to, output, lang):
        """The programme report of the trainings held in a period (PDF or XLSX, by the file's extension)."""
        from flask_babel import force_locale

        from .documents import programme_report_pdf, programme_report_xlsx
        from .figures import ProgrammeFilters

        render = {".pdf": programme_report_pdf, ".xlsx": programme_report_xlsx}.get(output.lower()[output.rfind("."):])
        if render is None:
            raise click.BadParameter("give a file name ending in .pdf or .xlsx", param_hint="--output")
        date_from, date_to = (d.date() if d else None for d in (date_from, date_to))
        if date_from and date_to and date_to < date_from:
            raise click.BadParameter("--to must not be before --from", param_hint="--to")
        with force_locale(lang):
            data = render(ProgrammeFilters(date_from=date_from, date_to=date_to))
        with open(output, "wb") as file:
            file.write(data)
        click.echo(f"Wrote the programme report to {output} ({len(data):,} bytes).")
