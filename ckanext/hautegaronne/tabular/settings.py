"""Settings of the data stack that follow from the rest of the configuration."""
from __future__ import annotations

from ckan.common import CKANConfig

XLOADER_JOBS_DB = "ckanext.xloader.jobs_db.uri"
# ckanext-xloader's declared default: a SQLite file in /tmp, lost on reboot and private
# to one machine.
XLOADER_JOBS_DB_DEFAULT = "sqlite:////tmp/xloader_jobs.db"


def update_config(config: CKANConfig) -> None:
    """Keep xloader's job log (the load status and errors publishers see) in CKAN's own
    PostgreSQL database unless the administrator chose another one."""
    if config.get(XLOADER_JOBS_DB) in (None, "", XLOADER_JOBS_DB_DEFAULT):
        config[XLOADER_JOBS_DB] = config["sqlalchemy.url"]
