"""Operating the portal: search-index recovery, backups and restores."""
