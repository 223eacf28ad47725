"""The demo and the offline copy of the schemas: the road counts follow the comptage des
mobilités schema they declare and are found conforming, the bike counts typed by hand are
found NOT conforming with their French report, offline as in CI (the Table Schema shipped
with the extension, conformity/packaged, is read when schema.data.gouv.fr is out of reach)."""
from __future__ import annotations

import json
import re

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne import demo
from ckanext.hautegaronne.conformity import catalogue, reports, validate
from ckanext.hautegaronne.demo import datasets as demo_datasets

from . import test_jobs
from .test_jobs import run_jobs

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "fr")
MEASURE = demo_datasets.COUNTS_SCHEMA


@pytest.fixture
def packaged(tmp_path, ckan_config, monkeypatch):
    """A storage of this test's own with the shipped catalogue cached, as `make up` leaves
    it offline; and the configuration file of a worker process using that storage."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    assert catalogue.seed_packaged()
    ini = tmp_path / "worker.ini"
    ini.write_text(f"[app:main]\nuse = config:{test_jobs.ROOT / 'test.ini'}\n"
                   f"ckan.storage_path = {tmp_path}\nckan.locale_default = fr\n",
                   encoding="utf-8")
    previous, test_jobs.WORKER_INI[0] = test_jobs.WORKER_INI[0], ini
    yield tmp_path
    test_jobs.WORKER_INI[0] = previous


def _check(tmp_path, content: bytes) -> dict:
    found = catalogue.find(MEASURE["name"], MEASURE["version"])
    descriptor = catalogue.load_table_schema(found.url)
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    return validate.validate_file(str(path), "CSV", descriptor, max_rows=1000, max_seconds=60,
                                  max_errors=100)


def test_the_shipped_catalogue_offers_the_counts_schema(packaged):
    assert [c["value"] for c in catalogue.choices()] == [MEASURE["name"]]
    found = catalogue.find(MEASURE["name"])
    assert (found.version, found.url) == (MEASURE["version"], MEASURE["url"])
    descriptor = catalogue.load_table_schema(found.url)
    assert [f["name"] for f in descriptor["fields"]] == demo_datasets.COUNTS_HEADER
    # a second seeding keeps the catalogue cached (a live one is never replaced by it)
    assert catalogue.seed_packaged() is False


def test_the_demo_files_against_the_shipped_schema(packaged):
    road = _check(packaged, demo_datasets.traffic_counts_csv(demo_datasets.traffic_points()))
    assert (road["status"], road["rows"], road["error_count"]) == ("conforming", 420, 0)
    bike = _check(packaged, demo_datasets.bike_counts_to_correct_csv())
    assert bike["status"] == "not-conforming"
    where = {(e["row"], e["column"]) for e in bike["errors"]}
    assert {(3, "start_datetime"), (3, "end_datetime"), (4, "count"), (5, "counter_id")} <= where
    comma = next(e for e in bike["errors"] if e["column"] == "count")
    assert (comma["cell"], comma["fix"]) == (
        "842,5", "Écrivez le séparateur décimal avec un point (12.5 et non 12,5).")


def test_the_refresh_command_falls_back_on_the_shipped_catalogue(cli, tmp_path):
    from ckan.cli.cli import ckan as ckan_command

    storage = tmp_path / "storage"
    ini = tmp_path / "refresh.ini"  # the command's own storage, not the tests' shared one
    ini.write_text(f"[app:main]\nuse = config:{test_jobs.ROOT / 'test.ini'}\n"
                   f"ckan.storage_path = {storage}\n", encoding="utf-8")
    cached = storage / "hautegaronne" / "schemas" / "catalogue.json"
    unreachable = ["-c", str(ini), "hautegaronne", "schemas", "refresh",
                   "--url", "http://127.0.0.1:9/schemas.json"]
    assert cli.invoke(ckan_command, unreachable).exit_code == 1
    assert not cached.exists()
    result = cli.invoke(ckan_command, [*unreachable, "--or-packaged"])
    assert result.exit_code == 0, result.output
    assert "1 Table Schemas shipped with the extension cached" in result.output
    listed = json.loads(cached.read_text(encoding="utf-8"))
    assert (listed["source"], [s["name"] for s in listed["schemas"]]) == (
        "packaged", [MEASURE["name"]])
    result = cli.invoke(ckan_command, [*unreachable, "--or-packaged"])
    assert (result.exit_code, "The cached catalogue is kept" in result.output) == (0, True)


@pytest.mark.usefixtures("clean_all")
def test_after_loading_the_demo_one_dataset_conforms_and_one_resource_does_not(app, packaged):
    list(demo.load())
    run_jobs()
    road = tk.get_action("package_show")({}, {"id": "comptages-routiers-haute-garonne"})
    csv_resource = next(r for r in road["resources"] if r["format"] == "CSV")
    assert reports.report(csv_resource["id"])["status"] == "conforming"
    page = app.get("/dataset/comptages-routiers-haute-garonne").get_data(as_text=True)
    assert "Conforme au schéma Comptage des mobilités (measure) version 0.2.3" in page
    assert "Non conforme" not in page and "Conformité non établie" not in page

    bikes = tk.get_action("package_show")({}, {"id": "toulouse-metropole-amenagements-cyclables"})
    to_correct = next(r for r in bikes["resources"] if r["name"] == "Comptages vélo à corriger (CSV)")
    report = reports.report(to_correct["id"])
    assert report["status"] == "not-conforming" and report["error_count"] >= 4
    page = app.get(f"/dataset/{bikes['name']}").get_data(as_text=True)
    assert "Non conforme au schéma Comptage des mobilités (measure) version 0.2.3" in page
    text = re.sub(r"\s+", " ", app.get(f"/dataset/{bikes['name']}/resource/{to_correct['id']}")
                  .get_data(as_text=True))
    assert "842,5" in text and "Écrivez le séparateur décimal avec un point" in text
    assert "03/06/2025 00:00" in text
