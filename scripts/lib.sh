# Shared settings and helpers for the project's service scripts (sourced, not run).
# Every port and path can be overridden from the environment.
HG_ROOT="${HG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
HG_VAR="${HG_VAR:-$HG_ROOT/var}"
HG_VENV="${HG_VENV:-$HG_ROOT/.venv}"
HG_LOG="$HG_VAR/log"
HG_RUN="$HG_VAR/run"
PG_PORT="${PG_PORT:-5433}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DATA="$HG_VAR/postgres/data"
REDIS_PORT="${REDIS_PORT:-6380}"
SOLR_PORT="${SOLR_PORT:-8983}"
CKAN_PORT="${CKAN_PORT:-5000}"
export HG_ROOT HG_VAR HG_VENV PG_PORT REDIS_PORT SOLR_PORT CKAN_PORT

say() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Runs a command with root rights: directly as root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

mkdir -p "$HG_LOG" "$HG_RUN"

# Runs a command in its own session under a loop that restarts it when it exits (an
# outage of Redis, a crash, redis-py's idle timeout), unless NAME's supervisor already
# runs. NAME names var/run/NAME.pid and var/log/NAME.log; stop_supervised kills the loop
# and its command together (the whole process group).
supervise() {  # NAME COMMAND...
  local name=$1; shift
  local pidfile="$HG_RUN/$name.pid"
  if supervised_running "$name"; then return 0; fi
  setsid nohup bash -c '
    while true; do
      "$@"
      echo "$(date -Is) '"$name"' exited with status $?; restarting" >&2
      sleep 2
    done' supervise "$@" >>"$HG_LOG/$name.log" 2>&1 &
  echo $! >"$pidfile"
}

supervised_running() {  # NAME
  local pidfile="$HG_RUN/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

stop_supervised() {  # NAME
  local pidfile="$HG_RUN/$1.pid"
  if [ -f "$pidfile" ]; then
    kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

supervised_status() {  # NAME (printed as LABEL, default NAME)
  if supervised_running "$1"; then
    echo "${2:-$1}: running (supervisor pid $(cat "$HG_RUN/$1.pid"))"
  else
    echo "${2:-$1}: stopped"
  fi
}

# Points CKAN at the scratch services of a test or bench run: database and Solr
# core named HG_TEST_NAME (default ckan_test), Redis database HG_TEST_REDIS_DB.
# Needs HG_DB_PASSWORD (var/secrets.env).
export_test_services() {
  HG_TEST_NAME="${HG_TEST_NAME:-ckan_test}"
  HG_TEST_REDIS_DB="${HG_TEST_REDIS_DB:-1}"
  export HG_TEST_NAME HG_TEST_REDIS_DB
  export CKAN_SQLALCHEMY_URL="postgresql://ckan:$HG_DB_PASSWORD@127.0.0.1:$PG_PORT/$HG_TEST_NAME"
  export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$HG_TEST_NAME"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$HG_TEST_REDIS_DB?socket_timeout=300"
  export CKAN_DATASTORE_WRITE_URL="postgresql://ckan:$HG_DB_PASSWORD@127.0.0.1:$PG_PORT/${HG_TEST_NAME}_datastore"
  export CKAN_DATASTORE_READ_URL="postgresql://datastore_ro:$HG_DATASTORE_RO_PASSWORD@127.0.0.1:$PG_PORT/${HG_TEST_NAME}_datastore"
}

# The DataStore's database NAME with its read-only role, and the grants CKAN documents
# (`ckan datastore set-permissions`, run with INI and the environment's CKAN_DATASTORE_*
# URLs, piped to psql as the cluster superuser). Idempotent. Needs var/secrets.env.
provision_datastore() {  # NAME INI
  bash "$HG_ROOT/scripts/postgres.sh" datastore "$1" "$HG_DATASTORE_RO_PASSWORD"
  # the script starts at its opening comment (test.ini logs to stdout before it)
  "$HG_VENV/bin/ckan" -c "$2" datastore set-permissions 2>"$HG_LOG/ckan-datastore-permissions.log" \
    | sed -n '/^\/\*/,$p' | bash "$HG_ROOT/scripts/postgres.sh" sql "$1" \
    || die "DataStore: setting the permissions of $1 failed; see $HG_LOG/ckan-datastore-permissions.log"
}
