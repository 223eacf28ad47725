#!/usr/bin/env bash
# Harvest workers: the gather and fetch consumers (Redis queues) and a scheduler
# that runs `ckan harvester run` every HARVEST_RUN_INTERVAL seconds (the cron
# equivalent). Each runs supervised (lib.sh): redis-py's socket timeout makes idle
# consumers exit, which is then harmless.
# A fourth loop runs `ckan tracking update` every TRACKING_UPDATE_INTERVAL
# seconds: page views become the home page's "most viewed datasets".
# Usage: harvest-workers.sh start|stop|restart|status
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CKAN_BIN="$HG_VENV/bin/ckan"
INI="${HARVEST_INI:-$HG_ROOT/ckan.ini}"   # another configuration: HARVEST_INI=/path/to.ini
HARVEST_RUN_INTERVAL="${HARVEST_RUN_INTERVAL:-300}"
TRACKING_UPDATE_INTERVAL="${TRACKING_UPDATE_INTERVAL:-3600}"
WORKERS="gather fetch scheduler tracking"

start() {
  supervise harvest-gather "$CKAN_BIN" -c "$INI" harvester gather-consumer
  supervise harvest-fetch "$CKAN_BIN" -c "$INI" harvester fetch-consumer
  supervise harvest-scheduler bash -c "\"$CKAN_BIN\" -c \"$INI\" harvester run; sleep $HARVEST_RUN_INTERVAL"
  supervise harvest-tracking bash -c "\"$CKAN_BIN\" -c \"$INI\" tracking update; sleep $TRACKING_UPDATE_INTERVAL"
  say "Harvest: gather and fetch consumers, scheduler and page-view tracking update running (logs in $HG_LOG/harvest-*.log)"
}

stop() {
  local name
  for name in $WORKERS; do stop_supervised "harvest-$name"; done
  say "Harvest: workers stopped"
}

status() {
  local name
  for name in $WORKERS; do supervised_status "harvest-$name" "$name"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  # After a code or configuration change (make up): running workers would keep the old code.
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
