"""What the DCAT feeds answer to requests they cannot serve.

- A malformed query of the portal's catalog (``/catalog.<format>``) or of a publisher's
  (``/catalogue/<organisation>.<format>``): local parameters (``{!lucene}``), a query Solr
  cannot parse, a page or a date that is none, is a 400 with a French message (it was a
  500), through the action API too; valid queries still filter.
- A private dataset's RDF (``/dataset/<name>.ttl``, ``.rdf``, ``.jsonld``, ``.xml``) and page
  answer to someone who may not read it exactly as an unknown name does (404, same body):
  not a 403 that tells that the dataset exists.
"""
from __future__ import annotations

import re

import pytest

from ckanext.hautegaronne.tests.browser import data

FRENCH_QUERY_ERROR = "La requête de recherche (q, fq) de ce catalogue est invalide"
MALFORMED = [
    "{!lucene}*:*",
    ") OR (*:*",
    "{!func}sum(1,1)",
    "*:* {!lucene}title:x",
    "title:(trafic",
    'title:"trafic',
    "_val_:1",
]
FORMATS = ["ttl", "jsonld", "rdf", "xml"]


@pytest.fixture
def content(clean_all):
    org = data.commune("31458")  # Roques
    public = data.published_dataset(org)
    private = data.published_dataset(org, name="budget-interne", title="Budget interne",
                                     private=True)
    return {"org": org, "public": public, "private": private}


def _feeds(org) -> list[str]:
    return [f"/catalog.{fmt}" for fmt in FORMATS] + \
           [f"/catalogue/{org['name']}.{fmt}" for fmt in FORMATS]


@pytest.mark.parametrize("param", ["fq", "q"])
@pytest.mark.parametrize("value", MALFORMED)
def test_a_malformed_query_is_a_400_in_french(app, content, param, value):
    for url in _feeds(content["org"]):
        response = app.get(url, query_string={param: value})
        text = response.get_data(as_text=True)
        assert response.status_code == 400, (url, param, value, response.status_code, text)
        assert FRENCH_QUERY_ERROR in text, (url, text)


@pytest.mark.parametrize("params,message", [
    ({"page": "abc"}, "Le numéro de page doit être un entier"),
    ({"page": "0"}, "Le numéro de page doit être un entier"),
    ({"page": "-3"}, "Le numéro de page doit être un entier"),
    ({"modified_since": "hier"}, "Utilisez une date au format ISO 8601"),
    ({"modified_since": "2026-13-45"}, "Utilisez une date au format ISO 8601"),
])
def test_other_malformed_parameters_are_400_in_french(app, content, params, message):
    for url in _feeds(content["org"]):
        response = app.get(url, query_string=params)
        assert response.status_code == 400, (url, params, response.status_code)
        assert message in response.get_data(as_text=True), url


def test_the_action_api_answers_a_malformed_query_with_a_400(app, content):
    for action, extra in (("dcat_catalog_show", {}),
                          ("hautegaronne_publisher_catalog_show", {"id": content["org"]["name"]})):
        response = app.get(f"/api/3/action/{action}",
                           query_string={"fq": "{!lucene}*:*", "format": "ttl", **extra})
        assert response.status_code == 400, (action, response.json)
        assert FRENCH_QUERY_ERROR in str(response.json["error"]), response.json


def test_valid_queries_still_filter(app, content):
    org = content["org"]
    for url in _feeds(org):
        found = app.get(url, query_string={"fq": "tags:trafic", "q": "comptages"})
        assert found.status_code == 200 and "comptages-routiers" in found.get_data(as_text=True)
        empty = app.get(url, query_string={"fq": "tags:inexistant"})
        assert empty.status_code == 200
        assert "comptages-routiers" not in empty.get_data(as_text=True)
        dated = app.get(url, query_string={"modified_since": "2020-01-01", "page": "1"})
        assert dated.status_code == 200 and "comptages-routiers" in dated.get_data(as_text=True)


@pytest.mark.parametrize("suffix", [".ttl", ".rdf", ".jsonld", ".xml", ""])
def test_a_private_dataset_answers_as_an_unknown_name(app, content, suffix):
    org = content["org"]
    outsider = data.user()
    member_of_another = data.editor_of(data.commune("31149"))  # Colomiers
    for user in (None, outsider, member_of_another):
        headers = {"Authorization": _token(user)} if user else {}
        private = app.get(f"/dataset/budget-interne{suffix}", headers=headers)
        unknown = app.get(f"/dataset/budget-inexistant{suffix}", headers=headers)
        assert private.status_code == unknown.status_code == 404, (suffix, user and user["name"])
        assert _body(private, "budget-interne") == _body(unknown, "budget-inexistant")
    # its publisher still reads it
    editor = data.editor_of(org)
    shown = app.get(f"/dataset/budget-interne{suffix}",
                    headers={"Authorization": _token(editor)})
    assert shown.status_code == 200 and "Budget interne" in shown.get_data(as_text=True)


def _token(user: dict) -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("api_token_create")(
        {"user": user["name"], "ignore_auth": True},
        {"user": user["name"], "name": "jeton"})["token"]


def _body(response, name: str) -> str:
    """The answer without the name asked for (a page may echo its URL) nor the CSRF token
    of an error page (signed with the time)."""
    text = response.get_data(as_text=True).replace(name, "<name>")
    return re.sub(r'(name="_csrf_token"\s+(?:content|value)=")[^"]*', r"\1", text)
