"""Benchmark: what the portal's extension costs on the pages visitors read most.

Three gunicorn servers (1 sync worker each) on free loopback ports serve the SAME scratch
database, Solr core and Redis database, with three configurations:
  * vanilla: CKAN 2.12 with only the plugins CKAN itself ships that the portal enables
    (``activity tracking``): no extension at all, the baseline; plus the publisher types
    declared as organisation types (``bench/_vanilla_types.py``: no schema, template or
    helper), without which core cannot link a dataset to its publisher;
  * stock:   vanilla plus the third-party extensions the portal builds on (scheming,
    dcat + structured_data, spatial, harvest), with their own stock schemas
    (ckanext-dcat's ``dcat_ap_recommended`` for datasets, a minimal scheming schema per
    publisher type), without ``hautegaronne``;
  * portal:  the portal's configuration (``test.ini``: all of the above plus ``hautegaronne``
    and its schemas, profile and harvester).
portal/vanilla is what the issue's goal (at most +10 %) is about; stock/vanilla and
portal/stock split it between the extensions the portal needs and the portal's own code.

Data: 30 publishers (the département, EPCI and communes onboarded from the reference data,
and affiliated bodies) and 1,000 datasets with the portal's schema fields (themes, keywords,
frequency, temporal and spatial coverage, contact, two resources), created through the
actions and indexed in the scratch Solr core.

Pages: the home page; the search page in five forms (``search``: a query and a facet
filter, as measured since the first run; ``search_plain``; ``search_query``: a query only;
``search_facets``: three facet filters; ``search_next``: pages 2 to 41 of the plain search);
a dataset page and a publisher page (its typed URL, ``/commune/<name>``...). After a
warm-up, each round requests every page from the servers in turn (order rotated every
round), cycling through several datasets and publishers; median and 95th percentile of the
client-side latency per page and server, the ratios, and the ratio over the search pages.

``--rounds N`` (default 60), ``--only portal,vanilla`` to run a subset, ``--datasets`` and
``--publishers`` for other sizes, ``--pages search,search_plain`` to measure some pages only;
``--territory``: the whole territory onboarded (605 publishers: ``publishers add --all``)
plus the 3 affiliated bodies, instead of ``--publishers``; ``--tiny``: 6 publishers, 6
datasets, one round (make test; with ``--territory``, the territory stays whole).
Every dataset is created through ``package_create`` (the portal's schema and validation,
indexed in Solr by CKAN); ``--processes N`` creates them in N worker processes (each an
ordinary client of the actions, on the same database and Solr core), which 10,000 datasets
need; ``--keep-data`` reuses the catalog an earlier run built (no reset). The output says
which of the two the figures were measured on. Issue 13's size: ``--territory --datasets
10000 --processes 6`` (then ``--keep-data`` for further runs on the same scratch database).
A page answered with another status than 200, or a server that does not start, prints why
and exits non-zero instead of printing ratios.

Run with ``make bench BENCH=bench/page_cost.py`` (scratch test database; it empties it).
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import urllib.parse
from pathlib import Path

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)

ROOT = _scratch.ROOT
TOTAL, PUBLISHERS = 1000, 30
EU = "http://publications.europa.eu/resource/authority/"

# Dataset families: (title, keywords, themes, frequency); each dataset takes one.
FAMILIES = [
    ("Comptages routiers", "trafic,routes,mobilité,comptages", ["TRAN", "REGI"], "ANNUAL"),
    ("Qualité de l'eau potable", "eau,santé,analyses", ["HEAL", "ENVI"], "MONTHLY"),
    ("Équipements sportifs", "sport,équipements,loisirs", ["EDUC", "SOCI"], "ANNUAL"),
    ("Budget primitif", "budget,finances,comptabilité", ["ECON", "GOVE"], "ANNUAL"),
    ("Collecte des déchets", "déchets,environnement,tri", ["ENVI"], "WEEKLY"),
    ("Bibliothèques et médiathèques", "culture,lecture,bibliothèques", ["EDUC"], "IRREG"),
    ("Arrêts de transport scolaire", "transport,scolaire,mobilité", ["TRAN", "EDUC"], "ANNUAL"),
    ("Délibérations du conseil", "délibérations,conseil,gouvernance", ["GOVE", "JUST"], "MONTHLY"),
]
SEARCH_QUERY = "routiers"
SEARCH_FACET = ("tags", "mobilité")
SEARCH_FACETS = (("tags", "mobilité"), ("res_format", "GeoJSON"), ("license_id", "lov2"))


# ------------------------------------------------------------------ data

def _site_context() -> dict:
    import ckan.plugins.toolkit as tk

    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _onboard_in_process(entities: list[dict]) -> int:
    """A worker process of ``_publishers``: onboards its share of the territory."""
    from ckanext.hautegaronne.publishers import onboarding

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        return len(onboarding.add_all(entities))


def _organisations() -> list[dict]:
    """Every active organisation (whatever its type), by name: what a dataset needs of its
    publisher (id, title, and the fields ``spatial.publisher_code`` reads)."""
    from ckan import model

    from ckanext.hautegaronne.publishers.types import publisher_type_of

    groups = model.Session.query(model.Group).filter_by(is_organization=True, state="active") \
        .order_by(model.Group.name)
    return [{**{k: v for k, v in (g.extras or {}).items() if isinstance(v, str)},
             "id": g.id, "name": g.name, "title": g.title,
             "publisher_type": publisher_type_of(g.type, g.extras) or ""} for g in groups]


def _publishers(count: int = PUBLISHERS, whole_territory: bool = False,
                processes: int = 1) -> list[dict]:
    """30 publishers: the département, 8 EPCI, 18 communes (through the onboarding, as an
    administrator adds them) and 3 affiliated bodies (through organization_create); fewer
    EPCI and communes for a smaller ``count``; with ``whole_territory``, all 605 publishers
    of the territory (``publishers add --all``'s function, in ``processes`` worker processes,
    each its share) and the 3 bodies. Those already there are kept (a resumed build)."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.hautegaronne import territory
    from ckanext.hautegaronne.demo import publishers as demo_publishers
    from ckanext.hautegaronne.publishers import onboarding

    if whole_territory:
        entities = onboarding.territory_entities()
        if processes > 1:
            _in_processes(_onboard_in_process, entities, processes)
        # (a second pass finds every publisher onboarded: "unchanged")
        onboarding.add_all(entities)
        count = len(entities) + len(demo_publishers.AFFILIATED_BODIES)
    else:
        data = territory.territory()
        epcis = min(8, max(1, (count - 4) // 3))
        codes = ["31"] + sorted(data.epcis)[:epcis] + sorted(data.communes)[:count - 4 - epcis]
        for code in codes:
            onboarding.add(onboarding.resolve(code))
    for body in demo_publishers.AFFILIATED_BODIES:
        if model.Group.by_name(body["name"]) is None:
            tk.get_action("organization_create")(
                _site_context(), {"type": "etablissement",
                                  "siren": demo_publishers.DEPARTEMENT_SIREN, **body})
    orgs = _organisations()
    assert len(orgs) == count, len(orgs)
    return orgs


def _in_processes(function, items: list, processes: int) -> int:
    """``function(share)`` in ``processes`` worker processes (spawned: each loads its own app,
    database session and Solr client), ``items`` dealt out in turn; a worker's error ends
    the run."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ckan import model

    model.Session.remove()  # nothing of this process's session stays open meanwhile
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(function, items[start::processes]) for start in range(processes)]
        return sum(future.result() for future in futures)


def _coverage_code(org: dict) -> str:
    from ckanext.hautegaronne.dcat import spatial

    return spatial.publisher_code(org) or "31"


def _dataset(index: int, orgs: list[dict]) -> dict:
    """The ``index``-th benchmark dataset: a family's title, keywords, themes and frequency,
    its publisher (round-robin over ``orgs``), coverage, contact and two resources."""
    from ckanext.hautegaronne.dcat import spatial

    rng = random.Random(index)
    org = orgs[index % len(orgs)]
    title, keywords, themes, frequency = FAMILIES[index % len(FAMILIES)]
    year = 2015 + index % 11
    name = f"bench-{index:04d}"
    coverage = spatial.coverage(_coverage_code(org))
    return {
        "name": name,
        "title": f"{title} {year} - {org['title']}",
        "notes": (f"{title} publiés par {org['title']} pour l'année {year}. "
                  "Données générées pour le banc de mesure du portail : elles ont la forme "
                  "des données réelles mais pas leurs valeurs.\n\n"
                  "Colonnes : `code`, `libelle`, `valeur`, `date`."),
        "owner_org": org["id"],
        "tag_string": keywords,
        "license_id": "lov2" if index % 4 else "odc-odbl",
        "theme": [EU + "data-theme/" + theme for theme in themes],
        "frequency": EU + "frequency/" + frequency,
        "temporal_coverage": [{"start": f"{year}-01-01", "end": f"{year}-12-31"}],
        "spatial_coverage": [coverage] if coverage else [],
        "contact": [{"name": f"Service open data - {org['title']}",
                     "email": f"opendata{index % len(orgs)}@haute-garonne.example.org"}],
        "resources": [
            {"name": f"{title} {year} (CSV)", "format": "CSV", "mimetype": "text/csv",
             "url": f"https://donnees.haute-garonne.example.org/{name}.csv",
             "description": "Séparateur virgule, encodage UTF-8.",
             "size": rng.randint(2_000, 900_000)},
            {"name": f"{title} {year} (GeoJSON)", "format": "GeoJSON",
             "mimetype": "application/geo+json",
             "url": f"https://donnees.haute-garonne.example.org/{name}.geojson",
             "description": "Les mêmes données, en GeoJSON (WGS84).",
             "size": rng.randint(2_000, 900_000)},
        ],
    }


def _create(indexes: list[int], orgs: list[dict], log_every: int = 0) -> int:
    """Creates the datasets of ``indexes`` through ``package_create`` (validated with the
    portal's schema, saved, indexed in Solr by CKAN; Solr commits deferred to the caller).
    Call it inside a request context of the scratch app."""
    import ckan.plugins.toolkit as tk

    context = _site_context()
    started = time.monotonic()
    for done, index in enumerate(indexes, 1):
        tk.get_action("package_create")(dict(context), _dataset(index, orgs))
        if log_every and done % log_every == 0:
            print(f"    {done}/{len(indexes)} datasets of this process "
                  f"({time.monotonic() - started:.0f} s)", flush=True)
    return len(indexes)


def _create_in_process(indexes: list[int]) -> int:
    """A worker process of ``_datasets``: its own app, database session and Solr client."""
    from ckan.common import config

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        config["ckan.search.solr_commit"] = False
        return _create(indexes, _organisations(), log_every=500)


def _datasets(orgs: list[dict], indexes: list[int], processes: int = 1) -> None:
    """The datasets of ``indexes`` over ``orgs``, through ``package_create``: the first of
    each family here (they create the keywords, which concurrent transactions would both
    try to insert), the others in ``processes`` worker processes (interleaved shares), each
    an ordinary client of the actions on the same database and Solr core."""
    first = [index for index in indexes if index < len(FAMILIES)]
    _create(first, orgs)
    rest = [index for index in indexes if index >= len(FAMILIES)]
    if processes <= 1 or len(rest) < 2 * processes:
        _create(rest, orgs, log_every=500)
        return
    created = _in_processes(_create_in_process, rest, processes)
    assert created == len(rest), (created, len(rest))


def build_data(total: int = TOTAL, publishers: int = PUBLISHERS,
               whole_territory: bool = False, processes: int = 1, resume: bool = False) -> str:
    """Empty the scratch database and Solr core (unless ``resume``: what an interrupted
    build left is kept), create the publishers and datasets missing; returns how the catalog
    was built (printed with the figures)."""
    import ckan.lib.search as search
    from ckan import model
    from ckan.common import config

    started = time.monotonic()
    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        if not resume:
            _scratch.reset_db()
            search.clear_all()
        config["ckan.search.solr_commit"] = False  # one commit at the end
        orgs = _publishers(publishers, whole_territory, processes)
        print(f"    {len(orgs)} publishers", flush=True)
        there = {name for (name,) in model.Session.query(model.Package.name)
                 .filter(model.Package.name.like("bench-%"), model.Package.state == "active")}
        missing = [index for index in range(total) if f"bench-{index:04d}" not in there]
        if resume:
            print(f"    resuming: {len(there)} datasets there, {len(missing)} to create",
                  flush=True)
        _datasets(orgs, missing, processes)
        search.commit()
        # a dataset saved by an interrupted build but not sent to Solr: indexed now
        search.rebuild(only_missing=True, defer_commit=True, quiet=True)
        search.commit()
    kind = ("the whole territory, publishers add --all, and the affiliated bodies"
            if whole_territory else "onboarded and affiliated bodies")
    how = (f"{len(missing)} of them created by this run (the others by an interrupted run "
           "resumed with --resume)" if resume and len(missing) < total else "all created by this run")
    return (f"{len(orgs)} publishers ({kind}) and {total} datasets, {how}, through "
            f"package_create in {processes} process{'es' if processes > 1 else ''}, indexed by "
            f"CKAN ({time.monotonic() - started:.0f} s)")


# ------------------------------------------------------------------ servers

STOCK_ORG_SCHEMA = """scheming_version: 2
organization_type: {type}
about: "Stock organisation schema (benchmark)"
fields:
- field_name: title
  label: Name
  validators: ignore_missing unicode_safe
  form_snippet: large_text.html
  form_attrs: {{data-module: slug-preview-target}}
- field_name: name
  label: URL
  validators: not_empty unicode_safe name_validator group_name_validator
  form_snippet: slug.html
- field_name: description
  label: Description
  form_snippet: markdown.html
- field_name: image_url
  label: Image URL
"""


def _write_configs(folder: Path) -> dict[str, Path]:
    """The three ini files: each inherits test.ini (services, site, locale, logging)."""
    from ckanext.hautegaronne.publishers.types import GENERIC_TYPE, PUBLISHER_TYPES

    base = f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
    org_schemas = []
    for org_type in (*PUBLISHER_TYPES, GENERIC_TYPE):
        path = folder / f"stock-org-{org_type}.yaml"
        path.write_text(STOCK_ORG_SCHEMA.format(type=org_type), encoding="utf-8")
        org_schemas.append(path.as_uri())
    # vanilla: the publisher types declared by bench/_vanilla_types.py, found through a
    # .dist-info folder (entry point) put on the vanilla server's PYTHONPATH
    dist_info = folder / "bench_vanilla_types-0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: bench-vanilla-types\nVersion: 0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        "[ckan.plugins]\nbench_publisher_types = _vanilla_types:PublisherTypesPlugin\n",
        encoding="utf-8")
    configs = {
        "vanilla": base + "ckan.plugins = activity tracking bench_publisher_types\n",
        "stock": base + (
            "ckan.plugins = activity dcat structured_data scheming_datasets "
            "scheming_organizations spatial_metadata spatial_query harvest "
            "dcat_rdf_harvester tracking\n"
            "scheming.dataset_schemas = ckanext.dcat.schemas:dcat_ap_recommended.yaml\n"
            f"scheming.organization_schemas = {' '.join(org_schemas)}\n"
            "scheming.presets = ckanext.scheming:presets.json ckanext.dcat.schemas:presets.yaml\n"
            "ckanext.dcat.rdf.profiles = euro_dcat_ap_3\n"),
        "portal": base,
    }
    paths = {}
    for name, text in configs.items():
        paths[name] = folder / f"{name}.ini"
        paths[name].write_text(text, encoding="utf-8")
    return paths


# ------------------------------------------------------------------ measure

def _existing(total: int) -> str:
    """What ``--keep-data`` measures: the catalog as an earlier run left it, with its size
    (an interrupted build has fewer datasets than ``total``: ``--resume`` completes it)."""
    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan import model

        indexed = tk.get_action("package_search")({}, {"q": "name:bench-*", "rows": 0})["count"]
        saved = model.Session.query(model.Package).filter(
            model.Package.name.like("bench-%"), model.Package.state == "active").count()
        orgs = model.Session.query(model.Group).filter_by(is_organization=True,
                                                          state="active").count()
        model.Session.remove()
    if not saved or indexed < saved:
        raise SystemExit(f"{saved} benchmark datasets saved, {indexed} indexed: run without "
                         "--keep-data (or with --resume)")
    short = (f", NOT the {total} asked (an interrupted build; --resume completes it)"
             if saved < total else "")
    return (f"{orgs} publishers and {saved} datasets reused (--keep-data) from the scratch "
            f"database and Solr core, as an earlier run built them through package_create{short}")


def _targets() -> tuple[list[str], list[tuple[str, str]]]:
    """Dataset names, and (publisher name, publisher type), read from the scratch database."""
    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        from ckan import model

        names = sorted(name for (name,) in model.Session.query(model.Package.name).filter(
            model.Package.name.like("bench-%"), model.Package.state == "active"))
        # every publisher type (organization_list lists one type at a time)
        orgs = sorted((group.name, group.type) for group in model.Session.query(model.Group)
                      .filter_by(is_organization=True, state="active"))
        model.Session.remove()
    rng = random.Random(7)
    datasets = rng.sample(names, min(10, len(names)))
    publishers = rng.sample(orgs, min(8, len(orgs)))
    return datasets, publishers


def _pages(round_: int, datasets: list[str],
           publishers: list[tuple[str, str]]) -> dict[str, str]:
    """The path of each page for this round. The search page in five forms: with a query and
    a facet filter (``search``, as measured since the first run), plain, with a query only,
    with three facet filters and no query, and a further page of the plain search (page 2
    to 41, moving every round). The facet filters are fields vanilla CKAN filters on too."""
    org_name, org_type = publishers[round_ % len(publishers)]
    facet, value = SEARCH_FACET
    return {
        "home": "/",
        "search": f"/dataset/?q={SEARCH_QUERY}&{facet}={urllib.parse.quote(value)}",
        "search_plain": "/dataset/",
        "search_query": f"/dataset/?q={SEARCH_QUERY}",
        "search_facets": "/dataset/?" + urllib.parse.urlencode(SEARCH_FACETS),
        "search_next": f"/dataset/?page={2 + round_ % 40}",
        "dataset": f"/dataset/{datasets[round_ % len(datasets)]}",
        "publisher": f"/{org_type}/{org_name}",
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


PAGES = ("home", "search", "search_plain", "search_query", "search_facets", "search_next",
         "dataset", "publisher")
SEARCH_PAGES = tuple(page for page in PAGES if page.startswith("search"))


def measure(servers: list[_scratch.Server], rounds: int, warmup: int,
            pages: tuple[str, ...] = PAGES) -> dict:
    datasets, publishers = _targets()
    timings = {s.name: {} for s in servers}
    for round_ in range(-warmup, rounds):
        order = servers[round_ % len(servers):] + servers[:round_ % len(servers)]
        for page in pages:
            for server in order:
                path = _pages(round_, datasets, publishers)[page]
                elapsed = server.get(path)
                if round_ >= 0:
                    timings[server.name].setdefault(page, []).append(elapsed)
    return timings


def report(timings: dict) -> None:
    names = list(timings)
    pages = tuple(page for page in PAGES if page in next(iter(timings.values())))
    head = "".join(f"{n + ' med':>13}{n + ' p95':>13}" for n in names)
    ratios = [(a, b) for a, b in (("portal", "vanilla"), ("stock", "vanilla"),
                                  ("portal", "stock")) if a in timings and b in timings]
    head += "".join(f"{a + '/' + b:>22}" for a, b in ratios)
    print(f"{'page':<10}{head}")
    for page in pages:
        line = f"{page:<10}"
        for name in names:
            values = timings[name][page]
            line += f"{statistics.median(values) * 1000:>10.0f} ms{_p95(values) * 1000:>10.0f} ms"
        for a, b in ratios:
            med = statistics.median(timings[a][page]) / statistics.median(timings[b][page])
            p95 = _p95(timings[a][page]) / _p95(timings[b][page])
            line += f"{f'{med:.2f} / {p95:.2f}':>22}"
        print(line)
    if ratios:
        print("(ratios: median / p95)")
    for a, b in ratios:  # a visit of the pages measured
        total = {name: sum(statistics.median(timings[name][page]) for page in pages)
                 for name in (a, b)}
        print(f"ratio {a}/{b}, {', '.join(pages)} (sum of medians): {total[a] / total[b]:.2f}")
        searches = [page for page in pages if page in SEARCH_PAGES]
        if len(searches) > 1:
            total = {name: sum(statistics.median(timings[name][page]) for page in searches)
                     for name in (a, b)}
            print(f"ratio {a}/{b}, the {len(searches)} search pages (sum of medians): "
                  f"{total[a] / total[b]:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--datasets", type=int, default=TOTAL)
    parser.add_argument("--publishers", type=int, default=PUBLISHERS)
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--only", default="vanilla,stock,portal")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--territory", action="store_true")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--resume", action="store_true")
    args = _scratch.arguments(parser, {"rounds": 1, "warmup": 1, "datasets": 6,
                                       "publishers": 6}, argv)

    pages = tuple(args.pages.split(","))
    if set(pages) - set(PAGES):
        parser.error(f"--pages: choose among {', '.join(PAGES)}")
    if args.keep_data:
        catalog = _existing(args.datasets)
    else:
        print(f"  creating {'the territory' if args.territory else args.publishers} "
              f"publishers and {args.datasets} datasets", flush=True)
        catalog = build_data(args.datasets, args.publishers, args.territory, args.processes,
                             args.resume)
    print(f"  catalog: {catalog}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-page-cost-") as folder:
        configs = _write_configs(Path(folder))
        with _scratch.serving(configs, args.only.split(","), "bench-page-cost") as servers:
            print(f"  {len(servers)} servers up; {args.warmup} warm-up rounds, "
                  f"{args.rounds} measured rounds", flush=True)
            timings = measure(servers, args.rounds, args.warmup, pages)
    print(f"catalog: {catalog}")
    report(timings)


if __name__ == "__main__":
    main()
