"""The dataset schema: French messages per field, nothing saved on error, derived fields."""
from __future__ import annotations

import json
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ..dcat import factories

THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def _api_create(app, token: str, data: dict):
    return app.post("/api/3/action/package_create", json=data,
                    headers={"Authorization": token}, status=409)


@pytest.mark.usefixtures("clean_all")
class TestDatasetSchema:
    def test_valid_dataset_keeps_its_metadata(self):
        org = factories.publisher("roques")
        created = factories.dataset(org, theme=["TRAN", THEME + "ENVI"], identifier="  abc@roques.fr ")
        shown = tk.get_action("package_show")({}, {"id": created["id"]})
        assert shown["theme"] == [THEME + "TRAN", THEME + "ENVI"]
        assert shown["identifier"] == "abc@roques.fr"
        assert shown["license_id"] == "lov2"
        assert shown["license_url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
        assert shown["temporal_coverage"] == [{"start": "2024-01-01", "end": "2024-12-31"}]
        assert shown["language"].endswith("/language/FRA")
        assert shown["access_rights"].endswith("/access-right/PUBLIC")

    def test_resource_size_left_empty_is_no_size(self):
        # The resource form always posts the size field, empty when not typed.
        org = factories.publisher("roques")
        dataset = factories.dataset(org)
        sysadmin = ckan_factories.Sysadmin()
        for posted, stored in (("", None), ("  ", None), ("1234", 1234)):
            resource = tk.get_action("resource_create")(
                {"user": sysadmin["name"], "ignore_auth": True},
                {"package_id": dataset["id"], "url": "https://data.example.org/a.csv",
                 "name": "A", "size": posted})
            assert tk.get_action("resource_show")({}, {"id": resource["id"]}).get("size") == stored

    def test_spatial_coverage_defaults_to_the_publishers_territory(self):
        commune = factories.publisher("roques")
        epci = factories.publisher("sicoval")
        departement = factories.publisher("departement")
        for org, code, uri, name in (
                (commune, "31458", "http://id.insee.fr/geo/commune/31458", "Roques"),
                (epci, "243100633", "http://id.insee.fr/geo/intercommunalite/243100633",
                 "CA du Sicoval"),
                (departement, "31", "http://id.insee.fr/geo/departement/31", "Haute-Garonne")):
            shown = factories.dataset(org)
            [coverage] = shown["spatial_coverage"]
            assert (coverage["code"], coverage["uri"], coverage["text"]) == (code, uri, name)
            assert coverage["bbox"]["type"] == "Polygon"
            assert coverage["centroid"]["type"] == "Point"

    def test_spatial_coverage_chosen_by_code_or_iri_is_completed(self):
        org = factories.publisher("departement")
        shown = factories.dataset(org, spatial_coverage=[
            {"code": "31555"}, {"uri": "http://id.insee.fr/geo/intercommunalite/200068641"}])
        assert [(c["code"], c["text"]) for c in shown["spatial_coverage"]] == [
            ("31555", "Toulouse"), ("200068641", "CA Le Muretain Agglo")]

    def test_spatial_search_finds_the_dataset_by_its_territory(self):
        org = factories.publisher("roques")
        created = factories.dataset(org)
        inside = tk.get_action("package_search")({}, {"extras": {"ext_bbox": "1.37,43.49,1.40,43.52"}})
        assert created["id"] in [d["id"] for d in inside["results"]]
        away = tk.get_action("package_search")({}, {"extras": {"ext_bbox": "0.60,42.70,0.70,42.80"}})
        assert created["id"] not in [d["id"] for d in away["results"]]

    def test_bad_input_is_refused_field_by_field_in_french_and_nothing_is_saved(self, app):
        org = factories.publisher("roques")
        user = ckan_factories.User()
        tk.get_action("organization_member_create")(factories.sysadmin_context(), {
            "id": org["id"], "username": user["name"], "role": "editor"})
        token = ckan_factories.APIToken(user=user["name"])["token"]
        data = factories.dataset_fields(
            org, name="refuse",
            theme=["TRAN", "CULTURE"],
            frequency="EVERY_FULL_MOON",
            temporal_coverage=[{"start": "2024-06-01", "end": "2024-01-31"}],
            spatial_coverage=[{"code": "75056"}],
            contact=[{"name": "Mairie", "email": "mairie-at-roques"}],
            conforms_to_schema=[{"name": "x", "url": "schema.data.gouv.fr/x"}],
            license_id="cc-by-nc",
        )
        response = _api_create(app, token, data)
        errors = response.json["error"]
        assert errors["__type"] == "Validation Error"
        assert "CULTURE" in errors["theme"][0] and "Code inconnu" in errors["theme"][0]
        assert "EVERY_FULL_MOON" in errors["frequency"][0]
        assert errors["temporal_coverage"][0]["end"] == [
            "La date de fin est antérieure à la date de début."]
        assert "n'est pas une entité du territoire" in errors["spatial_coverage"][0]["code"][0]
        assert "Adresse électronique invalide" in errors["contact"][0]["email"][0]
        assert "Adresse web invalide" in errors["conforms_to_schema"][0]["url"][0]
        assert "Licence inconnue" in errors["license_id"][0]
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("package_show")({}, {"id": "refuse"})

    def test_the_licence_list_is_the_portals(self):
        licences = tk.get_action("license_list")({}, {})
        assert [(l["id"], l["url"]) for l in licences] == [
            ("lov2", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
            ("odc-odbl", "http://opendatacommons.org/licenses/odbl/")]
        assert [l["spdx_id"] for l in licences] == ["etalab-2.0", "ODbL-1.0"]

    def test_dataset_without_licence_gets_the_licence_ouverte(self):
        org = factories.publisher("roques")
        fields = factories.dataset_fields(org)
        del fields["license_id"]
        created = tk.get_action("package_create")(factories.sysadmin_context(), fields)
        assert created["license_id"] == "lov2"


@pytest.mark.usefixtures("clean_all")
def test_dataset_form_offers_the_territory_and_the_licences(app):
    org = factories.publisher("roques")
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "editor"})
    token = ckan_factories.APIToken(user=user["name"])["token"]
    page = app.get("/dataset/new", headers={"Authorization": token}, status=200).get_data(as_text=True)
    assert 'value="31458"' in page and "Roques (31458)" in page
    assert 'value="243100633"' in page
    assert "Licence Ouverte / Open Licence version 2.0" in page
    assert "Open Data Commons Open Database License (ODbL)" in page


@pytest.mark.usefixtures("clean_all")
def test_dataset_page_names_the_territory_instead_of_its_geometries(app):
    org = factories.publisher("departement")
    created = factories.dataset(org, spatial_coverage=[
        {"code": "31458"}, {"uri": "http://id.insee.fr/geo/intercommunalite/243100633"}])
    page = app.get(f"/dataset/{created['name']}", status=200).get_data(as_text=True)
    [row] = re.findall(r'<tr>\s*<th scope="row" class="dataset-label">Couverture géographique'
                       r'</th>(.*?)</tr>', page, flags=re.S)
    items = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", row, re.S)]
    assert items == ["Roques (31458)", "CA du Sicoval (SIREN 243100633)"]
    # Neither the bbox, the centroid nor the INSEE IRI as raw values.
    for raw in ("coordinates", "Polygon", "Point", "id.insee.fr", "{"):
        assert raw not in row


UNIQUE = "Cet identifiant est déjà utilisé par un autre jeu de données du portail"


def _editor_token(org: dict) -> str:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "editor"})
    return ckan_factories.APIToken(user=user["name"])["token"]


@pytest.mark.usefixtures("clean_all")
class TestIdentifierIsUnique:
    """data.gouv.fr treats two datasets of one feed with the same dct:identifier as an error:
    the portal refuses a second dataset with an identifier already in use."""

    def test_api_refuses_an_identifier_in_use_and_saves_nothing(self, app):
        org = factories.publisher("roques")
        first = factories.dataset(org, identifier="equipements@roques.fr")
        other = factories.dataset(org, identifier="salles@roques.fr")
        token = _editor_token(org)

        # Create: refused (also with spaces around), nothing saved.
        for identifier in ("equipements@roques.fr", " equipements@roques.fr "):
            data = factories.dataset_fields(org, name="doublon", identifier=identifier)
            errors = _api_create(app, token, data).json["error"]
            assert errors["identifier"] == [
                UNIQUE + " : chaque jeu de données a le sien (data.gouv.fr refuse les doublons)."]
            assert set(errors) == {"__type", "identifier"}
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("package_show")({}, {"id": "doublon"})

        # Another dataset's permanent id (its identifier in the feed when it has none).
        data = factories.dataset_fields(org, name="doublon", identifier=first["id"])
        assert UNIQUE in _api_create(app, token, data).json["error"]["identifier"][0]

        # Update to an identifier in use: refused, the dataset unchanged.
        response = app.post("/api/3/action/package_patch", headers={"Authorization": token},
                            json={"id": other["id"], "identifier": "equipements@roques.fr",
                                  "title": "Renommé"}, status=409)
        assert UNIQUE in response.json["error"]["identifier"][0]
        shown = tk.get_action("package_show")({}, {"id": other["id"]})
        assert (shown["identifier"], shown["title"]) == ("salles@roques.fr", other["title"])

        # A dataset keeps its own identifier when it is updated.
        app.post("/api/3/action/package_patch", headers={"Authorization": token},
                 json={"id": first["id"], "title": "Équipements (mis à jour)"}, status=200)
        assert tk.get_action("package_show")({}, {"id": first["id"]})["identifier"] \
            == "equipements@roques.fr"

    def test_identifier_of_a_private_dataset_counts_a_deleted_one_does_not(self):
        org = factories.publisher("sicoval")
        factories.dataset(org, identifier="prive@sicoval.fr", private=True)
        deleted = factories.dataset(org, identifier="ancien@sicoval.fr")
        tk.get_action("package_delete")(factories.sysadmin_context(), {"id": deleted["id"]})
        with pytest.raises(tk.ValidationError) as refused:
            factories.dataset(org, identifier="prive@sicoval.fr")
        assert list(refused.value.error_dict) == ["identifier"]
        assert factories.dataset(org, identifier="ancien@sicoval.fr")["identifier"] \
            == "ancien@sicoval.fr"

    def test_form_shows_the_french_message_and_saves_nothing(self, app):
        org = factories.publisher("roques")
        existing = factories.dataset(org, identifier="equipements@roques.fr")
        headers = {"Authorization": _editor_token(org)}
        page = app.post("/dataset/new", headers=headers, data={
            "title": "Doublon", "name": "doublon", "notes": "Un doublon.",
            "owner_org": org["id"], "license_id": "lov2",
            "identifier": "equipements@roques.fr", "save": "continue",
        }, follow_redirects=False).get_data(as_text=True)
        assert UNIQUE in page.replace("&#39;", "'")
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("package_show")({}, {"id": "doublon"})

        other = factories.dataset(org, identifier="salles@roques.fr")
        page = app.post(f"/dataset/edit/{other['name']}", headers=headers, data={
            "title": other["title"], "name": other["name"], "notes": other["notes"],
            "owner_org": org["id"], "license_id": "lov2",
            "identifier": existing["identifier"], "save": "",
        }, follow_redirects=False).get_data(as_text=True)
        assert UNIQUE in page
        assert tk.get_action("package_show")({}, {"id": other["id"]})["identifier"] \
            == "salles@roques.fr"
