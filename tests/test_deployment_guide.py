"""The deployment guide and the README keep in step with the code: an operator without Redis who copies the guide's
cron lines runs every recurring job the scheduler would, and the README's table lists each one's command."""
import re
from pathlib import Path

from training_mgr.worker import RECURRING, beat_schedule

ROOT = Path(__file__).resolve().parents[1]


def cron_commands(markdown: str) -> set[str]:
    """The `flask --app training_mgr GROUP COMMAND` commands of the cron lines in the ```cron blocks of ``markdown``."""
    found = set()
    for block in re.findall(r"```cron\n(.*?)```", markdown, re.S):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                found.update(re.findall(r"flask --app training_mgr ([a-z-]+ [a-z-]+)", line))
    return found


def test_every_recurring_job_has_its_cron_line_in_the_deployment_guide(app, runner):
    scheduled = {entry["task"] for entry in beat_schedule(app.config).values()}
    assert scheduled == {name for _entry, name, _key, _command in RECURRING}  # every one recurs by default
    commands = {command for *_, command in RECURRING}
    missing = commands - cron_commands((ROOT / "docs" / "deployment.md").read_text(encoding="utf-8"))
    assert not missing, f"no cron line in docs/deployment.md for: {sorted(missing)}"
    for command in commands:  # each names a real command
        result = runner.invoke(args=[*command.split(), "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_the_readme_lists_the_command_of_every_recurring_job():
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    missing = [command for *_, command in RECURRING if not any(row.startswith(f"| `{command}") for row in rows)]
    assert not missing, f"README.md's commands table lacks: {missing}"


def test_the_worker_without_redis_names_every_command_to_run_from_cron(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1
    for *_, command in RECURRING:
        assert f"`flask {command}`" in result.output
