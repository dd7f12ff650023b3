#!/usr/bin/env bash
# Translation catalogues (Flask-Babel / pybabel):
#   scripts/translations.sh extract   collect every message of the code and templates into messages.pot
#   scripts/translations.sh update    extract, then merge new and changed messages into each language's .po
#   scripts/translations.sh compile   build the .mo files the app reads (the set-up scripts do this too)
#   scripts/translations.sh init LANG start a catalogue for a new language
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TRAINING_MGR_VENV:-$ROOT/.venv}"
PYBABEL="$VENV/bin/pybabel"
[ -x "$PYBABEL" ] || PYBABEL="pybabel"
TRANSLATIONS="training_mgr/translations"
POT="$TRANSLATIONS/messages.pot"
cd "$ROOT"

extract() {
  mkdir -p "$TRANSLATIONS"
  "$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k _counted:1,2 \
    --ignore-dirs ".* __pycache__ node_modules" --project training_mgr --no-location --sort-output -o "$POT" .
}

case "${1:-}" in
  extract) extract ;;
  update)
    extract
    "$PYBABEL" -q update -i "$POT" -d "$TRANSLATIONS" --no-fuzzy-matching --ignore-obsolete
    ;;
  compile) "$PYBABEL" -q compile -d "$TRANSLATIONS" ;;
  init)
    extract
    "$PYBABEL" init -i "$POT" -d "$TRANSLATIONS" -l "${2:?language code, e.g. fr}"
    ;;
  *)
    echo "usage: $0 extract|update|compile|init LANG" >&2
    exit 2
    ;;
esac
