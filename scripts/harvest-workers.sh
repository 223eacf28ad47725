#!/usr/bin/env bash
# Harvest workers: the gather and fetch consumers (Redis queues) and a scheduler
# that runs `ckan harvester run` every HARVEST_RUN_INTERVAL seconds (the cron
# equivalent). Each runs in a supervising loop that restarts it when it exits:
# redis-py's socket timeout makes idle consumers exit, which is then harmless.
# A fourth loop runs `ckan tracking update` every TRACKING_UPDATE_INTERVAL
# seconds: page views become the home page's "most viewed datasets".
# Usage: harvest-workers.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CKAN_BIN="$HG_VENV/bin/ckan"
INI="${HARVEST_INI:-$HG_ROOT/ckan.ini}"   # another configuration: HARVEST_INI=/path/to.ini
HARVEST_RUN_INTERVAL="${HARVEST_RUN_INTERVAL:-300}"
TRACKING_UPDATE_INTERVAL="${TRACKING_UPDATE_INTERVAL:-3600}"

supervise() {  # name, command...
  local name=$1; shift
  local pidfile="$HG_RUN/harvest-$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return 0; fi
  setsid nohup bash -c '
    while true; do
      "$@"
      echo "$(date -Is) '"$name"' exited with status $?; restarting" >&2
      sleep 2
    done' supervise "$@" >>"$HG_LOG/harvest-$name.log" 2>&1 &
  echo $! >"$pidfile"
}

start() {
  supervise gather "$CKAN_BIN" -c "$INI" harvester gather-consumer
  supervise fetch "$CKAN_BIN" -c "$INI" harvester fetch-consumer
  supervise scheduler bash -c "\"$CKAN_BIN\" -c \"$INI\" harvester run; sleep $HARVEST_RUN_INTERVAL"
  supervise tracking bash -c "\"$CKAN_BIN\" -c \"$INI\" tracking update; sleep $TRACKING_UPDATE_INTERVAL"
  say "Harvest: gather and fetch consumers, scheduler and page-view tracking update running (logs in $HG_LOG/harvest-*.log)"
}

stop() {
  for name in gather fetch scheduler tracking; do
    local pidfile="$HG_RUN/harvest-$name.pid"
    if [ -f "$pidfile" ]; then
      kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  say "Harvest: workers stopped"
}

status() {
  for name in gather fetch scheduler tracking; do
    local pidfile="$HG_RUN/harvest-$name.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name: running (supervisor pid $(cat "$pidfile"))"
    else
      echo "$name: stopped"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
