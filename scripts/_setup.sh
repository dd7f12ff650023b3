# Shared set-up for the scripts in this folder: system packages, a virtualenv, the project and its translations.
# Sourced, not run. Safe to run again: it only installs what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TRAINING_MGR_VENV:-$ROOT/.venv}"
cd "$ROOT"

# Debian packages: WeasyPrint's Pango, PDF tools used by tests, Chromium for browser tests, PostgreSQL.
SYSTEM_PACKAGES_RUN=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
SYSTEM_PACKAGES_TEST=(chromium poppler-utils qpdf postgresql redis-server)

install_system_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_project() {
  local extra="${1:-}"
  local python="python3.11"
  command -v "$python" >/dev/null 2>&1 || python="python3"
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  # Installed before with the same extras from the same project files: nothing to do (a second start is quick).
  local stamp="$VENV/.training_mgr-installed${extra//[^a-z]/-}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
    echo "Installing the Python packages into $(basename "$VENV")/ …"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip 2>/dev/null || true
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".${extra}"
    touch "$stamp"
  fi
  compile_translations
}

compile_translations() {  # compile_translations [FOLDER]: each language's messages.mo from its .po (the .mo are not in git)
  local folder="${1:-training_mgr/translations}"
  if compgen -G "$folder/*/LC_MESSAGES/messages.po" >/dev/null; then
    "$VENV/bin/pybabel" -q compile -d "$folder"
  fi
}
