"""The queue path (real Redis queues, ``ckan harvester gather-consumer`` and
``fetch-consumer`` processes) and the round trip: the portal's per-publisher catalogue of an
organisation's data, harvested into a test organisation without loss on the schema's fields
(the originals withdrawn first: an identifier is unique on the portal)."""
from __future__ import annotations

import html
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckanext.harvest.model import HarvestObject

from ..dcat import factories as dcat_factories
from .conftest import make_org, make_source, org_datasets, read_data, run_job, site_context, \
    wait_for

pytestmark = [
    pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins"),
]
ROOT = Path(__file__).resolve().parents[4]


def site_token() -> str:
    return factories.APIToken(user=site_context()["user"])["token"]


def _consumer(kind: str, ini: Path, log: Path) -> subprocess.Popen:
    ckan = Path(sys.executable).parent / "ckan"
    return subprocess.Popen([str(ckan), "-c", str(ini), "harvester", f"{kind}-consumer"],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            env=dict(os.environ))


DUPLICATE = """    <dcat:dataset>
      <dcat:Dataset rdf:about="https://data.ville-colomiers.example/explore/dataset/air-bis/">
        <dct:identifier>qualite-air@data.ville-colomiers.example</dct:identifier>
        <dct:title>Qualité de l'air (copie)</dct:title>
        <dct:license rdf:resource="https://www.etalab.gouv.fr/licence-ouverte-open-licence"/>
      </dcat:Dataset>
    </dcat:dataset>
  </dcat:Catalog>"""


def test_job_through_the_redis_queues(app, commune, catalog_server, tmp_path):
    ini = tmp_path / "consumer.ini"
    ini.write_text("[app:main]\nuse = config:%s\n"
                   "ckanext.hautegaronne.harvest.allowed_private_hosts = 127.0.0.1\n"
                   % (ROOT / "test.ini"))
    # One licence the portal does not offer (an error of the import, in the fetch consumer)
    # and a duplicate identifier (an error of the gather, in the gather consumer).
    catalog = read_data("colomiers-catalog.rdf").replace(
        "https://opendatacommons.org/licenses/odbl/1-0/", "https://example.org/licence-maison"
    ).replace("  </dcat:Catalog>", DUPLICATE)
    url = catalog_server.serve("/catalog.rdf", catalog)
    source = make_source(commune, url)
    # The job goes to the gather queue (Redis), as the "Reharvest" button does.
    job = tk.get_action("harvest_job_create")(site_context(), {"source_id": source["id"]})
    consumers = [_consumer(kind, ini, tmp_path / f"{kind}.log") for kind in ("gather", "fetch")]
    try:
        def done():
            model.Session.remove()
            objects = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).all()
            return len(objects) == 5 and all(o.state in ("COMPLETE", "ERROR") for o in objects)
        assert wait_for(done, timeout=180), (tmp_path / "gather.log").read_text()[-3000:] + \
            (tmp_path / "fetch.log").read_text()[-3000:]
        assert all(c.poll() is None for c in consumers)  # still consuming, no crash
    finally:
        for consumer in consumers:
            consumer.terminate()
            consumer.wait(timeout=30)
    tk.get_action("harvest_jobs_run")(site_context(), {"source_id": source["id"]})
    model.Session.remove()
    shown = tk.get_action("harvest_job_show")(site_context(), {"id": job["id"]})
    assert shown["status"] == "Finished"
    assert (shown["stats"].get("added"), shown["stats"].get("errored")) == (3, 2)
    assert {d["owner_org"] for d in org_datasets(commune).values()} == {commune["id"]}
    # The workers (no web request) wrote the report in the portal's language, French.
    report = tk.get_action("harvest_job_report")(site_context(), {"id": job["id"]})
    messages = sorted(e["message"] for errors in report["object_errors"].values()
                      for e in errors["errors"])
    assert len(messages) == 2, messages
    assert messages[0].startswith("Identifiant « qualite-air@data.ville-colomiers.example » "
                                  "en double dans la source"), messages
    assert messages[1] == ("« Équipements sportifs » : licence non proposée par le portail "
                           "(https://example.org/licence-maison) ; le portail publie sous "
                           "Licence Ouverte 2.0 ou ODbL."), messages
    # and the report page shows it, whatever the reader's language
    for prefix in ("", "/en"):
        page = html.unescape(app.get(f"{prefix}/harvest/{source['name']}/job/{job['id']}",
                                     headers={"Authorization": site_token()}).get_data(
                                         as_text=True))
        assert messages[1] in page and "en double dans la source" in page, prefix


# Fields of the dataset schema compared after the round trip (derived subfields included).
SCHEMA_FIELDS = ("title", "notes", "license_id", "theme", "frequency", "temporal_coverage",
                 "spatial_coverage", "contact", "conforms_to_schema", "language",
                 "access_rights")
RESOURCE_FIELDS = ("url", "name", "description", "format", "mimetype", "size", "license")


def _comparable(dataset: dict) -> dict:
    result = {key: dataset.get(key) for key in SCHEMA_FIELDS}
    result["theme"] = sorted(dataset.get("theme") or [])  # a set of checkboxes
    result["spatial_coverage"] = sorted(dataset.get("spatial_coverage") or [],
                                        key=lambda row: row["code"])  # a set of areas
    result["tags"] = sorted(t["name"] for t in dataset.get("tags") or [])
    result["resources"] = sorted(
        ({key: r.get(key) or None for key in RESOURCE_FIELDS} for r in dataset["resources"]),
        key=lambda r: r["url"])
    for resource in result["resources"]:
        # The licence that applies: the resource's own, else the dataset's.
        resource["license"] = resource["license"] or dataset["license_id"]
    return result


def test_round_trip_through_the_portal_catalogue(live_portal, catalog_server):
    epci = dcat_factories.publisher("sicoval")
    originals = [
        dcat_factories.dataset(epci),
        dcat_factories.dataset(
            epci, license_id="odc-odbl", tag_string="voirie,pistes cyclables",
            theme=["http://publications.europa.eu/resource/authority/data-theme/TRAN",
                   "http://publications.europa.eu/resource/authority/data-theme/ENVI"],
            frequency="http://publications.europa.eu/resource/authority/frequency/MONTHLY",
            spatial_coverage=[{"code": "31555"}, {"code": "243100633"}],
            temporal_coverage=[{"start": "2019-05-01"}],
            identifier="pistes-cyclables@data.sicoval.example",
            conforms_to_schema=[{"name": "etalab/schema-amenagements-cyclables",
                                 "version": "0.3.3",
                                 "url": "https://schema.data.gouv.fr/etalab/"
                                        "schema-amenagements-cyclables/"}],
            language="http://publications.europa.eu/resource/authority/language/OCI",
            resources=[{"name": "Pistes (GeoJSON)", "url": "https://example.org/pistes.geojson",
                        "format": "GeoJSON", "mimetype": "application/geo+json",
                        "description": "Tracés des aménagements.", "license": "odc-odbl"},
                       {"name": "Pistes (CSV)", "url": "https://example.org/pistes.csv",
                        "format": "CSV", "size": 987}]),
    ]
    originals = [tk.get_action("package_show")(site_context(), {"id": original["id"]})
                 for original in originals]
    # The catalogue as the portal serves it; then the originals are withdrawn, as when a
    # publisher moves its data to the portal: their identifiers may not be used twice.
    with urllib.request.urlopen(f"{live_portal}/catalogue/{epci['name']}.ttl") as response:
        catalogue = response.read()
    for original in originals:
        tk.get_action("package_delete")(site_context(), {"id": original["id"]})
    test_org = make_org(name="organisation-test", title="Organisation de test",
                        insee="31069", siren="213100696")
    source = make_source(test_org, catalog_server.serve(
        "/catalogue.ttl", catalogue, content_type="text/turtle; charset=utf-8"),
        name="aller-retour")
    report = run_job(source)
    assert report["gather_errors"] == [] and report["object_errors"] == []
    assert report["stats"].get("added") == len(originals)

    copies = org_datasets(test_org)
    for original in originals:
        copy = copies[original.get("identifier") or original["id"]]
        assert copy["owner_org"] == test_org["id"]
        mine, theirs = _comparable(copy), _comparable(original)
        assert mine == theirs
