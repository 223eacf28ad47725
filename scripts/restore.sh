#!/usr/bin/env bash
# `make restore BACKUP=<folder>`: rebuilds the portal configured by CKAN_INI (default
# ckan.ini, with the CKAN_* overrides) from a backup of `make backup`: checks every file
# against the manifest's sha256 (a corrupt or incomplete backup is refused before anything
# is touched), refuses a non-empty database or storage unless FORCE=1, loads the database
# in one transaction, puts the files in place, runs the migrations, rebuilds the Solr
# index, and compares the result with the manifest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BACKUP="${1:-${BACKUP:-}}"
[ -n "$BACKUP" ] || die "usage: make restore BACKUP=var/backups/<YYYY-MM-DDTHHMMSS> [FORCE=1]"
CKAN_INI="${CKAN_INI:-$HG_ROOT/ckan.ini}"
[ -f "$CKAN_INI" ] || die "Restore: $CKAN_INI not found (run make up first, or set CKAN_INI)"
CKAN="$HG_VENV/bin/ckan -c $CKAN_INI"
backup() { "$HG_VENV/bin/python" -m ckanext.hautegaronne.operations.backup "$@"; }
force=()
[ "${FORCE:-0}" = 1 ] && force=(--force)
started=$(date +%s)

# The project's web server and harvest workers (make up) hold connections and locks on the
# tables a forced restore replaces (the load would deadlock with them): when they serve the
# portal being restored with FORCE=1, they are stopped for the restore and started again
# after it, whatever its outcome.
paused=()
if [ ${#force[@]} -gt 0 ] && [ "$(realpath "$CKAN_INI")" = "$(realpath -m "$HG_ROOT/ckan.ini")" ]; then
  pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
  if pid_alive "$HG_RUN/gunicorn.pid"; then paused+=(web); fi
  if pid_alive "$HG_RUN/harvest-gather.pid"; then paused+=(harvest-workers); fi
fi
resume() {
  for service in "${paused[@]}"; do bash "$HG_ROOT/scripts/$service.sh" start >/dev/null || true; done
  [ ${#paused[@]} -eq 0 ] || say "Restore: started again: ${paused[*]}"
}
trap resume EXIT
for service in "${paused[@]}"; do
  say "Restore: stopping $service for the restore"
  bash "$HG_ROOT/scripts/$service.sh" stop >/dev/null
done

say "Restore: checking $BACKUP, then loading it into the portal of $CKAN_INI"
backup restore "$BACKUP" --ini "$CKAN_INI" --pg-bin "$PG_BIN" "${force[@]}" || exit 1
say "Restore: database migrations (ckan db upgrade)"
$CKAN db upgrade >"$HG_LOG/restore-db-upgrade.log" 2>&1 \
  || die "Restore: migrations failed; see $HG_LOG/restore-db-upgrade.log"
say "Restore: search index (ckan search-index clear, then rebuild)"
# Cleared first: whatever the core held for this site (private datasets, drafts) is
# not the restored database's.
{ $CKAN search-index clear && $CKAN search-index rebuild; } >"$HG_LOG/restore-search-index.log" 2>&1 \
  || die "Restore: search index rebuild failed (is Solr running?); see $HG_LOG/restore-search-index.log"
say "Restore: comparing the portal with the backup's manifest"
backup check "$BACKUP" --ini "$CKAN_INI" || exit 1
say "Restore done in $(( $(date +%s) - started )) s"
