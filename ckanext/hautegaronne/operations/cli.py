"""``ckan hautegaronne search-index check|repair`` and ``ckan hautegaronne backup create|verify``."""
from __future__ import annotations

import click

from . import search_index

__all__ = ["search_index_group", "backup_group"]


def _report(differences: search_index.Differences) -> None:
    for label, ids in (("missing from the index", differences.missing),
                       ("outdated in the index", differences.stale),
                       ("in the index only (deleted or unknown)", differences.orphans)):
        click.echo(f"{len(ids)} {label}")
        for pkg_id in ids:
            click.echo(f"  {pkg_id}")


@click.group("search-index", short_help="Compare the search index with the database")
def search_index_group() -> None:
    """The database is the reference; Solr must hold every dataset that is not deleted,
    as last modified, and nothing else."""


@search_index_group.command("check", short_help="List the differences (exit status 1 if any)")
def check() -> None:
    differences = search_index.compare()
    _report(differences)
    if differences.in_sync:
        click.echo(f"in sync: {differences.checked} datasets")
        return
    raise SystemExit(1)


@search_index_group.command("repair", short_help="Reindex what differs, remove orphans")
def repair() -> None:
    fixed = search_index.repair()
    _report(fixed)
    after = search_index.compare()
    if not after.in_sync:
        click.echo("still different after the repair:", err=True)
        _report(after)
        raise SystemExit(1)
    click.echo(f"in sync: {after.checked} datasets")


@click.group("backup", short_help="Back up the portal (database, uploads, configuration)")
def backup_group() -> None:
    """The same backups as ``python -m ckanext.hautegaronne.operations.backup`` (and
    ``make backup``), for an installation without the project's checkout: the portal is
    the one of ``ckan -c``."""


@backup_group.command("create", short_help="Write a backup into a dated folder of ROOT")
@click.argument("root", type=click.Path(file_okay=False))
@click.option("--keep", type=int, default=0, help="Keep only the KEEP most recent backups.")
@click.option("--pg-bin", envvar="PG_BIN", help="Folder of pg_dump (default: the PATH).")
@click.option("--secrets-file", "secrets_files", multiple=True, type=click.Path(dir_okay=False),
              help="A NAME=value file of secrets none of which may reach the backup.")
@click.option("--source-revision", help="The deployed commit, recorded in the manifest.")
def backup_create(root: str, keep: int, pg_bin: str | None, secrets_files: tuple,
                  source_revision: str | None) -> None:
    import ckan.plugins.toolkit as tk

    from . import backup

    try:
        folder = backup.create(tk.config["__file__"], root, pg_bin, keep=keep,
                               secrets_files=secrets_files, source_revision=source_revision)
    except backup.BackupError as error:
        click.echo(f"ERROR: {error}", err=True)
        raise SystemExit(1)
    click.echo(str(folder))


@backup_group.command("verify", short_help="Check a backup's files against its manifest")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
def backup_verify(folder: str) -> None:
    from . import backup

    try:
        manifest = backup.verify(folder)
    except backup.BackupError as error:
        click.echo(f"ERROR: {error}", err=True)
        raise SystemExit(1)
    click.echo(f"{folder}: {len(manifest['files'])} files intact ({manifest['created']})")
