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
    # ckanext-geoview's maps draw on the portal's own base map (the one the security
    # policy allows), unless the administrator configured them apart.
    if not config.get("ckanext.spatial.common_map.type"):
        tiles = config.get("ckanext.hautegaronne.map_tile_url") or ""
        config["ckanext.spatial.common_map.type"] = "custom"
        config["ckanext.spatial.common_map.custom.url"] = tiles
        config["ckanext.spatial.common_map.attribution"] = (
            config.get("ckanext.hautegaronne.map_attribution") or "")
