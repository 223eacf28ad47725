"""The full-text stage of a load (tabular/full_text.py): the typed table is readable before
its full text is filled; a full-text search before that is refused in French, never
answered wrongly; once complete, the full text is CKAN's own; a failure of the stage leaves
the table readable and says so; a reload replaces the stage."""
from __future__ import annotations

import logging
import shutil
import time

import pytest
import sqlalchemy as sa

from ckanext.datastore.backend.postgres import get_write_engine

from ckanext.hautegaronne.tabular import full_text, load_job

from ..publishers import helpers as h
from . import loading
from .conftest import _empty_job_queues

FILE = "comptages-windows-1252.csv"
# CKAN's populate_full_text_trigger, as `ckan datastore set-permissions` creates it
CKAN_FULL_TEXT = ("(SELECT to_tsvector(string_agg(value, ' ')) FROM json_each_text(row_to_json(t.*)) "
                  "WHERE key NOT LIKE '\\_%')")


@pytest.fixture
def publisher(clean_datastore):
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    dataset = h.dataset(org, resources=[{"name": "Comptages", "url": "https://example.org/c.csv",
                                         "format": "CSV"}])
    return {"org": org, "dataset": dataset, "resource": dataset["resources"][0],
            "headers": {"Authorization": h.token(editor)}}


def _load(resource: dict, tmp_path, load_id: str) -> list[dict]:
    """The portal's load of the corpus file, as the worker runs it once the file is
    downloaded; the full-text job it enqueues is dropped: the stage stays pending."""
    path = tmp_path / FILE
    shutil.copy(loading.CORPUS / FILE, path)
    load_job._save_task(resource["id"], "pending", {"job_id": None}, error={})
    job_input = {"resource_id": resource["id"], "task_created": None,
                 "original_url": resource["url"], "load_id": load_id}
    load_job.load_file(str(path), resource, job_input, logging.getLogger(__name__),
                       file_hash=load_id)
    _empty_job_queues()
    return [{"id": name, "type": "text"} for name in
            ["Commune", "Code INSEE", "Date de comptage", "Véhicules/jour",
             "Part poids lourds (%)", "Observation"]]


def _search(app, **data) -> dict:
    return app.post("/api/3/action/datastore_search", json=data).json


def _rows_unlike_ckan(resource_id: str) -> int:
    with get_write_engine().connect() as connection:
        return connection.execute(sa.text(
            f'SELECT count(*) FROM "{resource_id}" AS t '
            f"WHERE t._full_text IS DISTINCT FROM {CKAN_FULL_TEXT}")).scalar()


def _full_text_indexes(resource_id: str) -> list[str]:
    with get_write_engine().connect() as connection:
        return connection.execute(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT LIKE '%\\_pkey'"
        ), {"t": resource_id}).scalars().all()


# a large table's staged load (every table is "large" at a limit of 0)
@pytest.mark.ckan_config("ckanext.hautegaronne.datastore.full_text_inline_rows", 0)
def test_the_table_is_readable_before_its_full_text_which_then_is_ckans(app, publisher, tmp_path):
    resource_id = publisher["resource"]["id"]
    fields = _load(publisher["resource"], tmp_path, "load-1")
    # typed, filterable, sortable, active: usable
    found = _search(app, resource_id=resource_id, filters={"Commune": "Muret"},
                    sort="Véhicules/jour desc")
    assert found["success"], found
    assert [r["Commune"] for r in found["result"]["records"]] == ["Muret"]
    types = {f["id"]: f["type"] for f in found["result"]["fields"]}
    assert types["Part poids lourds (%)"] == "numeric" and types["Date de comptage"] == "date"
    shown = app.post("/api/3/action/resource_show", json={"id": resource_id}).json["result"]
    assert shown["datastore_active"] is True
    # a full-text search now would miss every row: refused, in French
    refused = _search(app, resource_id=resource_id, q="route")
    assert refused["success"] is False
    assert "en cours de préparation" in refused["error"]["q"][0], refused
    status = app.post("/api/3/action/xloader_status", json={"resource_id": resource_id},
                      headers=publisher["headers"]).json["result"]
    assert status["full_text"]["state"] == "pending"
    assert "recherche en texte intégral" in status["full_text"]["message"], status

    assert full_text.fill(resource_id, "load-1", fields) is True
    found = _search(app, resource_id=resource_id, q="routes")  # French stemming
    assert found["success"], found
    assert [r["Commune"] for r in found["result"]["records"]] == ["Bagnères-de-Luchon"]
    assert _rows_unlike_ckan(resource_id) == 0
    # the full-text index datastore_create makes, built once the column is complete
    indexes = _full_text_indexes(resource_id)
    assert len(indexes) == 1 and "(_full_text)" in indexes[0], indexes
    status = app.post("/api/3/action/xloader_status", json={"resource_id": resource_id},
                      headers=publisher["headers"]).json["result"]
    assert status["full_text"]["state"] == "complete"
    assert "prête" in status["full_text"]["message"], status


# a large table's staged load (every table is "large" at a limit of 0)
@pytest.mark.ckan_config("ckanext.hautegaronne.datastore.full_text_inline_rows", 0)
def test_a_failed_full_text_leaves_the_table_readable_and_says_so(app, publisher, tmp_path):
    resource_id = publisher["resource"]["id"]
    fields = _load(publisher["resource"], tmp_path, "load-1")
    with get_write_engine().begin() as connection:
        # the database refuses the full text (as a disk full or a lock timeout would)
        connection.execute(sa.text(f'ALTER TABLE "{resource_id}" ADD CONSTRAINT no_full_text '
                                   "CHECK (_full_text IS NULL) NOT VALID"))
    assert full_text.fill(resource_id, "load-1", fields) is False
    found = _search(app, resource_id=resource_id, sort="_id")
    assert found["success"] and found["result"]["total"] == 4
    refused = _search(app, resource_id=resource_id, q="route")
    assert refused["success"] is False
    assert "n'a pas pu être préparée" in refused["error"]["q"][0], refused
    status = app.post("/api/3/action/xloader_status", json={"resource_id": resource_id},
                      headers=publisher["headers"]).json["result"]
    assert status["full_text"]["state"] == "error"
    assert "chargez à nouveau le fichier" in status["full_text"]["message"], status


# a large table's staged load (every table is "large" at a limit of 0)
@pytest.mark.ckan_config("ckanext.hautegaronne.datastore.full_text_inline_rows", 0)
def test_a_reload_replaces_the_stage_of_the_previous_load(app, publisher, tmp_path):
    resource_id = publisher["resource"]["id"]
    fields = _load(publisher["resource"], tmp_path, "load-1")
    _load(publisher["resource"], tmp_path, "load-2")
    # the first load's job, run late, stops without touching the new table
    assert full_text.fill(resource_id, "load-1", fields) is False
    assert full_text.state(resource_id)["state"] == "pending"
    assert _search(app, resource_id=resource_id, q="route")["success"] is False
    assert full_text.fill(resource_id, "load-2", fields) is True
    found = _search(app, resource_id=resource_id, q="route")
    assert found["success"] and found["result"]["total"] == 1
    assert _rows_unlike_ckan(resource_id) == 0


def test_a_small_table_is_searchable_as_soon_as_it_is_published(app, publisher, tmp_path):
    # under the inline limit (default 200,000 rows) the full text is filled within the load:
    # the first search after publication is answered, never refused
    resource_id = publisher["resource"]["id"]
    _load(publisher["resource"], tmp_path, "load-1")
    found = _search(app, resource_id=resource_id, q="routes")
    assert found["success"], found
    assert [r["Commune"] for r in found["result"]["records"]] == ["Bagnères-de-Luchon"]
    assert full_text.state(resource_id)["state"] == "complete"
    assert _rows_unlike_ckan(resource_id) == 0


def test_a_table_written_through_the_api_is_searched_as_ckan_searches_it(app, publisher):
    resource_id = publisher["resource"]["id"]
    app.post("/api/3/action/datastore_create", headers=publisher["headers"], json={
        "resource_id": resource_id, "force": True,
        "records": [{"commune": "Muret", "observation": "route fermée"}]})
    found = _search(app, resource_id=resource_id, q="route")
    assert found["success"] and found["result"]["total"] == 1
    assert full_text.state(resource_id) is None


def test_the_worker_loads_then_fills_the_full_text_and_a_reload_does_it_again(loading_portal):
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    token = h.token(editor)
    dataset = h.dataset(org, resources=[])
    resource = loading.upload(loading_portal, token, dataset["id"], loading.CORPUS / FILE, "CSV")
    for attempt in range(2):
        status = loading.wait_for_load(loading_portal, token, resource["id"])
        assert status["status"] == "complete", status
        deadline = time.monotonic() + 120
        while status.get("full_text", {}).get("state") not in ("complete", "error"):
            assert time.monotonic() < deadline, status
            time.sleep(0.5)
            status = loading.call(loading_portal, "xloader_status", token,
                                  resource_id=resource["id"])["result"]
        assert status["full_text"]["state"] == "complete", status
        found = loading.call(loading_portal, "datastore_search", resource_id=resource["id"],
                             q="routes")
        assert found["success"] and found["result"]["total"] == 1, found
        assert _rows_unlike_ckan(resource["id"]) == 0
        if attempt == 0:  # the publisher reloads the file
            assert loading.call(loading_portal, "xloader_submit", token,
                                resource_id=resource["id"], ignore_hash=True)["success"]
            time.sleep(1)
    page = loading.requests.get(
        f"{loading_portal}/dataset/{dataset['name']}/resource_data/{resource['id']}",
        headers={"Authorization": token}, timeout=60).text
    assert "La recherche en texte intégral de la table est prête." in page
