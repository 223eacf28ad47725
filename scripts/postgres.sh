#!/usr/bin/env bash
# A private PostgreSQL 15 cluster under var/postgres, on loopback only.
# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# `postgres` system user. Usage: postgres.sh start|stop|status|createdb NAME
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SOCKET_DIR="$HG_VAR/postgres/socket"
PG_LOGFILE="$HG_LOG/postgres.log"
DB_USER="${HG_DB_USER:-ckan}"

if [ "$(id -u)" -eq 0 ]; then
  PG_OWNER=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  PG_OWNER=$(id -un)
  as_owner() { "$@"; }
fi

psql_admin() {
  as_owner "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

init_cluster() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL: $PG_BIN/initdb not found (install the Debian package postgresql-15)"
  say "PostgreSQL: creating a private cluster in $PG_DATA"
  mkdir -p "$HG_VAR/postgres" "$SOCKET_DIR"
  chown "$PG_OWNER" "$HG_VAR/postgres" "$SOCKET_DIR" "$PG_LOGFILE" 2>/dev/null || true
  # Sockets are reachable only by the cluster's owner (and root); TCP needs a password.
  as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$HG_LOG/postgres-initdb.log" 2>&1 || {
      rm -rf "$PG_DATA"
      die "PostgreSQL: initdb failed; see $HG_LOG/postgres-initdb.log"
    }
  cat >>"$PG_DATA/postgresql.conf" <<CONF
# ckanext-hautegaronne private cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SOCKET_DIR'
unix_socket_permissions = 0700
fsync = on
CONF
}

start() {
  if [ -f "$PG_DATA/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    return 0
  fi
  port_in_use "$PG_PORT" && die "PostgreSQL: port $PG_PORT on 127.0.0.1 is already taken by another program (set PG_PORT); see $PG_LOGFILE"
  [ -f "$PG_DATA/PG_VERSION" ] || init_cluster
  touch "$PG_LOGFILE"; chown "$PG_OWNER" "$PG_LOGFILE" 2>/dev/null || true
  # The port given at start wins over the one initdb wrote: PG_PORT may change later.
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOGFILE" -o "-p $PG_PORT" -w -t 60 start >/dev/null \
    || die "PostgreSQL failed to start; see $PG_LOGFILE"
  say "PostgreSQL: listening on 127.0.0.1:$PG_PORT"
}

stop() {
  if [ -f "$PG_DATA/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    say "PostgreSQL: stopped"
  fi
}

# A login role with this password (created, or its password reset: re-running keeps the
# role in step with var/secrets.env). Extra CREATE ROLE attributes may follow.
ensure_login_role() {  # ROLE PASSWORD [ATTRIBUTE...]
  local role="$1" password="$2"; shift 2
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" ]; then
    psql_admin -c "CREATE ROLE $role LOGIN $* PASSWORD '$password'"
  else
    psql_admin -c "ALTER ROLE $role PASSWORD '$password'"
  fi
}

# An empty UTF-8 database owned by the CKAN role, unless it exists.
ensure_database() {  # NAME
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]; then
    psql_admin -c "CREATE DATABASE $1 OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
  fi
}

# createdb NAME PASSWORD: the role and an empty UTF-8 database it owns (idempotent).
createdb() {
  ensure_login_role "$DB_USER" "$2"
  ensure_database "$1"
}

# datastore NAME RO_PASSWORD: the DataStore's database (owned by the write role, as CKAN's
# documentation sets it up) and the read-only role datastore_ro. The grants themselves
# come from `ckan datastore set-permissions` (see sql).
datastore() {
  ensure_login_role datastore_ro "$2" NOSUPERUSER NOCREATEDB NOCREATEROLE
  ensure_database "$1"
  # CKAN's trigger fills each row's full-text column with the database's default
  # configuration: French stemming and stop words, like ckan.datastore.default_fts_lang.
  psql_admin -c "ALTER DATABASE $1 SET default_text_search_config = 'pg_catalog.french'"
}

# sql NAME: runs the SQL read from stdin in database NAME as the cluster superuser.
sql() {
  PGOPTIONS="-c client_min_messages=warning" as_owner "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qtA >/dev/null
}

# dropdb NAME: used to undo a half-initialised database.
dropdb() {
  psql_admin -c "DROP DATABASE IF EXISTS $1"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status ;;
  createdb) createdb "$2" "$3" ;;
  dropdb) dropdb "$2" ;;
  datastore) datastore "$2" "$3" ;;
  sql) sql "$2" ;;
  *) echo "usage: $0 start|stop|status|createdb NAME PASSWORD|dropdb NAME|datastore NAME RO_PASSWORD|sql NAME" >&2; exit 2 ;;
esac
