"""Whatever a publisher types, the feeds stay valid: resource formats come from the EU
file-type list (detected from the file or link when left empty, French message otherwise),
malformed addresses are refused, the media type is derived; a catalog built from generated
hostile values validates against DCAT-AP 3.0.1 (0 violations, whatever was accepted)."""
from __future__ import annotations

import rdflib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ckanext.hautegaronne.dcat import file_types

from ..security.test_hostile_input import PAYLOADS, hostile_values
from . import factories, shacl, test_shacl

EU_VOCABULARY = shacl.DCAT_AP_DIR / "vocabularies" / "filetypes-skos.rdf"
# Codes of the EU table newer than the 2016 export copied for the tests.
NEWER_CODES = {"GEOJSON", "GPKG", "PARQUET", "DWG", "DXF", "7Z", "SVG"}


def test_every_format_of_the_list_is_an_eu_file_type():
    graph = rdflib.Graph().parse(EU_VOCABULARY)
    known = {str(s) for s in graph.subjects()}
    missing = {t.code for t in file_types.file_types() if t.iri not in known}
    assert missing == NEWER_CODES


def _editor_token(org: dict) -> str:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "editor"})
    return ckan_factories.APIToken(user=user["name"])["token"]


def _create(app, token: str, data: dict, status: int):
    return app.post("/api/3/action/package_create", json=data,
                    headers={"Authorization": token}, status=status).json


@pytest.mark.usefixtures("clean_all")
def test_formats_are_read_as_eu_file_types_and_unknown_ones_refused_in_french(app):
    org = factories.publisher("roques")
    token = _editor_token(org)
    for typed, url, stored, media_type in (
            ("csv;", "https://example.org/a", "CSV", "text/csv"),
            (" .CSV ", "https://example.org/a", "CSV", "text/csv"),
            ("Excel", "https://example.org/a", "XLSX",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("", "https://example.org/points.geojson?v=2", "GeoJSON", "application/geo+json"),
            ("application/vnd.oasis.opendocument.spreadsheet", "https://example.org/a", "ODS",
             "application/vnd.oasis.opendocument.spreadsheet")):
        resource = {"name": "R", "url": url, "format": typed}
        created = _create(app, token, factories.dataset_fields(org, resources=[resource]), 200)
        [shown] = created["result"]["resources"]
        assert (shown["format"], shown["mimetype"]) == (stored, media_type), typed

    for typed in ("<b>CSV</b>", "tableur", "PowerPoint 97"):
        data = factories.dataset_fields(org, name="refuse", resources=[
            {"name": "R", "url": "https://example.org/a.csv", "format": typed}])
        error = _create(app, token, data, 409)["error"]
        [message] = error["resources"][0]["format"]
        assert message.startswith("Format inconnu") and "CSV" in message, message
    data = factories.dataset_fields(org, name="refuse", resources=[
        {"name": "R", "url": "http://javascript%3Aalert(1)", "format": "CSV"}])
    error = _create(app, token, data, 409)["error"]
    assert error["resources"][0]["url"][0].startswith("Lien invalide"), error
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({}, {"id": "refuse"})


# The resource and dataset fields a publisher types that end up in the feed.
SWEPT = ("format", "url", "mimetype", "name", "description", "title", "notes", "tag_string",
         "identifier", "schema_url", "contact_email")
CARELESS = ["<b>CSV</b>", "Excel", "tableur", "csv;", "http://javascript%3Aalert(1)",
            "https://exa mple.org/a.csv", "text/csv; charset=utf-8", "GeoJSON "]


def _fields(org: dict, field: str, value) -> dict:
    resource = {"name": "Données", "url": "https://example.org/donnees.csv", "format": "CSV"}
    data = factories.dataset_fields(org)
    if field in ("format", "url", "mimetype", "name", "description"):
        data["resources"] = [dict(resource, **{field: value})]
    elif field == "schema_url":
        data["conforms_to_schema"] = [{"name": "schéma", "url": value}]
    elif field == "contact_email":
        data["contact"] = [{"name": "Contact", "email": value}]
    else:
        data[field] = value
    return data


@pytest.mark.usefixtures("clean_all")
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "500")
def test_a_catalog_of_generated_hostile_values_validates_against_dcat_ap_3(app):
    org = factories.publisher("roques")
    outcomes = {"accepted": 0, "refused": 0}

    def attempt(field: str, value) -> None:
        try:
            tk.get_action("package_create")(factories.sysadmin_context(),
                                            _fields(org, field, value))
            outcomes["accepted"] += 1
        except tk.ValidationError:
            outcomes["refused"] += 1

    for field in SWEPT:
        for value in CARELESS + PAYLOADS[:6]:
            attempt(field, value)

    @settings(max_examples=3, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(field=st.sampled_from(SWEPT), value=hostile_values)
    def generated(field, value):
        attempt(field, value)

    generated()
    assert outcomes["accepted"] > 0 and outcomes["refused"] > 0, outcomes
    [page] = test_shacl.catalog_pages(app)
    found = shacl.violations(page)
    assert found == [], shacl.summary(found)


@pytest.mark.usefixtures("clean_all")
def test_checksums_and_landing_pages_stay_valid(app):
    """Outside reviews: every file loaded into the DataStore carries an MD5 in ``hash``,
    published as a checksum DCAT-AP refused (no algorithm), then one data.gouv.fr's
    harvester refused (its typed value): none is published; a dataset's
    ``url`` (its dcat:landingPage) took ``javascript:alert(1)``."""
    org = factories.publisher("roques")
    token = _editor_token(org)
    md5 = "9e107d9d372bb6826bd81d3542a419d6"
    for name, digest in (("avec-md5", md5), ("autre-empreinte", "not-a-known-digest")):
        tk.get_action("package_create")(factories.sysadmin_context(), factories.dataset_fields(
            org, name=name, resources=[{"name": "Données", "url": "https://example.org/d.csv",
                                        "format": "CSV", "hash": digest}]))
    error = _create(app, token, factories.dataset_fields(org, name="page-hostile",
                                                         url="javascript:alert(1)"), 409)["error"]
    assert error["url"][0].startswith("Adresse web invalide"), error
    [page] = test_shacl.catalog_pages(app)
    found = shacl.violations(page)
    assert found == [], shacl.summary(found)
    # no checksum at all: its DCAT-AP type (xsd:hexBinary) makes data.gouv.fr's DCAT
    # harvester refuse the dataset (tests/hvd/test_national.py harvests a hashed file)
    assert not set(page.objects(None, rdflib.URIRef("http://spdx.org/rdf/terms#checksum")))
