"""The dataset form offers the schema catalogue as the resource form does: a searchable
choice of the schemas, their version, or the address of another Table Schema; what an API
client sends is kept and refused by the same rules."""
from __future__ import annotations

import html
import re

import pytest

import ckan.plugins.toolkit as tk

from ..publishers import helpers as h
from ..publishers.test_ownership import _headers, world  # noqa: F401

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "fr")
COUNTS = "etalab/schema-comptage-mobilites"
UNKNOWN = ("Ce schéma n'est pas dans le catalogue de schema.data.gouv.fr : choisissez-en un "
           "dans la liste, ou indiquez l'adresse de son schéma de table.")


def _form(world, **fields) -> dict:  # noqa: F811
    return {"title": "Comptages vélo", "name": "", "notes": "Les compteurs vélo.",
            "owner_org": world["orgs"]["A"]["id"], "private": "False",
            "contact-0-name": "Mairie", "contact-0-email": "mairie@roques.example.org",
            "save": "", "_ckan_phase": "dataset_new_1", "pkg_name": "", **fields}


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_the_dataset_form_offers_the_catalogue(app, world, cached_catalogue):  # noqa: F811
    page = app.get("/dataset/new", headers=_headers(world, "editor_a")).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="conforms_to_schema-0-name"[^>]*>(.*?)</select>',
                       page, re.S)
    assert select, "no choice of schema on the dataset form"
    assert 'data-module="autocomplete"' in select.group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>\s*([^<]*?)\s*</option>', select.group(1))
    assert options == [("", ""),
                       (COUNTS, "Comptage des mobilités (etalab/schema-comptage-mobilites)"),
                       ("etalab/schema-irve-statique", "Infrastructures de recharge pour "
                        "véhicules électriques (IRVE) (etalab/schema-irve-statique)")]
    assert 'name="conforms_to_schema-0-version"' in page
    assert 'name="conforms_to_schema-0-url"' in page


def test_the_form_keeps_a_chosen_schema_and_version(app, world, cached_catalogue):  # noqa: F811
    editor = _headers(world, "editor_a")
    response = app.post("/dataset/new", headers=editor, follow_redirects=False, data=_form(
        world, **{"conforms_to_schema-0-name": COUNTS, "conforms_to_schema-0-version": "0.1.0"}))
    assert response.status_code == 302, _text(response)[-2000:]
    created = tk.get_action("package_show")({"ignore_auth": True}, {"id": "comptages-velo"})
    assert created["conforms_to_schema"] == [{"name": COUNTS, "version": "0.1.0"}]
    edit = app.get("/dataset/edit/comptages-velo", headers=editor).get_data(as_text=True)
    assert re.search(rf'<option value="{COUNTS}"\s+selected', edit)


def test_the_form_refuses_an_unknown_schema_or_version(app, world, cached_catalogue):  # noqa: F811
    editor = _headers(world, "editor_a")
    page = _text(app.post("/dataset/new", headers=editor, data=_form(world, **{
        "conforms_to_schema-0-name": COUNTS, "conforms_to_schema-0-version": "9.9"})))
    assert "Ce schéma n'a pas de version 9.9 ; ses versions : 0.2.0, 0.1.0." in page
    page = _text(app.post("/dataset/new", headers=editor, data=_form(world, **{
        "conforms_to_schema-0-name": "etalab/inconnu"})))
    assert UNKNOWN in page
    assert tk.get_action("package_search")({"ignore_auth": True}, {
        "q": "name:comptages-velo*", "include_private": True, "include_drafts": True})["count"] == 0


def test_an_api_client_is_held_to_the_same_rules(app, world, cached_catalogue):  # noqa: F811
    editor = _headers(world, "editor_a")
    base = {"owner_org": world["orgs"]["A"]["id"], "title": "Comptages", "license_id": "lov2",
            "notes": "Les compteurs."}
    refused = app.post("/api/action/package_create", headers=editor, expect_errors=True, json={
        **base, "name": "comptages-api", "conforms_to_schema": [{"name": "etalab/inconnu"}]})
    assert refused.status_code == 409
    assert refused.json["error"]["conforms_to_schema"] == [{"name": [UNKNOWN]}]
    refused = app.post("/api/action/package_create", headers=editor, expect_errors=True, json={
        **base, "name": "comptages-api", "conforms_to_schema": [{"name": COUNTS, "version": "3"}]})
    assert "Ce schéma n'a pas de version 3" in str(refused.json["error"]["conforms_to_schema"])
    # the catalogue's latest version by default; another Table Schema by its address
    kept = app.post("/api/action/package_create", headers=editor, expect_errors=True, json={
        **base, "name": "comptages-api", "conforms_to_schema": [
            {"name": COUNTS}, {"name": "Schéma local", "url": "https://example.org/schema.json"}]})
    assert kept.status_code == 200, kept.json
    assert kept.json["result"]["conforms_to_schema"] == [
        {"name": COUNTS}, {"name": "Schéma local", "url": "https://example.org/schema.json"}]
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": "comptages-api"})
    from ckanext.hautegaronne.conformity import reports
    assert reports.declared_schema({}, dataset)["version"] == "0.2.0"


def test_a_schema_the_catalogue_lacks_stays_chosen_in_the_form(app, world,  # noqa: F811
                                                               cached_catalogue):
    dataset = h.dataset(world["orgs"]["A"], conforms_to_schema=[
        {"name": "scdl/prenoms", "url": "https://example.org/prenoms/schema.json"}])
    edit = app.get(f"/dataset/edit/{dataset['name']}",
                   headers=_headers(world, "editor_a")).get_data(as_text=True)
    assert re.search(r'<option value="scdl/prenoms"\s+selected', edit)
    assert re.search(rf'<option value="{COUNTS}"', edit)
