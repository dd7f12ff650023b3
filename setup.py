"""The one build step pyproject.toml cannot declare: putting the app's non-Python files into the package.

``pip install .`` (a wheel) must give a complete app, so ``build_py`` also

- copies the top-level ``templates/`` and ``migrations/`` folders into the built package as
  ``training_mgr/templates`` and ``training_mgr/migrations`` (``training_mgr.app_folder`` finds them there), and
- compiles every ``training_mgr/translations/<lang>/LC_MESSAGES/*.po`` into its ``.mo`` with Babel (a build
  requirement), as ``pybabel compile`` does: fuzzy entries are left out. The ``.mo`` files are not kept in git.

An editable install (``pip install -e .``) copies nothing (the app reads the top-level folders of the checkout) and
compiles the catalogues in place, as ``scripts/translations.sh compile`` does.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PACKAGE = "training_mgr"
#: top-level folders shipped inside the package under the same name
APP_FOLDERS = ("templates", "migrations")
TRANSLATIONS = Path(PACKAGE) / "translations"
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.py[co]", ".*")


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Write ``target/<lang>/LC_MESSAGES/<domain>.mo`` for each ``.po`` under ``source``; return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        locale = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale, domain=po.stem)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo)
    return written


class BuildPyWithAppFiles(build_py):
    """``build_py`` that also ships the templates, the migrations and the compiled translations."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            compile_catalogues(HERE / TRANSLATIONS, HERE / TRANSLATIONS)
            return
        self._generated = compile_catalogues(HERE / TRANSLATIONS, Path(self.build_lib) / TRANSLATIONS)
        for name in APP_FOLDERS:
            target = Path(self.build_lib) / PACKAGE / name
            shutil.rmtree(target, ignore_errors=True)  # an in-tree build/ may hold files deleted since
            shutil.copytree(HERE / name, target, ignore=NOT_SHIPPED)
            self._generated.extend(path for path in target.rglob("*") if path.is_file())

    def get_outputs(self, include_bytecode=True):
        return super().get_outputs(include_bytecode) + [str(path) for path in getattr(self, "_generated", ())]


setup(cmdclass={"build_py": BuildPyWithAppFiles})
