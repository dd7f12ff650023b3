#!/usr/bin/env bash
# Install everything, check the import layers, and run the whole test suite: on SQLite, then on a real PostgreSQL
# server started here.
# Extra arguments go to pytest (e.g. scripts/test.sh -k api).
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

install_system_packages "${SYSTEM_PACKAGES_RUN[@]}" "${SYSTEM_PACKAGES_TEST[@]}"
install_python_project "[dev]"

# --dist loadgroup: the tests of one xdist_group share a worker (tests/cluster/ starts one cluster for all of them)
PYTEST=("$VENV/bin/pytest" -q -n "${TEST_WORKERS:-2}" --dist loadgroup -p no:cacheprovider "$@")

echo "== Import layers (the contracts in pyproject.toml)"
"$VENV/bin/lint-imports" --no-cache

echo "== Test suite on SQLite"
env -u TRAINING_MGR_TEST_DATABASE_URL "${PYTEST[@]}"

echo "== Test suite on PostgreSQL"
source "$ROOT/scripts/_postgres.sh"
start_postgres
TRAINING_MGR_TEST_DATABASE_URL="$PG_TEST_URL" "${PYTEST[@]}"
