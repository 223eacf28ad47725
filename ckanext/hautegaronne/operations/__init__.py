"""Operating the portal: search-index recovery, backups and restores, outages (their
per-request hooks are installed by middleware.py)."""
