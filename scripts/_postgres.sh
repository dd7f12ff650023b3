# Start a throw-away PostgreSQL server (initdb + pg_ctl as the postgres user) on a free port on 127.0.0.1.
# Sourced by test.sh; sets PG_TEST_URL and stops the server when the calling script exits.
# scripts/cluster.sh sets PG_DIR (where the server lives) and PG_KEEP_RUNNING=1 (it stops the server itself).

postgres_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_postgres() {
  local bindir
  bindir="$(postgres_bindir)"
  [ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  PG_DIR="${PG_DIR:-$(mktemp -d -t training-mgr-pg.XXXXXX)}"
  mkdir -p "$PG_DIR"
  PG_PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local as_pg=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  [ -n "${PG_KEEP_RUNNING:-}" ] || trap 'stop_postgres' EXIT
  PATH="$bindir:$PATH"
  export PATH
  PG_TEST_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/training_mgr_test"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  local bindir as_pg=()
  bindir="$(postgres_bindir)"
  [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
