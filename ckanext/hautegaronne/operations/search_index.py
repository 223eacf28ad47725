"""Compare the search index (Solr) with the database, and bring the index back in line.

The database is the reference. A dataset that should be searchable (every dataset not
deleted, when ``ckan.search.remove_deleted_packages`` is on, CKAN's default) must have one
Solr document with the same ``metadata_modified`` (Solr keeps milliseconds) and state;
Solr documents of this site for datasets that are deleted or unknown are orphans.
``ckan hautegaronne search-index check`` lists the differences, ``repair`` fixes them.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Iterator

import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.lib.search import index_for
from ckan.lib.search.common import make_connection

__all__ = ["Differences", "compare", "repair", "database_datasets", "indexed_datasets"]

PAGE = 1000


@dataclass
class Differences:
    missing: list[str] = field(default_factory=list)   # in the database, not in Solr
    stale: list[str] = field(default_factory=list)     # in both, Solr's copy is outdated
    orphans: list[str] = field(default_factory=list)   # in Solr, deleted or unknown in the db
    checked: int = 0                                   # datasets expected in the index

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def _millis(value: datetime.datetime | str | None) -> str | None:
    """A timestamp as Solr keeps it: UTC, to the millisecond."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.rstrip("Z"))
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"


def database_datasets() -> dict[str, tuple[str | None, str]]:
    """id -> (metadata_modified, state) of the datasets that should be in the index."""
    query = model.Session.query(model.Package.id, model.Package.metadata_modified,
                                model.Package.state)
    if tk.config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != model.State.DELETED)
    return {pkg_id: (_millis(modified), state) for pkg_id, modified, state in query}


def _solr_docs() -> Iterator[dict]:
    conn = make_connection(decode_dates=False)
    fq = ['+site_id:"%s"' % tk.config.get("ckan.site_id"), "+entity_type:package"]
    cursor = "*"
    while True:
        result = conn.search("*:*", fq=fq, fl="id,metadata_modified,state", rows=PAGE,
                             sort="index_id asc", cursorMark=cursor)
        yield from result.docs
        if not result.docs or result.nextCursorMark in (None, cursor):
            return
        cursor = result.nextCursorMark


def indexed_datasets() -> dict[str, tuple[str | None, str]]:
    """id -> (metadata_modified, state) of this site's datasets in Solr."""
    return {doc["id"]: (_millis(doc.get("metadata_modified")), doc.get("state"))
            for doc in _solr_docs()}


def compare() -> Differences:
    expected, indexed = database_datasets(), indexed_datasets()
    model.Session.remove()
    return Differences(
        missing=sorted(set(expected) - set(indexed)),
        stale=sorted(pkg_id for pkg_id in set(expected) & set(indexed)
                     if expected[pkg_id] != indexed[pkg_id]),
        orphans=sorted(set(indexed) - set(expected)),
        checked=len(expected))


def repair(differences: Differences | None = None) -> Differences:
    """Reindex the missing and stale datasets, remove the orphans; returns what was fixed."""
    differences = differences or compare()
    context = {"ignore_auth": True}
    for pkg_id in differences.missing + differences.stale:
        logic.index_update_package(context, pkg_id, defer_commit=True)
    package_index = index_for(model.Package)
    for pkg_id in differences.orphans:
        package_index.delete_package({"id": pkg_id})
    package_index.commit()
    model.Session.remove()
    return differences
