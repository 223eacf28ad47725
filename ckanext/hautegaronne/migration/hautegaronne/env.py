"""Alembic environment of the plugin `hautegaronne`: its own version table, and
only its own tables (named hautegaronne_*) considered."""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

config = context.config
fileConfig(config.config_file_name)
PLUGIN = os.path.basename(os.path.dirname(__file__))


def include_object(obj, name, type_, reflected, compare_to):
    return type_ != "table" or name.startswith(PLUGIN)


def run() -> None:
    options = {"target_metadata": metadata, "include_object": include_object,
               "version_table": f"{PLUGIN}_alembic_version"}
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                          **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


run()
