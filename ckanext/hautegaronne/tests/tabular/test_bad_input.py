"""Bad files and bad links: each ends with a clear French status on the resource (the
publisher's DataStore page), nothing half loaded, and the dataset page keeps working."""
from __future__ import annotations

import html

import pytest
import requests

from ..publishers import helpers as h
from . import loading
from .conftest import MAX_TEST_FILE_BYTES


@pytest.fixture
def publisher(loading_portal):
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    dataset = h.dataset(org, resources=[])
    return {"url": loading_portal, "token": h.token(editor), "dataset": dataset}


def _page(publisher, resource_id: str) -> str:
    name = publisher["dataset"]["name"]
    response = requests.get(f"{publisher['url']}/dataset/{name}/resource_data/{resource_id}",
                            headers={"Authorization": publisher["token"]}, timeout=60)
    assert response.status_code == 200
    return html.unescape(response.text)


def _failed_upload(publisher, tmp_path, filename: str, content: bytes, fmt: str = "CSV"):
    path = tmp_path / filename
    path.write_bytes(content)
    resource = loading.upload(publisher["url"], publisher["token"], publisher["dataset"]["id"],
                              path, fmt)
    status = loading.wait_for_load(publisher["url"], publisher["token"], resource["id"])
    assert status["status"] == "error", status
    shown = loading.call(publisher["url"], "resource_show", publisher["token"],
                         id=resource["id"])["result"]
    assert not shown.get("datastore_active")
    dataset_page = requests.get(f"{publisher['url']}/dataset/{publisher['dataset']['name']}",
                                timeout=60)
    assert dataset_page.status_code == 200
    return resource, _page(publisher, resource["id"])


def test_empty_file(publisher, tmp_path):
    resource, page = _failed_upload(publisher, tmp_path, "vide.csv", b"")
    assert "Le fichier n'a pas pu être chargé." in page
    assert "Le fichier est vide ou n'a pas de ligne d'en-tête." in page
    # refused before any job: no table was made of it
    status = loading.call(publisher["url"], "xloader_status", publisher["token"],
                          resource_id=resource["id"])["result"]
    assert status["job_id"] is None


def test_file_over_the_size_limit(publisher, tmp_path):
    row = "Roques;1520;Route départementale\n".encode("cp1252")
    content = b"commune;comptage;observation\n" + row * (MAX_TEST_FILE_BYTES // len(row) + 10)
    _resource, page = _failed_upload(publisher, tmp_path, "gros.csv", content)
    assert "dépasse la taille que le portail charge" in page


# Links to private addresses are refused when saved: test_link_addresses.py.


def test_ragged_rows(publisher, tmp_path, loading_services):
    content = ("commune;comptage;observation\r\nRoques;1520;Route\r\n"
               "Muret;830;Rue;en trop;encore\r\nLévignac;12;Chemin\r\n").encode("cp1252")
    _resource, page = _failed_upload(publisher, tmp_path, "decale.csv", content)
    assert "La ligne 3 n'a pas autant de cellules que l'en-tête (3)" in page
    assert loading_services[1].poll() is None  # the worker goes on


def test_a_binary_file_renamed_csv(publisher, tmp_path, loading_services):
    content = b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)) * 40
    _resource, page = _failed_upload(publisher, tmp_path, "tableau.csv", content)
    assert "n'est pas un tableau au format texte" in page
    assert loading_services[1].poll() is None


def test_two_thousand_columns(publisher, tmp_path, loading_services):
    header = ";".join(f"colonne {n}" for n in range(2000))
    row = ";".join(str(n) for n in range(2000))
    _resource, page = _failed_upload(publisher, tmp_path, "large.csv",
                                     f"{header}\r\n{row}\r\n".encode("utf-8"))
    assert "plus de 1 600 colonnes" in page
    assert loading_services[1].poll() is None


def test_a_spreadsheet_unpacking_past_the_size_limit(publisher, tmp_path, loading_services):
    # an outside attack's 1.26 MB workbook unpacked to 289 MB and held the shared worker
    # five minutes: the size limit applies to what the archive unpacks to
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["commune", "comptage", "observation"])
    for _ in range(40_000):
        sheet.append(["Roques", 1520, "Route départementale 820"])
    packed = io.BytesIO()
    workbook.save(packed)
    assert len(packed.getvalue()) < MAX_TEST_FILE_BYTES  # the upload itself is allowed
    _resource, page = _failed_upload(publisher, tmp_path, "bombe.xlsx", packed.getvalue(),
                                     fmt="XLSX")
    assert "Ce classeur se décompresse au-delà de la taille que le portail charge" in page
    assert loading_services[1].poll() is None  # the worker goes on
