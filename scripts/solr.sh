#!/usr/bin/env bash
# A private Apache Solr 9 server for CKAN, on 127.0.0.1 only.
# Debian has no Solr package: solr/pom.xml resolves Solr from Maven Central and
# solr/src/.../SolrLauncher.java runs it on embedded Jetty (JettySolrRunner).
#
# Usage: solr.sh build|setup|start|stop|restart|status
#   build   compile the launcher and record its classpath (skipped when up to date)
#   setup   (re)generate the Solr home under $HG_VAR/solr/home (scripts/solr_home.py)
#   start   start Solr (idempotent) and wait until every core answers /admin/ping
#   stop    stop it gracefully (SIGTERM, then SIGKILL after $SOLR_STOP_TIMEOUT s)
#   status  exit 0 when running and answering, 1 when running but not answering,
#           3 when stopped
#
# Environment: SOLR_PORT (8983), HG_VAR (<project>/var), SOLR_CORES ("ckan ckan_test"),
# SOLR_HEAP (512m), SOLR_JAVA_OPTS (extra JVM options), SOLR_LOG_LEVEL (INFO),
# SOLR_START_TIMEOUT (90), SOLR_STOP_TIMEOUT (30), JAVA_HOME.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SOLR_CORES="${SOLR_CORES:-ckan ckan_test}"
SOLR_HEAP="${SOLR_HEAP:-512m}"
SOLR_JAVA_OPTS="${SOLR_JAVA_OPTS:-}"
SOLR_LOG_LEVEL="${SOLR_LOG_LEVEL:-INFO}"
SOLR_START_TIMEOUT="${SOLR_START_TIMEOUT:-90}"
SOLR_STOP_TIMEOUT="${SOLR_STOP_TIMEOUT:-30}"

POM="$HG_ROOT/solr/pom.xml"
LAUNCHER_JAR="$HG_ROOT/solr/target/ckan-solr-launcher-1.0.0.jar"
MAIN_CLASS="fr.hautegaronne.solr.SolrLauncher"
SOLR_VAR="$HG_VAR/solr"
CLASSPATH_FILE="$SOLR_VAR/classpath.txt"
SOLR_HOME="$SOLR_VAR/home"
LOG4J_CONF="$SOLR_VAR/log4j2.xml"
SOLR_LOG="$HG_LOG/solr.log"
PIDFILE="$HG_RUN/solr.pid"
BASE_URL="http://127.0.0.1:$SOLR_PORT/solr"
read -r -a CORES <<<"$SOLR_CORES"

rel() { printf '%s' "${1#"$HG_ROOT"/}"; }   # shorter paths in messages

fail_start() {
  printf 'ERROR: Solr failed to start: %s; see %s\n' "$1" "$(rel "$SOLR_LOG")" >&2
  exit 1
}

# ------------------------------------------------------------------ build

build_is_current() {
  [ -f "$LAUNCHER_JAR" ] && [ -s "$CLASSPATH_FILE" ] || return 1
  # Sources or POM changed since the last build?
  [ -z "$(find "$HG_ROOT/solr/pom.xml" "$HG_ROOT/solr/src" -newer "$CLASSPATH_FILE" -print -quit)" ] \
    || return 1
  # Every jar still in the local Maven repository (~/.m2 may have been wiped)?
  local entry entries
  IFS=: read -r -a entries <"$CLASSPATH_FILE"
  for entry in "${entries[@]}"; do [ -e "$entry" ] || return 1; done
}

cmd_build() {
  if build_is_current; then
    say "Solr launcher: up to date"
    return 0
  fi
  command -v mvn >/dev/null || die "Solr: Maven not found (install maven)"
  local note=""
  [ -d "$HOME/.m2/repository/org/apache/solr/solr-core" ] \
    || note=" (first run: downloads about 90 MB of jars into ~/.m2)"
  say "Solr launcher: building with Maven$note"
  mkdir -p "$SOLR_VAR"
  local deps="$SOLR_VAR/classpath.deps.tmp" build_log="$HG_LOG/solr-build.log"
  if ! mvn -B -q -f "$POM" package dependency:build-classpath \
        -Dmdep.includeScope=runtime -Dmdep.outputFile="$deps" >"$build_log" 2>&1; then
    tail -n 20 "$build_log" >&2
    die "Solr: Maven build failed; see $(rel "$build_log")"
  fi
  # The launcher's own jar first, then Solr and its dependencies.
  printf '%s:%s\n' "$LAUNCHER_JAR" "$(tr -d '\n' <"$deps")" >"$CLASSPATH_FILE.tmp"
  mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
  rm -f "$deps"
  say "Solr launcher: built ($(rel "$CLASSPATH_FILE"))"
}

# ------------------------------------------------------------------ setup

cmd_setup() {
  local py="$HG_VENV/bin/python" out
  [ -x "$py" ] || die "Solr: $py not found (create the virtualenv first: scripts/install.sh)"
  out=$("$py" "$HG_ROOT/scripts/solr_home.py" --var "$HG_VAR" --cores "${CORES[@]}") \
    || die "Solr: setup of the Solr home failed"
  printf '%s\n' "$out"
  # A running server only sees a new configuration after a core reload.
  if is_running && answers; then
    local core
    for core in $(printf '%s\n' "$out" | sed -n 's/^solr_home: core \([^:]*\): conf updated.*/\1/p'); do
      if curl -fsS --max-time 60 "$BASE_URL/admin/cores?action=RELOAD&core=$core&wt=json" >/dev/null; then
        say "Solr: core $core reloaded"
      else
        say "Solr: reloading core $core failed; restart Solr (solr.sh stop; solr.sh start)"
      fi
    done
  fi
}

# ------------------------------------------------------------------ run state

pid_of_solr() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The pid must still be our launcher (pids get reused).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS" || return 1
  printf '%s' "$pid"
}

is_running() { pid_of_solr >/dev/null; }

core_answers() {
  curl -fsS --max-time 5 "$BASE_URL/$1/admin/ping?wt=json" 2>/dev/null \
    | grep -q '"status" *: *"OK"'
}

answers() {
  local core
  for core in "${CORES[@]}"; do core_answers "$core" || return 1; done
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java || true
  fi
}

java_is_17_plus() {
  local version
  version=$("$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [ -n "$version" ] && [ "$version" -ge 17 ]
}

write_log4j_config() {
  mkdir -p "$SOLR_VAR"
  cat >"$LOG4J_CONF.tmp" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/solr.sh: Solr logs to stdout, which goes to $(rel "$SOLR_LOG"). -->
<Configuration status="WARN">
  <Appenders>
    <Console name="stdout" target="SYSTEM_OUT">
      <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSS} %-5p (%t) [%X{core}] %c{1.} %m%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="org.eclipse.jetty" level="WARN"/>
    <Logger name="org.apache.zookeeper" level="WARN"/>
    <Logger name="org.apache.solr.update.LoggingInfoStream" level="OFF"/>
    <Root level="$SOLR_LOG_LEVEL"><AppenderRef ref="stdout"/></Root>
  </Loggers>
</Configuration>
XML
  mv "$LOG4J_CONF.tmp" "$LOG4J_CONF"
}

# Last meaningful error of the current log, for the one-line failure message.
log_cause() {
  local cause
  cause=$(grep -E '^SOLR ERROR: ' "$SOLR_LOG" 2>/dev/null | tail -n1 | sed 's/^SOLR ERROR: //')
  [ -n "$cause" ] || cause=$(grep -E '(Exception|Error)(:|$)' "$SOLR_LOG" 2>/dev/null \
    | grep -v '^\s*at ' | tail -n1 | cut -c1-300)
  printf '%s' "${cause:-$1}"
}

# ------------------------------------------------------------------ start / stop

cmd_start() {
  local pid
  if pid=$(pid_of_solr); then
    if answers; then
      say "Solr: already running (pid $pid) at $BASE_URL"
      return 0
    fi
    if ! grep -q '^SOLR READY ' "$SOLR_LOG" 2>/dev/null; then
      say "Solr: process $pid is up but not answering yet; waiting"
      wait_until_ready "$pid"
      return 0
    fi
    # Started, but without a core asked for since (e.g. make test's cores after make up):
    # Solr discovers cores only when it starts.
    say "Solr: running (pid $pid) without every core of: ${CORES[*]}; restarting to load them"
    cmd_stop
  fi
  rm -f "$PIDFILE"

  local java
  java=$(java_bin)
  if [ -z "$java" ] || ! java_is_17_plus "$java"; then
    echo "Solr: Java 17 not found (install openjdk-17-jre-headless)" >&2
    exit 1
  fi

  if port_in_use "$SOLR_PORT"; then
    if answers; then
      say "Solr: already answering at $BASE_URL (not started by this script: no pid file)"
      return 0
    fi
    fail_start "port $SOLR_PORT on 127.0.0.1 is already in use by another program (set SOLR_PORT to use another port)"
  fi

  build_is_current || cmd_build
  local core missing=0
  for core in "${CORES[@]}"; do
    [ -f "$SOLR_HOME/$core/core.properties" ] || missing=1
  done
  [ -f "$SOLR_HOME/solr.xml" ] || missing=1
  [ "$missing" = 0 ] || cmd_setup

  write_log4j_config
  [ ! -f "$SOLR_LOG" ] || mv -f "$SOLR_LOG" "$SOLR_LOG.1"   # keep the previous run's log
  say "Solr: starting on $BASE_URL (cores: ${CORES[*]}; log: $(rel "$SOLR_LOG"))"
  # setsid: own session, so that signals sent to the caller's process group
  # (Ctrl-C in a terminal, a CI job) do not reach Solr.
  # shellcheck disable=SC2086  # SOLR_JAVA_OPTS is a list of options
  setsid nohup "$java" \
    -Xms128m "-Xmx$SOLR_HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Duser.timezone=UTC \
    -Dlog4j.configurationFile="$LOG4J_CONF" -Dlog4j2.shutdownHookEnabled=false \
    -Dsolr.log.dir="$HG_LOG" -Dsolr.install.dir="$SOLR_VAR" \
    $SOLR_JAVA_OPTS \
    -cp "$(cat "$CLASSPATH_FILE")" "$MAIN_CLASS" "$SOLR_HOME" "$SOLR_PORT" \
    >"$SOLR_LOG" 2>&1 </dev/null 9>&- &   # 9>&-: Solr must not inherit the lock
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_until_ready "$pid"
}

wait_until_ready() {
  local pid=$1 waited=0
  while [ "$waited" -lt "$SOLR_START_TIMEOUT" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      fail_start "$(log_cause "the Java process exited")"
    fi
    if grep -q '^SOLR READY ' "$SOLR_LOG" 2>/dev/null && answers; then
      say "Solr: ready at $BASE_URL (pid $pid, cores: ${CORES[*]}, ${waited}s)"
      return 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  local cause="no answer from every core (${CORES[*]}) within ${SOLR_START_TIMEOUT}s"
  grep -q '^SOLR READY ' "$SOLR_LOG" 2>/dev/null || cause="$(log_cause "$cause")"
  stop_pid "$pid" >/dev/null
  fail_start "$cause"
}

stop_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$SOLR_STOP_TIMEOUT" ]; do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "Solr: pid $pid still alive after ${SOLR_STOP_TIMEOUT}s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$PIDFILE"
}

cmd_stop() {
  local pid
  if ! pid=$(pid_of_solr); then
    rm -f "$PIDFILE"
    say "Solr: not running"
    return 0
  fi
  say "Solr: stopping (pid $pid)"
  stop_pid "$pid"
  say "Solr: stopped"
}

cmd_status() {
  local pid
  if ! pid=$(pid_of_solr); then
    echo "Solr: stopped"
    return 3
  fi
  if answers; then
    echo "Solr: running (pid $pid) at $BASE_URL, cores: ${CORES[*]}"
    return 0
  fi
  echo "Solr: running (pid $pid) but not every core answers at $BASE_URL (${CORES[*]})"
  return 1
}

# Serialise start/stop/restart (e.g. `make up` and `make test` run at once), so that
# two launches cannot race for the port and the pid file.
lock() {
  exec 9>"$HG_RUN/solr.lock"
  flock -w 180 9 || die "Solr: another solr.sh start/stop is still running (lock $(rel "$HG_RUN/solr.lock"))"
}

case "${1:-}" in
  build) cmd_build ;;
  setup) cmd_setup ;;
  start) lock; cmd_start ;;
  stop) lock; cmd_stop ;;
  restart) lock; cmd_stop; cmd_start ;;
  status) cmd_status ;;
  *) echo "usage: $(basename "$0") build|setup|start|stop|restart|status" >&2; exit 2 ;;
esac
