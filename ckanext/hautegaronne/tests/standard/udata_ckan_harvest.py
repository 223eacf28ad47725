"""Harvest a CKAN portal with udata's own CKAN backend, as data.gouv.fr does.

Run by test_ckan_clients.py with the Python of udata's virtualenv (udata and mongomock, see
udata-requirements.txt), never imported by CKAN: ``python udata_ckan_harvest.py URL``; with
``dcat`` as second argument, udata's DCAT backend harvests URL (a catalog) instead
(tests/hvd/test_national.py).
udata's database is an in-memory MongoDB (mongomock); its only traffic is to URL.
Prints a JSON report: the job's status and errors, each item's status and errors, and for
each harvested dataset what data.gouv.fr would publish of it.
"""
from __future__ import annotations

import json
import secrets
import sys

import mongoengine
import mongomock


class Settings:
    TESTING = True
    MONGODB_HOST = "mongodb://localhost/udata"
    MONGODB_HOST_TEST = "mongodb://localhost/udata"
    SECRET_KEY = secrets.token_hex(32)
    API_TOKEN_SECRET = secrets.token_hex(32)
    CACHE_TYPE = "flask_caching.backends.NullCache"
    CELERY_TASK_ALWAYS_EAGER = True
    SERVER_NAME = "udata.test"
    SEND_MAIL = False
    AUTO_INDEX = False
    PLUGINS = []
    HARVESTER_BACKENDS = ["ckan", "dcat"]
    URLS_ALLOW_LOCAL = True  # the portal under test listens on 127.0.0.1 only
    URLS_ALLOW_PRIVATE = False
    URLS_RESOLVE_HOSTNAME = False  # no DNS lookups: the only traffic is to the portal


LICENCES = [
    {"id": "notspecified", "title": "License Not Specified", "active": True},
    {"id": "lov2", "title": "Licence Ouverte / Open Licence version 2.0", "active": True,
     "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"},
    {"id": "odc-odbl", "title": "Open Data Commons Open Database License (ODbL)",
     "active": True, "url": "http://opendatacommons.org/licenses/odbl/summary/"},
]


def harvest(url: str, backend: str = "ckan") -> dict:
    from udata.app import create_app, standalone

    app = standalone(create_app("udata.settings.Defaults", override=Settings))
    # udata's connection (lazy: not opened yet) replaced by an in-memory MongoDB
    mongoengine.disconnect()
    mongoengine.connect("udata", mongo_client_class=mongomock.MongoClient)
    with app.app_context():
        from udata.core.organization.models import Organization
        from udata.harvest import actions
        from udata.harvest.models import HarvestJob, HarvestSource
        from udata.models import Dataset, License

        # the licences of data.gouv.fr that the portal uses (its catalogue: /api/1/datasets/licenses/)
        for licence in LICENCES:
            License.objects.create(**licence)
        owner = Organization.objects.create(name="data.gouv.fr test",
                                            description="The harvesting organisation.")
        source = HarvestSource.objects.create(name="Haute-Garonne", url=url, backend=backend,
                                              organization=owner)
        actions.run(source)
        job = HarvestJob.objects(source=source).order_by("-created").first()
        datasets = []
        for dataset in Dataset.objects:
            temporal = dataset.temporal_coverage
            datasets.append({
                "ckan_name": getattr(dataset.harvest, "ckan_name", None),
                "remote_id": getattr(dataset.harvest, "remote_id", None),
                "title": dataset.title,
                "description": dataset.description,
                "license": dataset.license.id if dataset.license else None,
                "frequency": str(dataset.frequency) if dataset.frequency else None,
                "temporal_coverage": ([str(temporal.start), str(temporal.end)]
                                      if temporal else None),
                "spatial_geom": dataset.spatial.geom if dataset.spatial else None,
                "tags": list(dataset.tags),
                "resources": [{"title": r.title, "url": r.url, "format": r.format}
                              for r in dataset.resources],
            })
        return {
            "status": job.status,
            "errors": [e.message for e in job.errors],
            "items": [{"remote_id": i.remote_id, "status": i.status,
                       "errors": [e.message for e in i.errors]} for i in job.items],
            "datasets": datasets,
        }


if __name__ == "__main__":
    print(json.dumps(harvest(*sys.argv[1:3]), default=str))
