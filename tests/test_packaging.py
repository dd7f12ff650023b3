"""`pip install .` (not editable) gives a complete app: built as a fresh clone would be, installed into a new
virtualenv, it creates its database, loads the demo data and serves its pages in English and Arabic.

Slow (about a minute: a wheel build and a virtualenv with every dependency), so it is one test that builds once, and it
runs in the SQLite pass of the suite only: the installed app is checked on its default database.
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from training_mgr.seeds.demo import FOLLOW_UP_TITLE_AR

ROOT = Path(__file__).resolve().parents[1]
ARABIC_PO = ROOT / "training_mgr" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(bool(os.environ.get("TRAINING_MGR_TEST_DATABASE_URL")),
                       reason="the installed package is checked once, on its default SQLite database"),
]

#: what a fresh clone does not have: local environments, build and run output, compiled catalogues (the build must
#: compile them itself), and what the build does not need
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "instance", "__pycache__", "*.py[co]", ".pytest_cache",
    ".hypothesis", "test-artifacts", "node_modules", "*.mo", "*.pot", "tests", "bench", "docs",
)

#: run by the new virtualenv's Python in a folder outside the checkout: where the app came from and what it serves
PAGES_SCRIPT = """
import json, training_mgr
app = training_mgr.create_app()
client = app.test_client()
pages = {url: client.get(url) for url in ("/?lang=ar", "/?lang=en", "/static/css/app.css")}
print(json.dumps({
    "package": training_mgr.__file__,
    "instance": app.instance_path,
    "pages": {url: [r.status_code, r.get_data(as_text=True)] for url, r in pages.items()},
}))
"""


def _run(*args, cwd, env, timeout=600):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _clean_env():
    """This process's environment without what would point the new install at the checkout or its settings."""
    return {name: value for name, value in os.environ.items()
            if not name.startswith(("TRAINING_MGR_", "FLASK_", "VIRTUAL_ENV")) and name not in ("PYTHONPATH",)}


def _arabic(msgid):
    with ARABIC_PO.open("rb") as fh:
        message = read_po(fh, locale="ar").get(msgid)
    assert message is not None and message.string, f"{msgid!r} has no Arabic translation"
    return message.string


def test_wheel_installs_a_working_app_in_both_languages(tmp_path):
    env = _clean_env()
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=NOT_IN_A_CLONE)
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", str(clone), "--no-deps", "-q", "-w", str(dist), cwd=tmp_path, env=env)
    (wheel,) = dist.glob("training_mgr-*.whl")

    files = set(zipfile.ZipFile(wheel).namelist())
    for name in ("templates/base.html", "templates/catalogue/index.html", "templates/pdf/certificate.html",
                 "migrations/env.py", "migrations/alembic.ini", "migrations/versions/0001_initial.py",
                 "static/css/app.css", "static/vendor/bootstrap/bootstrap.rtl.min.css", "static/fonts/Amiri-Regular.ttf",
                 "translations/ar/LC_MESSAGES/messages.mo", "auth/common_passwords.txt"):
        assert f"training_mgr/{name}" in files, f"{name} is missing from the wheel"
    migrations = {path.name for path in (ROOT / "migrations" / "versions").glob("*.py")}
    assert migrations <= {Path(name).name for name in files if name.startswith("training_mgr/migrations/versions/")}

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path, env=env)
    python, flask = venv / "bin" / "python", venv / "bin" / "flask"
    _run(python, "-m", "pip", "install", "-q", str(wheel), cwd=tmp_path, env=env)

    elsewhere = tmp_path / "elsewhere"  # not the checkout, so only the installed package can be imported
    elsewhere.mkdir()
    _run(flask, "--app", "training_mgr", "db", "upgrade", cwd=elsewhere, env=env)
    seeded = _run(flask, "--app", "training_mgr", "seed-demo", "--password", "demo-password", cwd=elsewhere, env=env)
    assert "officer@example.org" in seeded
    served = json.loads(_run(python, "-c", PAGES_SCRIPT, cwd=elsewhere, env=env).splitlines()[-1])

    assert Path(served["package"]).is_relative_to(venv)
    # Flask's instance folder for an installed package: the generated secret and the SQLite database live there
    instance = venv / "var" / "training_mgr-instance"
    assert Path(served["instance"]) == instance
    assert (instance / "secret_key").is_file() and (instance / "training_mgr.sqlite").is_file()

    status, arabic = served["pages"]["/?lang=ar"]
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in arabic
    assert _arabic("Trainings open for registration") in arabic  # from the compiled catalogue in the wheel
    assert FOLLOW_UP_TITLE_AR in arabic  # the demo's upcoming training, open for registration
    status, english = served["pages"]["/?lang=en"]
    assert status == 200 and '<html lang="en" dir="ltr">' in english and "Trainings open for registration" in english
    status, css = served["pages"]["/static/css/app.css"]
    assert status == 200 and css == (ROOT / "training_mgr" / "static" / "css" / "app.css").read_text()
