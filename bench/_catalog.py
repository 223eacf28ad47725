"""A realistic catalog on the scratch portal, shared by the benchmarks that serve pages:
30 publishers of the territory (the département, its 18 EPCI, its 11 most populous
communes, onboarded as `ckan hautegaronne publishers add` does) and 1,000 datasets spread
over them round-robin, each a variant of one of the demo datasets (complete DCAT metadata,
two or three resources given by URL, so no upload is written).

``build()`` empties the scratch database and the Solr core first, unless they already hold
exactly this catalog (``reuse=True``, the default): a benchmark run after another one does
not pay the building twice. Call it inside a Flask request context of ``_scratch.app()``.
"""
from __future__ import annotations

import contextlib
import time

import _scratch

TOTAL, PUBLISHERS = 1000, 30
PREFIX = "bench-"  # every benchmark dataset's name starts with it


def _publisher_entities() -> list[dict]:
    from ckanext.hautegaronne import territory

    data = territory.territory()
    communes = sorted(data.communes.values(), key=lambda c: -(c.get("population") or 0))
    epcis = sorted(data.epcis.values(), key=lambda e: e["siren"])
    entities = [dict(data.departement)] + [dict(e) for e in epcis] + [dict(c) for c in communes]
    return entities[:PUBLISHERS]


def _templates() -> list[dict]:
    from ckanext.hautegaronne.demo import datasets as demo

    templates = []
    for _, fields, resources in demo.datasets():
        templates.append({"fields": dict(fields), "resources": [
            {"name": r["name"], "format": r.get("format", ""), "description": r.get("description", ""),
             "url": f"https://data.haute-garonne.example.org/exports/{r.get('filename', 'data')}"}
            for r in resources]})
    return templates


def _current() -> tuple[int, int]:
    import ckan.model as model

    datasets = model.Session.query(model.Package).filter(
        model.Package.state == "active", model.Package.name.like(PREFIX + "%")).count()
    everything = model.Session.query(model.Package).count()
    orgs = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").count()
    return (datasets if datasets == everything else -1), orgs


def _organizations() -> list[dict]:
    """Every active organisation, whatever its type (organization_list sees only the
    generic type)."""
    import ckan.model as model

    rows = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").order_by(model.Group.name)
    return [{"id": g.id, "name": g.name, "title": g.title, "type": g.type} for g in rows]


def _indexed() -> int:
    import ckan.plugins.toolkit as tk

    return tk.get_action("package_search")({"ignore_auth": True}, {"q": "*:*", "rows": 0})["count"]


def build(total: int = TOTAL, publishers: int = PUBLISHERS, reuse: bool = True,
          log=print) -> dict:
    """Builds (or finds) the catalog; returns its names: {"datasets": [...], "organizations":
    [{"name", "type"}...], "built": whether it was built now}."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.lib import search

    from ckanext.hautegaronne.publishers import onboarding

    # (publishers left with the generic type by an interrupted vanilla run: build again)
    built = not (reuse and _current() == (total, publishers) and _indexed() == total
                 and all(o["type"] != "organization" for o in _organizations()))
    if built:
        started = time.perf_counter()
        _scratch.reset_db()
        search.clear_all()
        for entity in _publisher_entities()[:publishers]:
            onboarding.add(entity)
        orgs = _organizations()
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        templates = _templates()
        # One Solr commit at the end rather than one per dataset.
        tk.config["ckan.search.solr_commit"] = False
        try:
            for index in range(total):
                template = templates[index % len(templates)]
                org = orgs[index % len(orgs)]
                fields = dict(template["fields"])
                name = f"{PREFIX}{index:04d}-{fields['name']}"[:100]
                fields.update({
                    "name": name,
                    "title": f"{fields['title']} ({org['title']}, n°{index})",
                    "identifier": f"{name}@data.haute-garonne.fr",
                    "owner_org": org["id"],
                    "resources": [dict(r) for r in template["resources"]],
                })
                tk.get_action("package_create")({"user": site_user}, fields)
                if (index + 1) % 200 == 0:
                    log(f"   catalog: {index + 1}/{total} datasets")
        finally:
            tk.config["ckan.search.solr_commit"] = True
        search.commit()
        log(f"   catalog: {publishers} publishers, {total} datasets built in "
            f"{time.perf_counter() - started:.0f} s")
    else:
        log(f"   catalog: reusing the {total} datasets over {publishers} publishers in place")
    model.Session.remove()
    names = sorted(tk.get_action("package_list")({"ignore_auth": True}, {"limit": total + 1}))
    return {"datasets": names, "organizations": [{"name": o["name"], "type": o["type"]}
                                                 for o in _organizations()], "built": built}


@contextlib.contextmanager
def generic_organisations():
    """Stock CKAN knows one organisation type, ``organization``: it fails (500) on any page
    that links to an organisation of another type (``commune.index`` cannot be built). For a
    vanilla CKAN baseline on the same data, the publishers take the generic type for the
    duration of the block (a column of the ``group`` table; Solr stores no type), and get
    their own back afterwards, whatever happens. Call it outside any request context; the
    servers started inside the block read the types at each request."""
    import sqlalchemy as sa

    engine = sa.create_engine(_database_url())
    with engine.begin() as connection:
        saved = connection.execute(sa.text(
            "SELECT id, type FROM \"group\" WHERE is_organization")).fetchall()
        connection.execute(sa.text(
            "UPDATE \"group\" SET type = 'organization' WHERE is_organization"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            for group_id, group_type in saved:
                connection.execute(sa.text("UPDATE \"group\" SET type = :t WHERE id = :i"),
                                   {"t": group_type, "i": group_id})
        engine.dispose()


def _database_url() -> str:
    import os

    from ckan.cli import load_config

    return os.environ.get("CKAN_SQLALCHEMY_URL") or load_config(
        os.environ.get("CKAN_INI", str(_scratch.ROOT / "test.ini")))["sqlalchemy.url"]
