#!/usr/bin/env bash
# Install everything, create the SQLite database in instance/, load the demo data and start the app.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

install_system_packages "${SYSTEM_PACKAGES_RUN[@]}"
install_python_project ""

export FLASK_APP=training_mgr
"$VENV/bin/flask" db upgrade
"$VENV/bin/flask" seed-demo --password "${DEMO_PASSWORD:-demo-password}"
echo
echo "training_mgr is starting on http://127.0.0.1:${PORT:-5000}/ (Ctrl+C stops it)"
exec "$VENV/bin/flask" run --host 127.0.0.1 --port "${PORT:-5000}"
