"""``ckan hautegaronne search-index check|repair``."""
from __future__ import annotations

import click

from . import search_index

__all__ = ["search_index_group"]


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
