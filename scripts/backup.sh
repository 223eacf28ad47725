#!/usr/bin/env bash
# `make backup`: a consistent backup of the portal (database dump from one snapshot,
# uploaded files, configuration without secrets, manifest with sha256) in a dated folder
# BACKUP_DIR/<YYYY-MM-DDTHHMMSS> (UTC; BACKUP_DIR defaults to var/backups), mode 0700.
# CKAN_INI (default ckan.ini) and the CKAN_* overrides name the portal; PG_BIN the
# PostgreSQL client; BACKUP_KEEP=N keeps only the N most recent backups.
# See ckanext/hautegaronne/operations/backup.py and README.md "Backups".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CKAN_INI="${CKAN_INI:-$HG_ROOT/ckan.ini}"
BACKUP_DIR="${BACKUP_DIR:-$HG_VAR/backups}"
[ -f "$CKAN_INI" ] || die "Backup: $CKAN_INI not found (run make up first, or set CKAN_INI)"
umask 077
started=$(date +%s)
say "Backup of the portal configured by $CKAN_INI into $BACKUP_DIR"
# The checkout's own knowledge (where its secrets are, its commit) is passed in: the
# installed package does not look for a checkout.
extra=()
[ -f "$HG_VAR/secrets.env" ] && extra+=(--secrets-file "$HG_VAR/secrets.env")
revision=$(git -C "$HG_ROOT" rev-parse HEAD 2>/dev/null) && extra+=(--source-revision "$revision")
folder=$("$HG_VENV/bin/python" -m ckanext.hautegaronne.operations.backup create "$BACKUP_DIR" \
  --ini "$CKAN_INI" --pg-bin "$PG_BIN" --keep "${BACKUP_KEEP:-0}" "${extra[@]}") \
  || die "Backup failed (see the message above); no backup folder was written"
say "Backup written in $(( $(date +%s) - started )) s: $folder"
say "Restore it with: make restore BACKUP=$folder"
