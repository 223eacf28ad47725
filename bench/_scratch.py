"""The scratch portal that every benchmark runs on: the test configuration and
the database `scripts/bench.sh` points CKAN_* at (never the dev database)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Plugins whose tables a dataset needs besides CKAN core's.
PLUGIN_MIGRATIONS = ("activity", "harvest", "tracking")


def app():
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(os.environ.get("CKAN_INI", str(ROOT / "test.ini"))))


def reset_db() -> None:
    from ckan.cli.db import _run_migrations
    from ckan.tests.helpers import reset_db as reset_core_db

    reset_core_db()
    for plugin in PLUGIN_MIGRATIONS:
        _run_migrations(plugin)
