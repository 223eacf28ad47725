"""The "API de données" box of a resource page (tabular/data_api.py): its examples, copied
from the page as a user would, run against the live portal (gunicorn, real HTTP) and return
the table's rows; its exports give the filtered table; no token for public data, the token
explained for a private dataset's table.

And DataStore-only resources (dataset/validators.py): a publisher's editor creates a table
with ``datastore_create`` and a ``resource`` (no file) through the API; the resource's
address is the portal's own dump, which the address guard accepts for that resource only.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import requests

from ..live import ROOT, served_by_gunicorn
from ..publishers import helpers as h

FIELDS = [{"id": "Commune", "type": "text"}, {"id": "Véhicules/jour", "type": "int"},
          {"id": "Observation", "type": "text"}, {"id": "latitude", "type": "numeric"},
          {"id": "longitude", "type": "numeric"}]
RECORDS = [
    {"Commune": "Muret", "Véhicules/jour": 980, "Observation": "Travaux sur la chaussée",
     "latitude": 43.46, "longitude": 1.327},
    {"Commune": "Bagnères-de-Luchon", "Véhicules/jour": 1520,
     "Observation": "Route d'Espagne, été chargé", "latitude": 42.79, "longitude": 0.594},
    {"Commune": "Muret", "Véhicules/jour": 1210, "Observation": "Rocade ouest",
     "latitude": 43.47, "longitude": 1.33},
    {"Commune": "Saint-Gaudens", "Véhicules/jour": 2300, "Observation": "Boulevard « Jean-Bepmale »",
     "latitude": 43.108, "longitude": 0.723},
    {"Commune": "Villefranche-de-Lauragais", "Véhicules/jour": 640, "Observation": "",
     "latitude": 43.4, "longitude": 1.72},
]


@pytest.fixture
def portal(clean_datastore, tmp_path):
    """The portal over real HTTP on a loopback address (its dump URLs are loopback URLs,
    which the address guard refuses for any other resource)."""
    ini = tmp_path / "data-api-portal.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n", encoding="utf-8")
    with served_by_gunicorn(ini, log_name="data-api-portal") as (base_url, _log):
        yield base_url


@pytest.fixture
def world(portal):
    orgs = {"A": h.onboard("31458"), "B": h.onboard("31555")}
    editors = {k: h.member(org, "editor") for k, org in orgs.items()}
    return {"url": portal, "orgs": orgs, "tokens": {k: h.token(u) for k, u in editors.items()}}


def _call(world, action: str, token: str | None, **data) -> requests.Response:
    headers = {"Authorization": token} if token else {}
    return requests.post(f"{world['url']}/api/3/action/{action}", json=data, headers=headers,
                         timeout=60)


def _datastore_only(world, publisher: str, dataset: dict, records=RECORDS) -> requests.Response:
    return _call(world, "datastore_create", world["tokens"][publisher],
                 resource={"package_id": dataset["id"], "name": "Comptages routiers",
                           "format": "CSV"},
                 fields=FIELDS, records=records)


def _table(world, private: bool = False) -> tuple[dict, str]:
    dataset = h.dataset(world["orgs"]["A"], resources=[], private=private)
    response = _datastore_only(world, "A", dataset)
    assert response.status_code == 200, response.text
    return dataset, response.json()["result"]["resource_id"]


def _box(world, resource_id: str, token: str | None = None) -> lxml.html.HtmlElement:
    headers = {"Authorization": token} if token else {}
    response = requests.get(f"{world['url']}/datastore/api_info/{resource_id}", headers=headers,
                            timeout=60)
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fragment_fromstring(response.text, create_parent="div")


def _examples(box) -> dict[str, dict[str, str]]:
    return {section.get("data-example"): {
        code.get("data-language"): code.text_content()
        for code in section.xpath(".//code[@data-language]")}
        for section in box.xpath("//section[@data-example]")}


def _run_python(snippet: str, env: dict | None = None) -> list[dict]:
    namespace: dict = {}
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(compile(snippet, "<copied from the page>", "exec"), namespace)  # noqa: S102
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert printed.getvalue().count("\n") == len(namespace["records"])
    return namespace["records"]


def _run_curl(command: str, env: dict | None = None) -> list[dict]:
    done = subprocess.run(["bash", "-c", command + " --silent --fail-with-body"],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})))
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return json.loads(done.stdout)["result"]["records"]


def _get_url(url: str, token: str | None = None) -> list[dict]:
    response = requests.get(url, headers={"Authorization": token} if token else {}, timeout=60)
    assert response.status_code == 200, (url, response.text[:500])
    return response.json()["result"]["records"]


def test_the_examples_copied_from_the_page_run_and_return_the_tables_rows(world):
    dataset, resource_id = _table(world)
    box = _box(world, resource_id)
    text = " ".join(box.text_content().split())
    assert "API_TOKEN" not in text and "Authorization" not in text
    assert "aucun compte ni jeton" in text  # public: said plainly
    assert f"{world['url']}/api/3/action/datastore_search" in text
    assert "10 000 lignes" in text or "10000 lignes" in text  # rows_max, stated
    assert "10 secondes" in text  # the SQL time limit, stated
    assert "jones" not in text and "watershed" not in text  # not CKAN's generic examples
    examples = _examples(box)
    assert set(examples) == {"filter", "q", "page", "sql"}
    for key, forms in examples.items():
        assert set(forms) == {"url", "curl", "python"}, key
        runs = [_get_url(forms["url"]), _run_curl(forms["curl"]), _run_python(forms["python"])]
        assert runs[0], (key, forms["url"])
        assert runs[0] == runs[1] == runs[2], key  # the three forms are the same query
        rows = runs[0]
        if key in ("filter", "sql"):  # a real column, a value it holds
            assert {r["Commune"] for r in rows} == {"Muret"} and len(rows) == 2, rows
        if key == "q":
            word = parse_qs(urlsplit(forms["url"]).query)["q"][0]
            assert word in " ".join(str(v) for r in rows for v in r.values()), (word, rows)
        if key == "page":  # sorted by the count, descending, second page
            counts = [r["Véhicules/jour"] for r in rows]
            assert counts == sorted(counts, reverse=True)
            assert counts[0] < 2300  # the first page holds the largest
    # the exports give the filtered table
    links = {a.get("data-format"): a.get("href") for a in box.xpath("//a[@data-format]")}
    assert set(links) == {"CSV", "JSON", "GeoJSON"}
    csv_rows = list(csv.DictReader(io.StringIO(
        requests.get(links["CSV"], timeout=60).content.decode("utf-8-sig"))))
    assert [r["Commune"] for r in csv_rows] == ["Muret", "Muret"]
    exported = requests.get(links["JSON"], timeout=60).json()
    assert [r[1] for r in exported["records"]] == ["Muret", "Muret"]
    features = requests.get(links["GeoJSON"], timeout=60).json()["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[1.327, 43.46], [1.33, 43.47]]
    # the resource page opens the box
    page = requests.get(f"{world['url']}/dataset/{dataset['name']}/resource/{resource_id}",
                        timeout=60).text
    assert f"/datastore/api_info/{resource_id}" in page and "API de données" in page


def test_a_private_tables_examples_explain_and_use_a_token(world):
    _dataset, resource_id = _table(world, private=True)
    token = world["tokens"]["A"]
    # the public cannot read it (nor its box)
    assert requests.get(f"{world['url']}/datastore/api_info/{resource_id}",
                        timeout=60).status_code == 404
    box = _box(world, resource_id, token)
    text = " ".join(box.text_content().split())
    assert "jeton" in text and "CKAN_API_TOKEN" in text and "privé" in text
    examples = _examples(box)
    env = {"CKAN_API_TOKEN": token}
    assert {r["Commune"] for r in _run_python(examples["filter"]["python"], env)} == {"Muret"}
    assert {r["Commune"] for r in _run_curl(examples["filter"]["curl"], env)} == {"Muret"}
    # without the token, the same snippet is refused
    done = subprocess.run(["bash", "-c", examples["filter"]["curl"] + " --silent"],
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"})
    assert '"success": false' in done.stdout


def test_a_datastore_only_resource_is_created_by_its_publishers_editor_only(world):
    dataset = h.dataset(world["orgs"]["A"], resources=[])
    # another publisher's editor: refused, nothing added
    refused = _datastore_only(world, "B", dataset)
    assert refused.status_code == 403, refused.text
    shown = _call(world, "package_show", world["tokens"]["A"], id=dataset["id"]).json()["result"]
    assert shown["resources"] == []
    # the publisher's editor: the table and its resource, addressed by the portal's own dump
    created = _datastore_only(world, "A", dataset)
    assert created.status_code == 200, created.text
    resource_id = created.json()["result"]["resource_id"]
    resource = _call(world, "resource_show", None, id=resource_id).json()["result"]
    assert resource["url"] == f"{world['url']}/datastore/dump/{resource_id}"
    assert resource["datastore_active"] is True and resource["url_type"] == "datastore"
    rows = _call(world, "datastore_search", None, resource_id=resource_id).json()["result"]
    assert rows["total"] == len(RECORDS)
    # the dataset saved again as shown (the dump address sent back) stays editable
    shown = _call(world, "package_show", world["tokens"]["A"], id=dataset["id"]).json()["result"]
    shown["notes"] = "Comptages mis à jour."
    updated = _call(world, "package_update", world["tokens"]["A"], **shown)
    assert updated.status_code == 200, updated.text
    assert updated.json()["result"]["resources"][0]["url"] == resource["url"]


def test_only_a_resources_own_dump_address_passes_the_guard(world):
    dataset, resource_id = _table(world)
    other = h.dataset(world["orgs"]["A"])
    token = world["tokens"]["A"]
    for url in (f"{world['url']}/datastore/dump/{resource_id}",  # another resource's dump
                f"{world['url']}/api/3/action/status_show", "http://127.0.0.1:6379/"):
        response = _call(world, "resource_create", token, package_id=other["id"], name="Lien",
                         url=url, url_type="datastore", format="CSV")
        assert response.status_code == 409, (url, response.text)
        error = json.dumps(response.json()["error"], ensure_ascii=False)
        assert "url" in error, error
    shown = _call(world, "package_show", token, id=other["id"]).json()["result"]
    assert len(shown["resources"]) == 1
    # the table's own resource, patched with another loopback address: refused too
    response = _call(world, "resource_patch", token, id=resource_id,
                     url=f"{world['url']}/api/3/action/status_show")
    assert response.status_code == 409, response.text
