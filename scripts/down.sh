#!/usr/bin/env bash
# `make down`: stop every service of the project; data stay under var/.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bash "$HG_ROOT/scripts/harvest-workers.sh" stop
bash "$HG_ROOT/scripts/jobs-worker.sh" stop
bash "$HG_ROOT/scripts/web.sh" stop
bash "$HG_ROOT/scripts/solr.sh" stop
bash "$HG_ROOT/scripts/redis.sh" stop
bash "$HG_ROOT/scripts/postgres.sh" stop
