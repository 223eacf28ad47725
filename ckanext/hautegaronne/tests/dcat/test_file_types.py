"""The closed format list: every type of the EU file-type table (built from its SKOS export
by scripts/build_file_types.py, byte for byte), each with a French label; an unusual upload
(.dwg, .gpkg, .parquet, .7z...) is given its EU type, an unknown extension is refused with a
French message asking to choose."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ckanext.hautegaronne.dcat import file_types

from . import factories, shacl

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
AT = rdflib.Namespace("http://publications.europa.eu/ontology/authority/")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


def test_the_table_is_the_build_of_the_eu_export_byte_for_byte():
    done = subprocess.run([sys.executable, "scripts/build_file_types.py", "--check"],
                          cwd=shacl.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_every_type_of_the_eu_export_is_listed_with_a_french_label():
    export = rdflib.Graph().parse(shacl.DCAT_AP_DIR / "vocabularies" / "filetypes-skos.rdf")
    in_use = {str(c) for c in export.subjects(RDF.type, SKOS.Concept)
              if (c, AT["authority-code"], None) in export
              and str(export.value(c, AT.deprecated)) != "true"}
    listed = {t.iri: t for t in file_types.file_types()}
    assert len(in_use) > 100 and in_use <= set(listed)
    assert all(t.label_fr for t in listed.values())
    # Each type is found again from the label a resource stores (no name shadows another).
    assert [t for t in listed.values() if file_types.find(t.label) != t] == []


@pytest.mark.parametrize("name,code", [
    ("plan.dwg", "DWG"), ("routes.gpkg", "GPKG"), ("comptages.parquet", "PARQUET"),
    ("archive.7z", "7Z"), ("export.tar.gz", "TAR_GZ"), ("dump.gz", "GZIP"),
    ("https://example.org/nuage.laz?v=2", "LAZ"), ("mesures.nc", "NETCDF")])
def test_the_type_of_a_file_comes_from_its_extension(name, code):
    assert file_types.from_address(name).code == code


def test_the_type_comes_from_the_media_type_when_the_name_says_nothing():
    assert file_types.from_media_type("application/geopackage+sqlite3; v=1").code == "GPKG"
    assert file_types.from_media_type("application/octet-stream") is None
    assert file_types.from_address("https://example.org/telechargement?id=3") is None


def _upload(app, token: str, dataset: dict, name: str, status: int = 200) -> dict:
    response = app.post("/api/3/action/resource_create", headers={"Authorization": token},
                        data={"package_id": dataset["id"], "name": name,
                              "upload": (io.BytesIO(b"\x00\x01donnees"), name)},
                        status=status)
    return response.json


@pytest.mark.usefixtures("clean_all")
def test_unusual_uploads_get_their_eu_format_and_an_unknown_one_a_french_question(app):
    org = factories.publisher("roques")
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "editor"})
    token = ckan_factories.APIToken(user=user["name"])["token"]
    dataset = factories.dataset(org)
    for name, label, code in (("plan-cadastral.dwg", "DWG", "DWG"),
                              ("troncons.gpkg", "GeoPackage", "GPKG"),
                              ("comptages-2025.parquet", "Parquet", "PARQUET")):
        created = _upload(app, token, dataset, name)["result"]
        assert (created["url_type"], created["format"]) == ("upload", label), name
        graph = rdflib.Graph().parse(
            data=app.get(f"/dataset/{dataset['name']}.ttl").get_data(as_text=True),
            format="turtle")
        [distribution] = [d for d in graph.subjects(RDF.type, DCAT.Distribution)
                          if str(d).endswith(created["id"])]
        assert graph.value(distribution, DCT["format"]) == rdflib.URIRef(FILE_TYPE + code)

    error = _upload(app, token, dataset, "mesures.xyz123", status=409)["error"]
    [message] = error["format"] if "format" in error else error["resources"][-1]["format"]
    assert message.startswith("Aucun format de la liste") and "« .xyz123 »" in message, message
    assert "choisissez" in message and "CSV" in message
    shown = tk.get_action("package_show")({}, {"id": dataset["id"]})
    assert "mesures.xyz123" not in [r["name"] for r in shown["resources"]]
