"""data.gouv.fr's DCAT harvester (udata's own ``dcat`` backend, run from its virtualenv)
harvests the portal's catalog: the high-value dataset arrives tagged "hvd", the others do
not, and every licence (Licence Ouverte 2.0 and ODbL, published as EU licence-list IRIs for
the MQA) is recognised as the portal's."""
from __future__ import annotations

import json
import subprocess

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne import demo

from ..dcat import factories
from ..standard.test_ckan_clients import HERE, _udata_python


def test_udata_dcat_harvest_tags_high_value_datasets_and_reads_licences(live_portal):
    list(demo.load())
    roques = tk.get_action("organization_show")({}, {"id": "roques-31458"})
    tk.get_action("package_create")(factories.sysadmin_context(), factories.dataset_fields(
        roques, name="sous-odbl", license_id="odc-odbl"))
    public = {d["title"]: d for d in
              tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})["results"]}

    run = subprocess.run([str(_udata_python()), str(HERE / "udata_ckan_harvest.py"),
                          live_portal + "/catalog.ttl", "dcat"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    failed = {i["remote_id"]: i["errors"] for i in report["items"] if i["status"] == "failed"}
    assert failed == {} and report["errors"] == [], report
    harvested = {d["title"]: d for d in report["datasets"]}
    assert set(harvested) == set(public)
    for title, dataset in harvested.items():
        source = public[title]
        assert dataset["license"] == source["license_id"], title
        assert ("hvd" in dataset["tags"]) == bool(source.get("hvd_category")), title
    assert "hvd" in harvested["Comptages routiers sur les routes départementales"]["tags"]
    assert {d["license"] for d in harvested.values()} == {"lov2", "odc-odbl"}
