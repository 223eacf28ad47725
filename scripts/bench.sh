#!/usr/bin/env bash
# `make bench`: run every bench/*.py (or those named in BENCH) with the virtualenv's
# Python against a scratch database (the test database of HG_TEST_NAME, default
# ckan_test, Solr core of the same name, Redis db HG_TEST_REDIS_DB), never the dev
# database. Benchmarks print ratios against a baseline measured in the same run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
HG_TEST_NAME="${HG_TEST_NAME:-ckan_test}"
HG_TEST_REDIS_DB="${HG_TEST_REDIS_DB:-1}"
set -a; source "$HG_VAR/secrets.env"; set +a
bash "$HG_ROOT/scripts/postgres.sh" createdb "$HG_TEST_NAME" "$HG_DB_PASSWORD"
export CKAN_INI="$HG_ROOT/test.ini"
export_test_services
cd "$HG_ROOT"
provision_datastore "${HG_TEST_NAME}_datastore" "$HG_ROOT/test.ini"
"$HG_VENV/bin/ckan" -c test.ini db init >"$HG_LOG/ckan-bench-db-init.log" 2>&1 \
  || die "CKAN: bench database initialisation failed; see $HG_LOG/ckan-bench-db-init.log"
# BENCH: the benchmarks to run (paths, space-separated), default every bench/*.py;
# BENCH_ARGS: arguments passed to each (e.g. BENCH_ARGS="--rounds 30"; BENCH_ARGS=--tiny
# runs each at the tiny size `make test` checks them at). A benchmark whose run had errors
# exits non-zero: so does this script, after running the others.
status=0
for bench in ${BENCH:-bench/[!_]*.py}; do
  echo "==> $bench"
  [ -f "$bench" ] || die "no benchmark $bench"
  rc=0
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of words
  "$HG_VENV/bin/python" "$bench" ${BENCH_ARGS:-} || rc=$?
  echo "<== $bench: exit $rc"
  [ "$rc" -eq 0 ] || status=1
done
exit $status
