#!/usr/bin/env bash
# CKAN served by gunicorn on loopback. Usage: web.sh start|stop
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PIDFILE="$HG_RUN/gunicorn.pid"
WEB_LOG="$HG_LOG/gunicorn.log"
# Sync workers: 2 per core + 1 by default (5 on 2 cores), see README "Performance and sizing".
WEB_WORKERS="${WEB_WORKERS:-$((2 * $(nproc) + 1))}"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  if running; then
    # Reload workers so that code and configuration changes are picked up.
    kill -HUP "$(cat "$PIDFILE")"
  else
    port_in_use "$CKAN_PORT" && die "CKAN web: port $CKAN_PORT on 127.0.0.1 is already taken (set CKAN_PORT); see $WEB_LOG"
    CKAN_INI="$HG_ROOT/ckan.ini" "$HG_VENV/bin/gunicorn" --chdir "$HG_ROOT/config" \
      --bind "127.0.0.1:$CKAN_PORT" --workers "$WEB_WORKERS" --timeout 120 \
      --daemon --capture-output --pid "$PIDFILE" --error-logfile "$WEB_LOG" \
      --access-logfile "$HG_LOG/gunicorn-access.log" wsgi:application \
      || die "CKAN web (gunicorn) failed to start; see $WEB_LOG"
  fi
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "http://127.0.0.1:$CKAN_PORT/api/3/action/status_show"; then
      say "CKAN web: serving http://127.0.0.1:$CKAN_PORT"; return 0
    fi
    sleep 0.5
  done
  die "CKAN web did not answer on 127.0.0.1:$CKAN_PORT; see $WEB_LOG"
}

stop() {
  if running; then
    kill -TERM "$(cat "$PIDFILE")"
    for _ in $(seq 1 50); do running || break; sleep 0.2; done
    say "CKAN web: stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
