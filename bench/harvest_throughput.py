"""Benchmark: harvest throughput (datasets per minute) of the portal's harvester against the
stock one, on the same loopback feed of 1,000 datasets, in one run.

  * stock:  ckanext-dcat's ``dcat_rdf`` harvester with the ``euro_dcat_ap_3`` profile alone;
  * portal: the ``hautegaronne_dcat`` harvester (safe fetching and parsing, owner enforcement,
    change detection) with ``euro_dcat_ap_3 hautegaronne_dcat_ap`` (the incoming mapping).

The feed (Turtle, one page, served by ``http.server`` on 127.0.0.1) is in the shape of a
commune platform's export: ``slug@domain`` identifiers, EU themes and frequencies, the
Licence Ouverte URL, an INSEE commune IRI, a contact point, two distributions per dataset.
Each harvester imports it into its own organisation, synchronously (gather, then fetch and
import of every object, as the queue consumers do), with indexing in Solr. A second run of
the portal harvester on the unchanged feed is also timed (datasets left untouched).

Run with ``make bench`` (scratch test database; it empties that database).
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)

TOTAL = 1000


def _feed() -> bytes:
    from ckanext.hautegaronne import territory

    communes = sorted(territory.territory().communes)
    themes = ["ECON", "ENVI", "TRAN", "EDUC", "SOCI", "GOVE"]
    freqs = ["ANNUAL", "MONTHLY", "WEEKLY", "DAILY", "IRREG"]
    parts = ["""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://data.commune.example/catalog> a dcat:Catalog ; dct:title "Catalogue" .
"""]
    for n in range(TOTAL):
        slug = f"jeu-de-donnees-{n}"
        base = f"https://data.commune.example/explore/dataset/{slug}"
        parts.append(f"""<https://data.commune.example/catalog> dcat:dataset <{base}/> .
<{base}/> a dcat:Dataset ;
  dct:identifier "{slug}@data.commune.example" ;
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
                      vcard:hasEmail <mailto:donnees@commune.example> ] ;
  dcat:distribution <{base}/csv>, <{base}/json> .
<{base}/csv> a dcat:Distribution ; dct:title "Export CSV" ;
  dcat:downloadURL <{base}/exports/csv> ; dct:format "CSV" ; dcat:mediaType "text/csv" .
<{base}/json> a dcat:Distribution ; dct:title "Export JSON" ;
  dcat:downloadURL <{base}/exports/json> ; dct:format "JSON" .
""")
    return "".join(parts).encode("utf-8")


def _serve(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/catalog.ttl"


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
    stats = tk.get_action("harvest_job_show")(_context(), {"id": job_dict["id"]})["stats"]
    return source, elapsed, stats


def main() -> None:
    import ckan.plugins.toolkit as tk

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        server, url = _serve(_feed())
        tk.config["ckanext.hautegaronne.harvest.allowed_private_hosts"] = "127.0.0.1"
        stock_org = _org("stock", "31149", "213101496")
        portal_org = _org("portail", "31069", "213100696")
        profiles = tk.config.get("ckanext.dcat.rdf.profiles")
        results = {}
        try:
            tk.config["ckanext.dcat.rdf.profiles"] = "euro_dcat_ap_3"
            _, elapsed, stats = _harvest(stock_org, url, "dcat_rdf", "stock")
            results["stock"] = (elapsed, stats)
        finally:
            tk.config["ckanext.dcat.rdf.profiles"] = profiles
        source, elapsed, stats = _harvest(portal_org, url, "hautegaronne_dcat", "portail")
        results["portal"] = (elapsed, stats)
        _, elapsed, stats = _harvest(portal_org, url, "hautegaronne_dcat", "portail", source)
        results["portal, 2nd run"] = (elapsed, stats)
        server.shutdown()

    rates = {}
    for name, (elapsed, stats) in results.items():
        done = sum(stats.get(k, 0) for k in ("added", "updated", "not modified"))
        rates[name] = done / elapsed * 60
        print(f"   {name:16s}: {elapsed:7.1f} s, {rates[name]:7.0f} datasets/min "
              f"(added {stats.get('added', 0)}, not modified {stats.get('not modified', 0)}, "
              f"errored {stats.get('errored', 0)})")
    print(f"   ratio portal / stock (datasets per minute): "
          f"{rates['portal'] / rates['stock']:.2f}")


if __name__ == "__main__":
    main()
