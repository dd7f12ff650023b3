#!/usr/bin/env bash
# Several app servers on this machine, the production shape in miniature: PostgreSQL, Redis (Debian's
# redis-server), two gunicorn app servers on different ports, a Celery worker and the scheduler, all on the
# same database and Redis.
#
#   scripts/cluster.sh start     start whatever is not running (so it also restarts a worker that was killed)
#   scripts/cluster.sh status    one line per part; exit status 3 when a part is not running
#   scripts/cluster.sh stop      stop every part (the worker finishes its job first) and delete the data
#
# CLUSTER_DIR (default instance/cluster) holds the state: `env` (the TRAINING_MGR_* settings every part runs with,
# and CLUSTER_APP_URLS), the pid files and logs/. TRAINING_MGR_* variables set when `start` first runs are passed on
# (e.g. TRAINING_MGR_MAIL_SERVER and _PORT); TRAINING_MGR_PUBLIC_BASE_URL, the address in e-mail links and QR codes,
# is the first app server's unless given. CLUSTER_WEB_CONCURRENCY (2) gunicorn workers per app server,
# CLUSTER_WORKER_CONCURRENCY (2) worker processes.
#
# From a fresh clone, `start` installs what is missing as scripts/demo.sh does (Debian packages, the virtualenv) and
# compiles the translations (into TRAINING_MGR_BABEL_TRANSLATION_DIRECTORIES when that is set).
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
source "$ROOT/scripts/_postgres.sh"

CLUSTER_DIR="$(mkdir -p "${CLUSTER_DIR:-$ROOT/instance/cluster}" && cd "${CLUSTER_DIR:-$ROOT/instance/cluster}" && pwd)"
STATE="$CLUSTER_DIR/env"
LOGS="$CLUSTER_DIR/logs"
FLASK=("$VENV/bin/flask" --app training_mgr)
APP_SERVERS=(app1 app2)

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

running() {  # running NAME: its process (group leader) is alive
  local pid
  pid="$(cat "$CLUSTER_DIR/$1.pid" 2>/dev/null)" || return 1
  alive "$pid"
}

alive() {  # alive PID: the process exists and is not a zombie (a killed child nobody has reaped yet)
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]
}

spawn() {  # spawn NAME COMMAND…: in a session of its own (its pid is its process group), output in logs/NAME.log
  local name="$1"; shift
  [ -f "$LOGS/$name.log" ] && mv "$LOGS/$name.log" "$LOGS/$name.previous.log"
  setsid "$@" >"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! >"$CLUSTER_DIR/$name.pid"
}

wait_until() {  # wait_until SECONDS WHAT COMMAND…
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster: $what did not start within ${seconds}s; see $LOGS" >&2
      return 1
    fi
    sleep 0.2
  done
}

install_if_missing() {  # what a fresh clone lacks: Debian packages, the virtualenv (quietly: logs/install.log)
  mkdir -p "$LOGS"
  install_system_packages "${SYSTEM_PACKAGES_RUN[@]}" postgresql redis-server
  if ! "$VENV/bin/python" -c 'import training_mgr, gunicorn' >/dev/null 2>&1; then
    echo "cluster: installing the project into $(basename "$VENV")/ (log: $LOGS/install.log)"
    install_python_project "" >"$LOGS/install.log" 2>&1 || { tail -20 "$LOGS/install.log" >&2; return 1; }
  fi
}

write_state() {
  mkdir -p "$LOGS"
  local redis_port app_urls="" secret
  redis_port="$(free_port)"
  secret="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')"
  for _ in "${APP_SERVERS[@]}"; do app_urls="$app_urls http://127.0.0.1:$(free_port)"; done
  app_urls="${app_urls# }"
  {
    # settings passed on from the caller's environment first, so the cluster's own win
    env | grep '^TRAINING_MGR_' | grep -v -E '^TRAINING_MGR_(SQLALCHEMY_DATABASE_URI|REDIS_URL|TEST_DATABASE_URL)=' \
      | sed -E "s/^([^=]+)=(.*)$/export \1='\2'/" || true
    echo "export PG_DIR='$(mktemp -d -t training-mgr-cluster-pg.XXXXXX)'"
    echo "export REDIS_PORT=$redis_port"
    echo "export CLUSTER_APP_URLS='$app_urls'"
    # links in e-mails and QR codes lead to an app server of the cluster (the default, 127.0.0.1:5000, to nothing)
    echo "export TRAINING_MGR_PUBLIC_BASE_URL='${TRAINING_MGR_PUBLIC_BASE_URL:-${app_urls%% *}}'"
    echo "export TRAINING_MGR_REDIS_URL='redis://127.0.0.1:$redis_port/0'"
    echo "export TRAINING_MGR_SECRET_KEY='$secret'"
    echo "export TRAINING_MGR_APP_SERVERS=${#APP_SERVERS[@]}"
    echo "export TRAINING_MGR_WEB_CONCURRENCY=${CLUSTER_WEB_CONCURRENCY:-2}"
    echo "export TRAINING_MGR_JOB_SCHEDULE_FILE='$CLUSTER_DIR/celerybeat-schedule'"
  } >"$STATE"
}

start_database() {
  if [ -f "$PG_DIR/data/postmaster.pid" ] && [ -n "${TRAINING_MGR_SQLALCHEMY_DATABASE_URI:-}" ]; then
    return 0
  fi
  PG_KEEP_RUNNING=1 start_postgres >/dev/null
  "$(postgres_bindir)/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres training_mgr
  echo "export TRAINING_MGR_SQLALCHEMY_DATABASE_URI='postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/training_mgr'" >>"$STATE"
  export TRAINING_MGR_SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/training_mgr"
  "${FLASK[@]}" db upgrade >>"$LOGS/migrate.log" 2>&1
}

start_redis() {
  running redis && return 0
  mkdir -p "$CLUSTER_DIR/redis"
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$CLUSTER_DIR/redis" \
    --save "" --appendonly yes --daemonize no  # as docs/deployment.md: queued jobs survive a restart of Redis
  wait_until 10 "Redis" redis-cli -p "$REDIS_PORT" ping
}

start_apps() {
  local i=0 url
  for url in $CLUSTER_APP_URLS; do
    local name="${APP_SERVERS[$i]}"
    i=$((i + 1))
    running "$name" && continue
    spawn "$name" "$VENV/bin/gunicorn" -c python:training_mgr.gunicorn_conf --bind "${url#http://}" "training_mgr:create_app()"
  done
  for url in $CLUSTER_APP_URLS; do
    wait_until 60 "the app server at $url" curl -fsS "$url/healthz"
  done
}

start_jobs() {
  running worker || spawn worker "${FLASK[@]}" worker --no-beat --concurrency "${CLUSTER_WORKER_CONCURRENCY:-2}"
  running scheduler || spawn scheduler "${FLASK[@]}" scheduler
  wait_until 60 "the worker" grep -q "ready" "$LOGS/worker.log"
}

stop_part() {  # stop_part NAME SECONDS: SIGTERM to its whole process group, SIGKILL after SECONDS
  local name="$1" seconds="$2" pid
  pid="$(cat "$CLUSTER_DIR/$name.pid" 2>/dev/null)" || return 0
  if alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  fi
  [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null || true  # whatever is left in its group
  rm -f "$CLUSTER_DIR/$name.pid"
}

cmd_start() {
  unset TRAINING_MGR_SQLALCHEMY_DATABASE_URI TRAINING_MGR_REDIS_URL  # the cluster's own, from $STATE
  install_if_missing
  [ -f "$STATE" ] || write_state
  # shellcheck disable=SC1090
  source "$STATE"
  # not in git: without them every Arabic page and e-mail of the cluster would be in English
  compile_translations "${TRAINING_MGR_BABEL_TRANSLATION_DIRECTORIES:-training_mgr/translations}"
  start_database
  start_redis
  start_apps
  start_jobs
  echo "cluster running: app servers $CLUSTER_APP_URLS, Redis 127.0.0.1:$REDIS_PORT, PostgreSQL 127.0.0.1:$(pg_port)"
  echo "settings: source $STATE"
}

pg_port() { sed -n 's/.*127.0.0.1:\([0-9]*\)\/training_mgr.*/\1/p' <<<"${TRAINING_MGR_SQLALCHEMY_DATABASE_URI:-}"; }

cmd_status() {
  [ -f "$STATE" ] || { echo "cluster: not started"; return 3; }
  # shellcheck disable=SC1090
  source "$STATE"
  local down=0 name
  for name in redis "${APP_SERVERS[@]}" worker scheduler; do
    if running "$name"; then echo "$name: running (pid $(cat "$CLUSTER_DIR/$name.pid"))"; else echo "$name: stopped"; down=1; fi
  done
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then echo "postgresql: running (port $(pg_port))"; else echo "postgresql: stopped"; down=1; fi
  return $((down * 3))
}

cmd_stop() {
  [ -f "$STATE" ] || return 0
  # shellcheck disable=SC1090
  source "$STATE"
  local name
  for name in "${APP_SERVERS[@]}" scheduler; do stop_part "$name" 35; done
  stop_part worker 60  # SIGTERM: the worker finishes the jobs it is running (unacknowledged ones go back to Redis)
  stop_part redis 10
  [ -d "$PG_DIR" ] && stop_postgres
  rm -rf "$CLUSTER_DIR/redis" "$STATE" "$CLUSTER_DIR/celerybeat-schedule"*
  echo "cluster stopped"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
