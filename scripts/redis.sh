#!/usr/bin/env bash
# A private Redis 7 on loopback, data under var/redis. Usage: redis.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_DIR="$HG_VAR/redis"
REDIS_LOGFILE="$HG_LOG/redis.log"
PIDFILE="$HG_RUN/redis.pid"

# A bounded wait: a foreign program on the port may accept and never answer.
cli() { timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

start() {
  command -v redis-server >/dev/null || die "Redis: redis-server not found (install the Debian package redis-server)"
  if cli ping 2>/dev/null | grep -q PONG; then return 0; fi
  port_in_use "$REDIS_PORT" && die "Redis: port $REDIS_PORT on 127.0.0.1 is already taken by another program (set REDIS_PORT); see $REDIS_LOGFILE"
  mkdir -p "$REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --dir "$REDIS_DIR" --appendonly yes --daemonize yes \
    --pidfile "$PIDFILE" --logfile "$REDIS_LOGFILE" \
    || die "Redis failed to start; see $REDIS_LOGFILE"
  for _ in $(seq 1 50); do
    cli ping 2>/dev/null | grep -q PONG && { say "Redis: listening on 127.0.0.1:$REDIS_PORT"; return 0; }
    sleep 0.2
  done
  die "Redis did not answer on 127.0.0.1:$REDIS_PORT; see $REDIS_LOGFILE"
}

stop() {
  if cli ping 2>/dev/null | grep -q PONG; then
    cli shutdown >/dev/null 2>&1 || true
    say "Redis: stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) cli ping ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
