#!/usr/bin/env bash
# `make test`: provision the same services as `make up` (test database
# ckan_test, Solr core ckan_test, Redis db 1) and run the whole suite with
# CKAN's pytest plugin. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$HG_ROOT/scripts/install.sh"
"$HG_VENV/bin/python" "$HG_ROOT/scripts/configure.py" >/dev/null
set -a; source "$HG_VAR/secrets.env"; set +a
bash "$HG_ROOT/scripts/postgres.sh" start
bash "$HG_ROOT/scripts/redis.sh" start
bash "$HG_ROOT/scripts/solr.sh" setup
bash "$HG_ROOT/scripts/solr.sh" start
bash "$HG_ROOT/scripts/postgres.sh" createdb ckan_test "$HG_DB_PASSWORD"
mkdir -p "$HG_VAR/test-storage" "$HG_ROOT/test-artifacts"

export CKAN_SQLALCHEMY_URL="postgresql://ckan:$HG_DB_PASSWORD@127.0.0.1:$PG_PORT/ckan_test"
export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan_test"
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1?socket_timeout=300"
cd "$HG_ROOT"
# The test database is rebuilt by the suite's fixtures; migrate it first so
# that plugin tables (harvest, activity) exist.
"$HG_VENV/bin/ckan" -c test.ini db init >"$HG_LOG/ckan-test-db-init.log" 2>&1 \
  || die "CKAN: test database initialisation failed; see $HG_LOG/ckan-test-db-init.log"
exec "$HG_VENV/bin/pytest" --ckan-ini=test.ini "$@"
