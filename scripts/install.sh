#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks: Debian packages, the Python
# virtualenv with the pinned CKAN stack, and the Solr launcher. Idempotent:
# each step is skipped when its result is already there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DEBIAN_PACKAGES=(
  postgresql-15 redis-server          # services
  libpq-dev libmagic1 gcc make curl   # psycopg2 builds from source; python-magic
  openjdk-17-jdk-headless maven       # the Solr launcher
  chromium nodejs npm fonts-dejavu-core  # browser tests: Debian's Chromium, axe-core from npm
  wrk                                 # load generator of bench/throughput.py
  gettext                             # msgfmt -c checks the catalogues (tests/theme/test_i18n.py)
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# A Java 17 and a Maven already on the PATH (e.g. a JDK from elsewhere) will do.
if command -v java >/dev/null && java -version 2>&1 | grep -q '"17'; then
  missing=("${missing[@]/openjdk-17-jdk-headless}")
fi
command -v mvn >/dev/null && missing=("${missing[@]/maven}")
# A Node.js and npm already on the PATH will do for the browser tests.
command -v npm >/dev/null && missing=("${missing[@]/nodejs}") && missing=("${missing[@]/npm}")
# Debian's Python 3.11 unless a Python 3.11 with venv and headers is already there.
if ! { command -v python3.11 >/dev/null && python3.11 -c 'import venv, sysconfig, os; assert os.path.exists(sysconfig.get_paths()["include"] + "/Python.h")' 2>/dev/null; }; then
  missing+=(python3 python3-venv python3-dev)
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$HG_LOG/apt.log" 2>&1 \
    || die "apt-get update failed; see $HG_LOG/apt.log"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >>"$HG_LOG/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed; see $HG_LOG/apt.log"
fi
# Debian may start its own packaged instances on the default ports: the
# project runs private ones on other ports (see lib.sh), so they do not clash.

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
  || die "Python 3.11 is required (found $("$PYTHON" --version 2>&1))"

stamp="$HG_VENV/.requirements.sha256"
want=$(cat "$HG_ROOT"/requirements*.txt "$HG_ROOT/setup.py" | sha256sum | cut -d' ' -f1)
if [ ! -x "$HG_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing the Python stack into $HG_VENV (several minutes the first time)"
  [ -x "$HG_VENV/bin/python" ] || "$PYTHON" -m venv "$HG_VENV"
  {
    "$HG_VENV/bin/pip" install -q --upgrade pip wheel setuptools &&
    "$HG_VENV/bin/pip" install -q -r "$HG_ROOT/requirements-dev.txt" &&
    "$HG_VENV/bin/pip" install -q -e "$HG_ROOT"
  } >"$HG_LOG/pip.log" 2>&1 || die "pip install failed; see $HG_LOG/pip.log"
  echo "$want" >"$stamp"
fi

# Front-end test dependencies (axe-core), pinned by tests/browser/package-lock.json.
# npm itself may come from elsewhere (e.g. a Node.js already on the machine).
browser_stamp="$HG_ROOT/tests/browser/node_modules/.lock.sha256"
want_browser=$(sha256sum "$HG_ROOT/tests/browser/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$browser_stamp" 2>/dev/null)" != "$want_browser" ]; then
  say "Installing the browser tests' npm packages (tests/browser)"
  (cd "$HG_ROOT/tests/browser" && npm ci --no-audit --no-fund) >"$HG_LOG/npm-browser.log" 2>&1 \
    || die "npm ci in tests/browser failed; see $HG_LOG/npm-browser.log"
  echo "$want_browser" >"$browser_stamp"
fi

bash "$HG_ROOT/scripts/solr.sh" build
