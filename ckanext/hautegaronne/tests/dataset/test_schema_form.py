"""The dataset creation form (/dataset/new, stage 1) refuses bad input with a French
message next to the offending field, and saves nothing, not even a draft."""
from __future__ import annotations

import html
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ..dcat import factories

EU = "http://publications.europa.eu/resource/authority/"


def _editor_headers(org: dict) -> dict:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "editor"})
    return {"Authorization": ckan_factories.APIToken(user=user["name"])["token"]}


def _form(org: dict, **overrides) -> dict:
    """Stage 1 of the form, valid, with the input names the scheming form renders."""
    data = {
        "title": "Salles municipales", "name": "salles-municipales",
        "notes": "Les salles communales, leur capacité et leur accessibilité.",
        "tag_string": "salles,équipements", "owner_org": org["id"], "license_id": "lov2",
        "theme": [EU + "data-theme/GOVE", EU + "data-theme/EDUC"],
        "frequency": EU + "frequency/ANNUAL",
        "temporal_coverage-0-start": "2024-01-01", "temporal_coverage-0-end": "2024-12-31",
        "spatial_coverage-0-code": "31458",
        "contact-0-name": "Mairie de Roques", "contact-0-email": "mairie@roques.example.org",
        "conforms_to_schema-0-name": "etalab/schema-lieux-culturels",
        "conforms_to_schema-0-version": "0.1.0",
        "conforms_to_schema-0-url": "https://schema.data.gouv.fr/etalab/schema-lieux-culturels/",
        "language": EU + "language/FRA", "access_rights": EU + "access-right/PUBLIC",
        "save": "continue", "_ckan_phase": "dataset_new_1", "pkg_name": "",
    }
    data.update(overrides)
    return data


def _field_errors(page: str) -> dict:
    """{input name: [error messages]} for every form group shown in error."""
    errors = {}
    for group in page.split('<div class="form-group')[1:]:
        messages = [html.unescape(re.sub(r"\s+", " ", m)).strip()
                    for m in re.findall(r'<span class="error-block">(.*?)</span>', group, re.S)]
        if not messages:
            continue
        names = set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', group))
        for name in names:
            errors[name] = messages
    return errors


def _nothing_saved():
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")(factories.sysadmin_context(), {"id": "salles-municipales"})
    found = tk.get_action("package_search")(factories.sysadmin_context(), {
        "q": "*:*", "include_private": True, "include_drafts": True})
    assert found["count"] == 0


BAD_INPUTS = {
    "end-before-start": (
        {"temporal_coverage-0-start": "2024-06-01", "temporal_coverage-0-end": "2024-01-31"},
        "temporal_coverage-0-end", "La date de fin est antérieure à la date de début.",
        "2024-01-31"),
    "unknown-theme": (
        {"theme": [EU + "data-theme/GOVE", "CULTURE"]},
        "theme", "Code inconnu « CULTURE » : choisissez l'une des valeurs proposées.", None),
    "unknown-frequency": (
        {"frequency": "EVERY_FULL_MOON"},
        "frequency", "Code inconnu « EVERY_FULL_MOON » : choisissez l'une des valeurs proposées.",
        None),
    "invalid-email": (
        {"contact-0-email": "mairie-at-roques"},
        "contact-0-email", "Adresse électronique invalide : « mairie-at-roques »",
        "mairie-at-roques"),
    "invalid-schema-url": (
        {"conforms_to_schema-0-url": "schema.data.gouv.fr/etalab"},
        "conforms_to_schema-0-url", "Adresse web invalide : « schema.data.gouv.fr/etalab »",
        "schema.data.gouv.fr/etalab"),
    "spatial-outside-territory": (
        {"spatial_coverage-0-code": "75056"},
        "spatial_coverage-0-code",
        "« 75056 » n'est pas une entité du territoire de la Haute-Garonne", None),
}


@pytest.mark.usefixtures("clean_all")
@pytest.mark.parametrize("overrides, field, message, kept", BAD_INPUTS.values(),
                         ids=BAD_INPUTS.keys())
def test_form_refuses_bad_input_next_to_the_field_and_saves_nothing(
        app, overrides, field, message, kept):
    org = factories.publisher("roques")
    response = app.post("/dataset/new", headers=_editor_headers(org),
                        data=_form(org, **overrides), follow_redirects=False)
    assert response.status_code == 200  # the form again, not a redirect to stage 2
    page = response.get_data(as_text=True)
    errors = _field_errors(page)
    # Exactly the bad field is in error, with its French message...
    assert list(errors) == [field], errors
    assert message in errors[field][0]
    # ...also listed in the summary at the top of the form...
    [summary] = re.findall(r'<div class="error-explanation.*?</div>', page, re.S)
    assert message in html.unescape(re.sub(r"\s+", " ", summary))
    # ...and a typed value is kept in its input so that it can be corrected.
    if kept is not None:
        assert re.search(rf'name="{field}" value="{re.escape(kept)}"', page)
    _nothing_saved()


@pytest.mark.usefixtures("clean_all")
def test_form_creates_the_dataset_with_its_metadata(app):
    org = factories.publisher("roques")
    response = app.post("/dataset/new", headers=_editor_headers(org), data=_form(org),
                        follow_redirects=False)
    # Stage 1 saved: on to the resource stage.
    assert response.status_code == 302
    assert "/dataset/salles-municipales/resource/new" in response.headers["Location"]
    shown = tk.get_action("package_show")(factories.sysadmin_context(),
                                          {"id": "salles-municipales"})
    assert shown["state"] == "draft"
    assert shown["theme"] == [EU + "data-theme/GOVE", EU + "data-theme/EDUC"]
    assert shown["frequency"] == EU + "frequency/ANNUAL"
    assert shown["temporal_coverage"] == [{"start": "2024-01-01", "end": "2024-12-31"}]
    assert [(c["code"], c["text"]) for c in shown["spatial_coverage"]] == [("31458", "Roques")]
    assert shown["contact"] == [{"name": "Mairie de Roques",
                                 "email": "mairie@roques.example.org"}]
    assert shown["conforms_to_schema"][0]["url"] \
        == "https://schema.data.gouv.fr/etalab/schema-lieux-culturels/"
    assert shown["license_id"] == "lov2"
