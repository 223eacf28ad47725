#!/usr/bin/env bash
# CKAN's background jobs worker (`ckan jobs worker`): it runs ckanext-xloader's loads of
# resources into the DataStore, from the queues on the project's Redis. Supervised like
# the harvest workers: a loop restarts it when it exits (an outage of Redis, a crash).
# JOBS_WORKERS (default 1) workers run side by side. Usage: jobs-worker.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CKAN_BIN="$HG_VENV/bin/ckan"
INI="${JOBS_INI:-$HG_ROOT/ckan.ini}"   # another configuration: JOBS_INI=/path/to.ini
JOBS_WORKERS="${JOBS_WORKERS:-1}"

pidfiles() { ls "$HG_RUN"/jobs-worker-*.pid 2>/dev/null || true; }

start() {
  local n pidfile
  for n in $(seq 1 "$JOBS_WORKERS"); do
    pidfile="$HG_RUN/jobs-worker-$n.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
    setsid nohup bash -c '
      while true; do
        "$@"
        echo "$(date -Is) jobs worker exited with status $?; restarting" >&2
        sleep 2
      done' supervise "$CKAN_BIN" -c "$INI" jobs worker >>"$HG_LOG/jobs-worker-$n.log" 2>&1 &
    echo $! >"$pidfile"
  done
  say "Jobs: $JOBS_WORKERS background worker(s) running (DataStore loads; logs in $HG_LOG/jobs-worker-*.log)"
}

stop() {
  local pidfile
  for pidfile in $(pidfiles); do
    kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  say "Jobs: workers stopped"
}

status() {
  local pidfile
  for pidfile in $(pidfiles); do
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$(basename "$pidfile" .pid): running (supervisor pid $(cat "$pidfile"))"
    else
      echo "$(basename "$pidfile" .pid): stopped"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
