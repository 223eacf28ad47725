#!/usr/bin/env bash
# `make smoke`: checks a running portal (after `make up`) the way a newcomer
# would, with curl: home page, API create with a sysadmin token, search through
# Solr, the dataset page, the DCAT catalog and the dataset's RDF.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BASE="http://127.0.0.1:$CKAN_PORT"
CKAN="$HG_VENV/bin/ckan -c $HG_ROOT/ckan.ini"
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
# Fetches a URL, then looks for a text in it: `curl | grep -q` would fail under
# pipefail whenever grep stops reading early.
has() { local body; body=$(curl -fs "$1") && grep -q -- "$2" <<<"$body"; }

has "$BASE/" 'lang="fr"' || fail "home page is not served in French"
echo "ok  home page (200, lang=fr)"

token=$($CKAN user token add admin smoke-$(date +%s) 2>/dev/null | tail -n 1 | tr -d '[:space:]')
name="smoke-$(date +%s)"
# The administrator is an admin of the département's organisation (make up);
# sysadmins obey the ownership rules like everyone else.
org=departement-haute-garonne
curl -fs -H "Authorization: $token" -H "Content-Type: application/json" \
  -d "{\"name\": \"$name\", \"title\": \"Équipements sportifs (test de fumée)\", \"notes\": \"Créé par make smoke.\", \"owner_org\": \"$org\"}" \
  "$BASE/api/3/action/package_create" >/dev/null || fail "package_create with a sysadmin token"
echo "ok  package_create $name"
has "$BASE/api/3/action/package_search?q=equipement" "\"name\": \"$name\"" || fail "package_search does not find $name"
echo "ok  package_search finds it (q=equipement, through Solr)"
has "$BASE/dataset/$name" "Équipements sportifs" || fail "dataset page"
echo "ok  dataset page"
has "$BASE/catalog.ttl" "Équipements sportifs" || fail "/catalog.ttl does not list it"
echo "ok  /catalog.ttl lists it"
has "$BASE/dataset/$name.rdf" "Équipements sportifs" || fail "/dataset/$name.rdf"
echo "ok  /dataset/$name.rdf"
curl -fs -H "Authorization: $token" -H "Content-Type: application/json" -d "{\"id\": \"$name\"}" \
  "$BASE/api/3/action/dataset_purge" >/dev/null
echo "smoke test passed"
