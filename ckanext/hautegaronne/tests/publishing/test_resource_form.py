"""The resource form asks nothing the portal derives (issue 13): no "Type de média" (derived
from the format) nor "Taille (octets)"; an API client's media type is kept."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data

pytestmark = pytest.mark.usefixtures("clean_all")


@pytest.fixture
def roques(app):
    org = data.commune("31458")
    editor = data.editor_of(org)
    dataset = data.published_dataset(org)
    return {"org": org, "editor": editor, "dataset": dataset,
            "headers": {"Authorization": factories.APIToken(user=editor["name"])["token"]}}


def _resources(name: str) -> list[dict]:
    model.Session.expire_all()
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["resources"]


def test_the_resource_forms_do_not_ask_the_media_type(app, roques):
    name, resource = roques["dataset"]["name"], roques["dataset"]["resources"][0]
    for url in (f"/dataset/{name}/resource/new", f"/dataset/{name}/resource/{resource['id']}/edit"):
        html = app.get(url, headers=roques["headers"], status=200).get_data(as_text=True)
        assert 'name="mimetype"' not in html and "Type de média" not in html, url
        assert 'name="size"' not in html and "Taille (octets)" not in html, url
        assert 'name="format"' in html


def test_the_media_type_is_derived_from_the_format(app, roques):
    name = roques["dataset"]["name"]
    app.post(f"/dataset/{name}/resource/new", headers=roques["headers"], data={
        "url": "https://data.example.org/equipements.ods", "name": "Équipements",
        "format": "ODS", "id": "", "save": "go-metadata"}, follow_redirects=False)
    added = [r for r in _resources(name) if r["name"] == "Équipements"]
    assert added and added[0]["mimetype"] == "application/vnd.oasis.opendocument.spreadsheet"


def test_an_api_clients_media_type_is_kept(app, roques):
    name = roques["dataset"]["name"]
    created = tk.get_action("resource_create")(
        {"user": roques["editor"]["name"]},
        {"package_id": name, "url": "https://data.example.org/tableau.csv", "name": "Tableau",
         "format": "CSV", "mimetype": "text/x-csv"})
    assert created["mimetype"] == "text/x-csv"
    assert [r["mimetype"] for r in _resources(name) if r["name"] == "Tableau"] == ["text/x-csv"]
