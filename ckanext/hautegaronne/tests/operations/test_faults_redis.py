"""Redis stopped during a harvest job: the job is not lost and writes no half dataset.

The drill runs the portal's harvester (``hautegaronne_dcat``) through the real queues: the
supervised gather and fetch consumers and the scheduler of scripts/harvest-workers.sh, on a
private Redis (scripts/redis.sh on a free port). Redis stops while the gather consumer is
reading the publisher's catalogue: the gather writes the job's harvest objects to the
database but cannot queue them, and its consumer exits (restarted by its supervisor). The
job stays *running* with its objects waiting, and no dataset exists yet. When Redis is back,
the scheduler (``ckan harvester run``) re-queues the waiting objects (``ckan.harvest.mq.type =
redis``), the fetch consumer imports them, and the job finishes with every dataset complete."""
from __future__ import annotations

import datetime
import os
import subprocess
import threading

import ckan.plugins.toolkit as tk
import pytest
import redis
from ckan import model
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.harvest.queue import get_gather_routing_key

from ..harvest.conftest import CatalogServer, make_org, make_source, org_datasets, \
    site_context, wait_for
from .faults import private_redis  # noqa: F401 (fixture)
from .services import ROOT, SCRIPTS

pytestmark = [
    pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins"),
]

DATASETS = 6
DATASET = """
    <dcat:dataset>
      <dcat:Dataset rdf:about="https://data.ville-colomiers.example/explore/dataset/jeu-{n}/">
        <dct:identifier>jeu-{n}@data.ville-colomiers.example</dct:identifier>
        <dct:title>Jeu de données n°{n}</dct:title>
        <dct:description>Données de la ville, série {n}.</dct:description>
        <dct:license rdf:resource="https://www.etalab.gouv.fr/licence-ouverte-open-licence"/>
        <dcat:distribution>
          <dcat:Distribution rdf:about="https://data.ville-colomiers.example/jeu-{n}.csv">
            <dct:title>Jeu {n} (CSV)</dct:title>
            <dcat:downloadURL rdf:resource="https://data.ville-colomiers.example/jeu-{n}.csv"/>
            <dct:format>CSV</dct:format>
          </dcat:Distribution>
        </dcat:distribution>
        <dcat:distribution>
          <dcat:Distribution rdf:about="https://data.ville-colomiers.example/jeu-{n}.json">
            <dct:title>Jeu {n} (JSON)</dct:title>
            <dcat:downloadURL rdf:resource="https://data.ville-colomiers.example/jeu-{n}.json"/>
            <dct:format>JSON</dct:format>
          </dcat:Distribution>
        </dcat:distribution>
      </dcat:Dataset>
    </dcat:dataset>"""
CATALOG = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Catalog rdf:about="https://data.ville-colomiers.example/catalog">
    <dct:title>Données ouvertes de la ville de Colomiers</dct:title>{datasets}
  </dcat:Catalog>
</rdf:RDF>
"""


def _workers(command: str, env: dict) -> None:
    subprocess.run(["bash", str(SCRIPTS / "harvest-workers.sh"), command], env=env, check=True,
                   capture_output=True, timeout=120)


def _job(job_id: str) -> HarvestJob:
    model.Session.remove()
    return HarvestJob.get(job_id)


def _objects(job_id: str) -> list[HarvestObject]:
    model.Session.remove()
    return model.Session.query(HarvestObject).filter_by(harvest_job_id=job_id).all()


def test_a_harvest_job_survives_a_redis_outage(clean_all, private_redis, tmp_path, monkeypatch):
    from ckan.common import config

    commune = make_org()

    # The test process and the workers use the private Redis.
    monkeypatch.setitem(config, "ckan.redis.url", private_redis.url(0))
    ini = tmp_path / "workers.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
                   "ckanext.hautegaronne.harvest.allowed_private_hosts = 127.0.0.1\n")
    env = dict(os.environ, HG_VAR=str(private_redis.var), HARVEST_INI=str(ini),
               CKAN_REDIS_URL=private_redis.url(0), HARVEST_RUN_INTERVAL="2",
               TRACKING_UPDATE_INTERVAL="3600")

    # The catalogue answers only when the test lets it: the gather is then mid-way.
    reading, go_on = threading.Event(), threading.Event()
    body = CATALOG.format(datasets="".join(DATASET.format(n=n) for n in range(1, DATASETS + 1)))

    def catalog(handler):
        reading.set()
        go_on.wait(120)
        return 200, {"Content-Type": "application/rdf+xml; charset=utf-8"}, body

    server = CatalogServer()
    server.routes["/catalog.rdf"] = catalog
    source = make_source(commune, server.url("/catalog.rdf"))
    _workers("start", env)
    try:
        job = tk.get_action("harvest_job_create")(site_context(), {"source_id": source["id"]})
        assert reading.wait(180), private_redis.logs()

        private_redis.stop()
        go_on.set()
        # The gather wrote its objects but could not queue them: the job is running, its
        # objects wait, and no dataset was written, not even in part.
        assert wait_for(lambda: _job(job["id"]).gather_finished is not None, timeout=120)
        objects = _objects(job["id"])
        assert len(objects) == DATASETS
        assert {o.state for o in objects} == {"WAITING"}
        assert _job(job["id"]).status == "Running"
        assert org_datasets(commune) == {}

        # Redis is back: the scheduler re-queues the waiting objects, the job completes.
        private_redis.start()
        assert wait_for(lambda: _job(job["id"]).status == "Finished", timeout=300), \
            (private_redis.var / "log").joinpath("harvest-fetch.log").read_text()[-3000:]

        # The gather message that the dead consumer never acknowledged is still in Redis;
        # ckanext-harvest re-delivers such messages after two hours (aged here): the
        # finished job must not be gathered again (no duplicate objects, no errors).
        queue_key = get_gather_routing_key()
        connection = redis.Redis.from_url(private_redis.url(0), decode_responses=True)
        assert connection.exists(f"{queue_key}:{job['id']}")
        three_hours_ago = datetime.datetime.now() - datetime.timedelta(hours=3)
        connection.set(f"{queue_key}:{job['id']}", three_hours_ago.strftime("%Y-%m-%d %H:%M:%S.%f"))
        assert wait_for(lambda: not connection.exists(f"{queue_key}:{job['id']}")
                        and connection.llen(queue_key) == 0, timeout=120)
    finally:
        go_on.set()
        _workers("stop", env)
        server.close()

    shown = tk.get_action("harvest_job_show")(site_context(), {"id": job["id"]})
    assert shown["status"] == "Finished"
    assert shown["stats"].get("added") == DATASETS and not shown["stats"].get("errored"), shown
    objects = _objects(job["id"])
    assert len(objects) == DATASETS and {o.state for o in objects} == {"COMPLETE"}
    datasets = org_datasets(commune)
    assert sorted(datasets) == sorted(f"jeu-{n}@data.ville-colomiers.example"
                                      for n in range(1, DATASETS + 1))
    for identifier, dataset in datasets.items():  # each one whole: both distributions
        number = identifier.split("@")[0].split("-")[1]
        assert sorted(r["format"] for r in dataset["resources"]) == ["CSV", "JSON"], identifier
        assert dataset["title"] == f"Jeu de données n°{number}"
