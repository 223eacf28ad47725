"""Publishers' files loaded into the DataStore by a real `ckan jobs worker` (xloader)."""
from __future__ import annotations

import pytest

from ..publishers import helpers as h
from . import loading


@pytest.fixture
def publisher(loading_portal):
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    dataset = h.dataset(org, resources=[])
    return {"url": loading_portal, "token": h.token(editor), "dataset": dataset}


def test_an_uploaded_csv_is_loaded_and_gets_a_table_view(publisher):
    url, token = publisher["url"], publisher["token"]
    resource = loading.upload(url, token, publisher["dataset"]["id"],
                              loading.CORPUS / "simple.csv", "CSV")
    status = loading.wait_for_load(url, token, resource["id"])
    assert status["status"] == "complete", status
    found = loading.call(url, "datastore_search", resource_id=resource["id"], sort="_id")["result"]
    assert [(r["commune"], r["comptage"]) for r in found["records"]] == [("Roques", "1520"),
                                                                         ("Muret", "980")]
    views = loading.call(url, "resource_view_list", id=resource["id"])["result"]
    assert [v["view_type"] for v in views] == ["datatables_view"]
