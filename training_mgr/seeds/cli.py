"""``seed-demo`` and ``seed-synthetic``: load the demo data or large synthetic data."""
import click


def register(app):
    @app.cli.command("seed-demo")
    @click.option("--password", default="demo-password", show_default=True, help="Password of every demo account.")
    def seed_demo_command(password):
        """Load the reference training (Baghdad, February 2022) and an upcoming open training. Safe to run twice."""
        from .demo import seed_demo

        accounts = seed_demo(password)
        click.echo("Demo data loaded. Accounts (password: %s):" % password)
        for role, email in accounts:
            click.echo(f"  {role:<12} {email}")

    @app.cli.command("seed-synthetic")
    @click.option("--sessions", "n_sessions", type=click.IntRange(1, 100000), default=100, show_default=True)
    @click.option("--participants", "n_participants", type=click.IntRange(1, 10000), default=100, show_default=True,
                  help="Registrations per training session.")
    @click.option("--seed", type=int, default=1, show_default=True)
    @click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="The day the data is dated around (YYYY-MM-DD); default: today.")
    def seed_synthetic_command(n_sessions, n_participants, seed, today):
        """Deterministic large data for benchmarks (the same for the same --seed and --today)."""
        from .synthetic import AlreadySeeded, seed_synthetic

        try:
            counts = seed_synthetic(n_sessions, n_participants, seed, today=today.date() if today else None)
        except AlreadySeeded as exc:
            raise click.ClickException(str(exc))
        click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
