#!/usr/bin/env bash
# `make test`: provision the same services as `make up` (test database
# ckan_test, Solr core ckan_test, Redis db 1) and run the whole suite with
# CKAN's pytest plugin. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# Name of the test database and Solr core; parallel runs each take their own
# (e.g. HG_TEST_NAME=ckan_test_b HG_TEST_REDIS_DB=2 make test).
HG_TEST_NAME="${HG_TEST_NAME:-ckan_test}"
HG_TEST_REDIS_DB="${HG_TEST_REDIS_DB:-1}"
SOLR_CORES="$(printf '%s\n' ${SOLR_CORES:-ckan ckan_test} "$HG_TEST_NAME" "${HG_TEST_NAME}_national" | awk '!seen[$0]++' | xargs)"
export SOLR_CORES

bash "$HG_ROOT/scripts/install.sh"
"$HG_VENV/bin/python" "$HG_ROOT/scripts/configure.py" >/dev/null
set -a; source "$HG_VAR/secrets.env"; set +a
bash "$HG_ROOT/scripts/postgres.sh" start
bash "$HG_ROOT/scripts/redis.sh" start
bash "$HG_ROOT/scripts/solr.sh" setup
bash "$HG_ROOT/scripts/solr.sh" start
bash "$HG_ROOT/scripts/postgres.sh" createdb "$HG_TEST_NAME" "$HG_DB_PASSWORD"
# A second CKAN instance, playing a national catalogue that harvests the portal.
bash "$HG_ROOT/scripts/postgres.sh" createdb "${HG_TEST_NAME}_national" "$HG_DB_PASSWORD"
mkdir -p "$HG_VAR/test-storage" "$HG_ROOT/test-artifacts"

export_test_services
provision_datastore "${HG_TEST_NAME}_datastore" "$HG_ROOT/test.ini"
export HG_NATIONAL_SQLALCHEMY_URL="postgresql://ckan:$HG_DB_PASSWORD@127.0.0.1:$PG_PORT/${HG_TEST_NAME}_national"
export HG_NATIONAL_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/${HG_TEST_NAME}_national"
cd "$HG_ROOT"
# The test database is rebuilt by the suite's fixtures; migrate it first so
# that plugin tables (harvest, activity) exist.
"$HG_VENV/bin/ckan" -c test.ini db init >"$HG_LOG/ckan-test-db-init.log" 2>&1 \
  || die "CKAN: test database initialisation failed; see $HG_LOG/ckan-test-db-init.log"
exec "$HG_VENV/bin/pytest" --ckan-ini=test.ini "$@"
