"""Benchmark: harvest throughput (datasets per minute) of the portal's harvester against the
stock one, on feeds of the same shape (1,000 datasets), in one run.

  * stock:  ckanext-dcat's ``dcat_rdf`` harvester with the ``euro_dcat_ap_3`` profile alone;
  * portal: the ``hautegaronne_dcat`` harvester (safe fetching and parsing, owner enforcement,
    change detection) with ``euro_dcat_ap_3 hautegaronne_dcat_ap`` (the incoming mapping).

The feeds (Turtle, one page, served by ``http.server`` on 127.0.0.1) are in the shape of a
commune platform's export: ``slug@domain`` identifiers, EU themes and frequencies, the
Licence Ouverte URL, an INSEE commune IRI, a contact point, two distributions per dataset.
Each harvester imports its own feed into its own organisation, synchronously (gather, then
fetch and import of every object, as the queue consumers do), with indexing in Solr. The two
feeds are byte for byte the same size and differ only in the platform's domain (hence in
every identifier and URI): the portal refuses an identifier another dataset already has,
so the portal harvester cannot re-import the datasets the stock one imported first. A second
run of the portal harvester on its unchanged feed is also timed (datasets left untouched).

A run in which a harvest object errored, or a harvester did not add (or, on the second run,
leave untouched) every dataset, prints why and exits non-zero instead of printing a ratio.
``--datasets N`` (default 1,000); ``--tiny``: 5 datasets (make test); ``--same-identifiers``
serves both harvesters the same feed, as this benchmark once did: the portal then errors on
every dataset, and the run must fail (tests/test_benchmarks.py checks it does).

Run with ``make bench`` (scratch test database; it empties that database).
"""
from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)

TOTAL = 1000
# One commune platform's domain per harvester (the same length: same-sized feeds).
DOMAINS = {"stock": "data.commune-a.example", "portal": "data.commune-b.example"}


def _feed(total: int, domain: str) -> bytes:
    from ckanext.hautegaronne import territory

    communes = sorted(territory.territory().communes)
    themes = ["ECON", "ENVI", "TRAN", "EDUC", "SOCI", "GOVE"]
    freqs = ["ANNUAL", "MONTHLY", "WEEKLY", "DAILY", "IRREG"]
    parts = ["""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://{domain}/catalog> a dcat:Catalog ; dct:title "Catalogue" .
""".replace("{domain}", domain)]
    for n in range(total):
        slug = f"jeu-de-donnees-{n}"
        base = f"https://{domain}/explore/dataset/{slug}"
        parts.append(f"""<https://{domain}/catalog> dcat:dataset <{base}/> .
<{base}/> a dcat:Dataset ;
  dct:identifier "{slug}@{domain}" ;
  dct:title "Jeu de données n°{n}" ;
  dct:description "Description du jeu de données {n}, produit par la commune." ;
  dcat:keyword "mot-clé {n % 50}", "commune" ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/{themes[n % 6]}> ;
  dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/{freqs[n % 5]}> ;
  dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> ;
  dct:spatial <http://id.insee.fr/geo/commune/{communes[n % len(communes)]}> ;
  dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ;
                 dcat:endDate "2024-12-31"^^xsd:date ] ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "Service données" ;
                      vcard:hasEmail <mailto:donnees@{domain}> ] ;
  dcat:distribution <{base}/csv>, <{base}/json> .
<{base}/csv> a dcat:Distribution ; dct:title "Export CSV" ;
  dcat:downloadURL <{base}/exports/csv> ; dct:format "CSV" ; dcat:mediaType "text/csv" .
<{base}/json> a dcat:Distribution ; dct:title "Export JSON" ;
  dcat:downloadURL <{base}/exports/json> ; dct:format "JSON" .
""")
    return "".join(parts).encode("utf-8")


def _serve(feeds: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """Serves each feed at /<name>.ttl; returns the server and its base URL."""
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = feeds.get(self.path.strip("/").removesuffix(".ttl"))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _context() -> dict:
    import ckan.plugins.toolkit as tk

    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def _org(name: str, insee: str, siren: str) -> dict:
    import ckan.plugins.toolkit as tk

    return tk.get_action("organization_create")(_context(), {
        "name": name, "title": name.title(), "type": "commune", "publisher_type": "commune",
        "insee_code": insee, "siren": siren})


def _harvest(org: dict, url: str, source_type: str, name: str, source=None) -> tuple:
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject

    if source is None:
        source = tk.get_action("harvest_source_create")(_context(), {
            "name": name, "title": name, "url": url, "source_type": source_type,
            "owner_org": org["id"], "frequency": "MANUAL"})
    job_dict = tk.get_action("harvest_job_create")(_context(), {"source_id": source["id"],
                                                                "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(source_type)
    start = time.perf_counter()
    ids = queue.gather_stage(harvester, job) or []
    for object_id in ids:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    elapsed = time.perf_counter() - start
    tk.get_action("harvest_jobs_run")(_context(), {"source_id": source["id"]})
    model.Session.remove()
    job = tk.get_action("harvest_job_show")(_context(), {"id": job_dict["id"]})
    return source, elapsed, job


def _errors(name: str, job: dict, expected: dict[str, int]) -> list[str]:
    """What went wrong in one harvest: errored objects and gather errors (with their
    messages), or datasets not handled as ``expected`` (e.g. {"added": 1000})."""
    stats = job["stats"]
    errors = [f"{name}: {count} {status} datasets, expected {wanted}"
              for status, wanted in expected.items()
              if (count := stats.get(status, 0)) != wanted]
    if stats.get("errored"):
        errors.append(f"{name}: {stats['errored']} errored")
    for summary in ("gather_error_summary", "object_error_summary"):
        for row in job.get(summary) or []:
            errors.append(f"{name}: {row['error_count']} x {row['message'].strip()[:300]}")
    return errors


def main(argv: list[str] | None = None) -> None:
    import ckan.plugins.toolkit as tk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=TOTAL)
    parser.add_argument("--same-identifiers", action="store_true",
                        help="serve the stock feed to both harvesters (the run must fail)")
    args = _scratch.arguments(parser, {"datasets": 5}, argv)

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        feeds = {name: _feed(args.datasets, domain) for name, domain in DOMAINS.items()}
        server, base = _serve(feeds)
        urls = {name: f"{base}/{name}.ttl" for name in feeds}
        if args.same_identifiers:
            urls["portal"] = urls["stock"]
        tk.config["ckanext.hautegaronne.harvest.allowed_private_hosts"] = "127.0.0.1"
        stock_org = _org("stock", "31149", "213101496")
        portal_org = _org("portail", "31069", "213100696")
        profiles = tk.config.get("ckanext.dcat.rdf.profiles")
        results = {}
        try:
            tk.config["ckanext.dcat.rdf.profiles"] = "euro_dcat_ap_3"
            _, elapsed, job = _harvest(stock_org, urls["stock"], "dcat_rdf", "stock")
            results["stock"] = (elapsed, job, {"added": args.datasets})
        finally:
            tk.config["ckanext.dcat.rdf.profiles"] = profiles
        source, elapsed, job = _harvest(portal_org, urls["portal"], "hautegaronne_dcat",
                                        "portail")
        results["portal"] = (elapsed, job, {"added": args.datasets})
        _, elapsed, job = _harvest(portal_org, urls["portal"], "hautegaronne_dcat", "portail",
                                   source)
        results["portal, 2nd run"] = (elapsed, job, {"added": 0, "updated": 0,
                                                     "not modified": args.datasets})
        server.shutdown()

    rates = {}
    for name, (elapsed, job, _) in results.items():
        stats = job["stats"]
        done = sum(stats.get(k, 0) for k in ("added", "updated", "not modified"))
        rates[name] = done / elapsed * 60
        print(f"   {name:16s}: {elapsed:7.1f} s, {rates[name]:7.0f} datasets/min "
              f"(added {stats.get('added', 0)}, not modified {stats.get('not modified', 0)}, "
              f"errored {stats.get('errored', 0)})")
    _scratch.fail_on_errors([error for name, (_, job, expected) in results.items()
                             for error in _errors(name, job, expected)])
    print(f"   ratio portal / stock (datasets per minute): "
          f"{rates['portal'] / rates['stock']:.2f}")


if __name__ == "__main__":
    main()
