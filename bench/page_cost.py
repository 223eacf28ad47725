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

Pages: the home page, the search page with a query and a facet filter, a dataset page and a
publisher page (its typed URL, ``/commune/<name>``...). After a warm-up, each round
requests every page from the three servers in turn (order rotated every round), cycling
through several datasets and publishers; median and 95th percentile of the client-side
latency per page and server, and the ratios.

``--rounds N`` (default 60), ``--keep-data`` (reuse the datasets already in the scratch
database: skips the reset), ``--only portal,vanilla`` to run a subset, ``--datasets`` and
``--publishers`` for other sizes, ``--pages search`` to measure some pages only;
``--territory``: the whole territory onboarded (605 publishers: ``publishers add --all``)
plus the 3 affiliated bodies, instead of ``--publishers`` (issue 13's size: ``--territory
--datasets 10000 --pages search``); ``--tiny``: 6 publishers, 6 datasets, one round (make
test; with ``--territory``, the territory stays whole). A page answered with another status than 200, or a server that does not start, prints
why and exits non-zero instead of printing ratios.

Run with ``make bench BENCH=bench/page_cost.py`` (scratch test database; it empties it).
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
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


# ------------------------------------------------------------------ data

def _site_context() -> dict:
    import ckan.plugins.toolkit as tk

    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _publishers(count: int = PUBLISHERS, whole_territory: bool = False) -> list[dict]:
    """30 publishers: the département, 8 EPCI, 18 communes (through the onboarding, as an
    administrator adds them) and 3 affiliated bodies (through organization_create); fewer
    EPCI and communes for a smaller ``count``; with ``whole_territory``, all 605 publishers
    of the territory and the 3 bodies."""
    import ckan.plugins.toolkit as tk

    from ckanext.hautegaronne import territory
    from ckanext.hautegaronne.demo import publishers as demo_publishers
    from ckanext.hautegaronne.publishers import onboarding

    if whole_territory:
        names = [outcome.name for outcome in onboarding.add_all()]
        count = len(names) + len(demo_publishers.AFFILIATED_BODIES)
    else:
        data = territory.territory()
        epcis = min(8, max(1, (count - 4) // 3))
        codes = ["31"] + sorted(data.epcis)[:epcis] + sorted(data.communes)[:count - 4 - epcis]
        names = [onboarding.add(onboarding.resolve(code)).name for code in codes]
    orgs = [tk.get_action("organization_show")({}, {"id": name}) for name in names]
    for body in demo_publishers.AFFILIATED_BODIES:
        orgs.append(tk.get_action("organization_create")(
            _site_context(), {"type": "etablissement", "siren": demo_publishers.DEPARTEMENT_SIREN,
                              **body}))
    assert len(orgs) == count, len(orgs)
    return orgs


def _coverage_code(org: dict) -> str:
    from ckanext.hautegaronne.dcat import spatial

    return spatial.publisher_code(org) or "31"


def _datasets(orgs: list[dict], total: int = TOTAL) -> list[str]:
    import ckan.plugins.toolkit as tk

    from ckanext.hautegaronne.dcat import spatial

    rng = random.Random(31)
    names = []
    started = time.monotonic()
    for index in range(total):
        org = orgs[index % len(orgs)]
        title, keywords, themes, frequency = FAMILIES[index % len(FAMILIES)]
        year = 2015 + index % 11
        name = f"bench-{index:04d}"
        coverage = spatial.coverage(_coverage_code(org))
        data = {
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
        tk.get_action("package_create")(_site_context(), data)
        names.append(name)
        if (index + 1) % 200 == 0:
            print(f"    {index + 1} datasets ({time.monotonic() - started:.0f} s)", flush=True)
    return names


def build_data(total: int = TOTAL, publishers: int = PUBLISHERS,
               whole_territory: bool = False) -> None:
    """Empty the scratch database and Solr core, create the publishers and datasets."""
    import ckan.lib.search as search
    from ckan.common import config

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        search.clear_all()
        config["ckan.search.solr_commit"] = False  # one commit at the end
        orgs = _publishers(publishers, whole_territory)
        print(f"    {len(orgs)} publishers", flush=True)
        _datasets(orgs, total)
        search.commit()


# ------------------------------------------------------------------ servers

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


class Server:
    def __init__(self, name: str, ini: Path) -> None:
        self.name, self.port = name, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ROOT / "var" / "log" / f"bench-page-cost-{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        path = os.pathsep.join(filter(None, [str(ini.parent), str(ROOT / "bench"),
                                             os.environ.get("PYTHONPATH")]))
        env = dict(os.environ, CKAN_INI=str(ini), CKAN_SITE_URL=self.url, PYTHONPATH=path)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(ROOT / "config"),
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120",
                 "wsgi:application"], env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=5)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start; see {self.log_path}")
                time.sleep(0.3)

    def get(self, path: str) -> float:
        """Seconds to fetch the whole page; a status other than 200 is an error."""
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(self.url + path, timeout=120) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{self.name} answered {status} for {path}")
        return elapsed

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ------------------------------------------------------------------ measure

def _targets(total: int = TOTAL) -> tuple[list[str], list[tuple[str, str]]]:
    """Dataset names, and (publisher name, publisher type), read from the scratch database."""
    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        import ckan.plugins.toolkit as tk

        result = tk.get_action("package_search")({}, {"q": "name:bench-*", "rows": 0})
        if result["count"] < total:
            raise SystemExit(f"only {result['count']} benchmark datasets are indexed: "
                             "run without --keep-data")
        from ckan import model

        # every publisher type (organization_list lists one type at a time)
        orgs = sorted((group.name, group.type) for group in model.Session.query(model.Group)
                      .filter_by(is_organization=True, state="active"))
    rng = random.Random(7)
    datasets = [f"bench-{rng.randrange(total):04d}" for _ in range(10)]
    publishers = rng.sample(orgs, min(8, len(orgs)))
    return datasets, publishers


def _pages(round_: int, datasets: list[str],
           publishers: list[tuple[str, str]]) -> dict[str, str]:
    org_name, org_type = publishers[round_ % len(publishers)]
    facet, value = SEARCH_FACET
    return {
        "home": "/",
        "search": f"/dataset/?q={SEARCH_QUERY}&{facet}={urllib.parse.quote(value)}",
        "dataset": f"/dataset/{datasets[round_ % len(datasets)]}",
        "publisher": f"/{org_type}/{org_name}",
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


PAGES = ("home", "search", "dataset", "publisher")


def measure(servers: list[Server], rounds: int, warmup: int, total: int = TOTAL,
            pages: tuple[str, ...] = PAGES) -> dict:
    datasets, publishers = _targets(total)
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
    args = _scratch.arguments(parser, {"rounds": 1, "warmup": 1, "datasets": 6,
                                       "publishers": 6}, argv)

    pages = tuple(args.pages.split(","))
    if set(pages) - set(PAGES):
        parser.error(f"--pages: choose among {', '.join(PAGES)}")
    if not args.keep_data:
        started = time.monotonic()
        print(f"  creating {'the territory' if args.territory else args.publishers} "
              f"publishers and {args.datasets} datasets", flush=True)
        build_data(args.datasets, args.publishers, args.territory)
        print(f"  data ready in {time.monotonic() - started:.0f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-page-cost-") as folder:
        configs = _write_configs(Path(folder))
        servers = [Server(name, configs[name]) for name in args.only.split(",")]
        try:
            for server in servers:
                server.wait()
            print(f"  {len(servers)} servers up; {args.warmup} warm-up rounds, "
                  f"{args.rounds} measured rounds", flush=True)
            timings = measure(servers, args.rounds, args.warmup, args.datasets, pages)
        except (RuntimeError, OSError) as error:  # a server not started, a page not served
            _scratch.fail_on_errors([str(error)])
        finally:
            for server in servers:
                server.stop()
    report(timings)


if __name__ == "__main__":
    main()
