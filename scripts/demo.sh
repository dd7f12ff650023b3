#!/usr/bin/env bash
# Install everything, create the SQLite database in instance/, load the demo data and start the app.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

install_system_packages "${SYSTEM_PACKAGES_RUN[@]}"
install_python_project ""

PORT="${PORT:-5000}"
export FLASK_APP=training_mgr
# Links in e-mails and QR codes point at the address the demo serves on.
export TRAINING_MGR_PUBLIC_BASE_URL="${TRAINING_MGR_PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}"
# the migration log is shown only when it fails
if ! upgrade_log="$("$VENV/bin/flask" db upgrade 2>&1)"; then echo "$upgrade_log" >&2; exit 1; fi
"$VENV/bin/flask" seed-demo --password "${DEMO_PASSWORD:-demo-password}"
echo
echo "training_mgr is starting on http://127.0.0.1:$PORT/ (Ctrl+C stops it)"
echo "With no mail server set, each e-mail is printed here (recipient, subject and its links)."
exec "$VENV/bin/flask" run --host 127.0.0.1 --port "$PORT"
