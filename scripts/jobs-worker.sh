#!/usr/bin/env bash
# CKAN's background jobs worker (`ckan jobs worker`): it runs ckanext-xloader's loads of
# resources into the DataStore, from the queues on the project's Redis. Supervised like
# the harvest workers (lib.sh): restarted when it exits (an outage of Redis, a crash).
# JOBS_WORKERS (default 1) workers run side by side. Usage: jobs-worker.sh start|stop|restart|status
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CKAN_BIN="$HG_VENV/bin/ckan"
INI="${JOBS_INI:-$HG_ROOT/ckan.ini}"   # another configuration: JOBS_INI=/path/to.ini
JOBS_WORKERS="${JOBS_WORKERS:-1}"

# The workers running now, started with whatever JOBS_WORKERS was then.
started() {
  local pidfile
  for pidfile in "$HG_RUN"/jobs-worker-*.pid; do
    [ -e "$pidfile" ] && basename "$pidfile" .pid
  done
  return 0
}

start() {
  local n
  for n in $(seq 1 "$JOBS_WORKERS"); do
    supervise "jobs-worker-$n" "$CKAN_BIN" -c "$INI" jobs worker
  done
  say "Jobs: $JOBS_WORKERS background worker(s) running (DataStore loads; logs in $HG_LOG/jobs-worker-*.log)"
}

stop() {
  local name
  for name in $(started); do stop_supervised "$name"; done
  say "Jobs: workers stopped"
}

status() {
  local name
  for name in $(started); do supervised_status "$name"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  # After a code or configuration change (make up): running workers would keep the old code.
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
