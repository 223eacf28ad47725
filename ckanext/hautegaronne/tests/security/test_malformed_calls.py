"""Malformed calls: every action of the portal's API (CKAN core's, the extensions' and the
portal's own, read from CKAN's action registry at run time so that an action added later is
swept too) called by an authenticated publisher (the admin of a commune, with an API token)
with its parameters missing, then wrong-typed (lists, objects, numbers where text is
expected, text where numbers are), then with identifiers of nothing.

What a client relies on: never a server error; a refusal is a 4xx JSON answer with
``success: false`` and an error that says what is wrong. The portal's answers to CKAN
core's remaining ones are in logic/malformed_calls.py (chained actions that check the
parameters before core reads them).
"""
from __future__ import annotations

import ckan.logic
import ckan.plugins.toolkit as tk
import pytest
from ckan import model

from ckanext.hautegaronne.logic import malformed_calls

from ..publishers import helpers as h

# Values of every type but the expected one, under the names actions read.
WRONG_TYPES = [
    {name: value for name in ("id", "name", "resource_id", "package_id", "user_id", "username",
                              "user", "group_id", "object", "subject", "key", "q", "fq", "sql",
                              "filters", "fields", "records", "sort", "limit", "offset",
                              "rows", "start", "order", "role", "capacity", "url", "email",
                              "type", "resources", "extras", "tags", "groups", "users",
                              "owner_org", "entity_id", "task_type", "object_type", "data",
                              "aliases", "primary_key", "method", "resource", "package",
                              "dataset", "view_type", "config", "vocabulary_id", "term")}
    for value in ([1, {"a": ["b"]}], {"a": {"b": 1}}, 2 ** 70, "pas-un-nombre", True, None)
]
UNKNOWN = "00000000-0000-0000-0000-000000000000"
IDENTIFIERS_OF_NOTHING = {name: UNKNOWN for name in WRONG_TYPES[0]}


def _registry() -> list[str]:
    tk.get_action("package_show")  # builds CKAN's action registry, plugins included
    return sorted(ckan.logic._actions)  # noqa: SLF001


@pytest.fixture
def publisher(clean_all):
    org = h.onboard("31458")
    admin = h.member(org, "admin")
    h.dataset(org)  # the publisher has data
    return {"Authorization": h.token(admin)}


def _sweep(app, headers: dict, payloads: list[dict]) -> list[str]:
    failures = []
    for action in _registry():
        if action in malformed_calls.NOT_SWEPT:
            continue
        for payload in payloads:
            try:
                response = app.post(f"/api/3/action/{action}", json=payload, headers=headers)
            except Exception as error:  # noqa: BLE001 (the test client raises what a 500 hides)
                failures.append(f"{action} {sorted(payload)[:3]}...: {type(error).__name__}: "
                                f"{str(error)[:300]}")
                continue
            finally:
                model.Session.remove()
            status = response.status_code
            if status >= 500:
                failures.append(f"{action} {sorted(payload)[:3]}...: {status} "
                                f"{response.get_data(as_text=True)[:300]}")
                continue
            if status >= 400:
                body = response.get_json(silent=True) or {}
                if body.get("success") is not False or not body.get("error"):
                    failures.append(f"{action}: {status} without an error message: "
                                    f"{response.get_data(as_text=True)[:300]}")
    return failures


def test_no_action_answers_a_call_without_parameters_with_a_server_error(app, publisher):
    failures = _sweep(app, publisher, [{}])
    assert not failures, "\n".join(failures)


def test_no_action_answers_wrong_typed_parameters_with_a_server_error(app, publisher):
    failures = _sweep(app, publisher, WRONG_TYPES)
    assert not failures, "\n".join(failures)


def test_no_action_answers_identifiers_of_nothing_with_a_server_error(app, publisher):
    failures = _sweep(app, publisher, [IDENTIFIERS_OF_NOTHING])
    assert not failures, "\n".join(failures)


def test_the_example_of_the_issue_gets_a_french_message(app, publisher):
    response = app.post("/api/3/action/organization_member_delete", json={"username": "x"},
                        headers=publisher)
    assert response.status_code == 409
    assert response.get_json()["error"]["id"] == ["Valeur manquante"]


def test_the_checked_read_actions_still_answer_get_requests(app, publisher):
    """The chained checks keep CKAN's GET actions readable by GET (CKAN refuses GET for
    an action that is not marked side-effect free)."""
    for url in ("/api/3/action/organization_autocomplete?q=roq",
                "/api/3/action/group_autocomplete?q=roq",
                "/api/3/action/datastore_search_sql?sql=SELECT%201",
                "/api/3/action/datastore_search?resource_id=inconnue"):
        response = app.get(url, headers=publisher)
        assert "POST" not in response.get_data(as_text=True), url
        assert response.status_code in (200, 404, 409), (url, response.status_code)
    found = app.get("/api/3/action/organization_autocomplete?q=roq", headers=publisher)
    assert [o["name"] for o in found.get_json()["result"]] == ["roques-31458"]


def _table(org_name: str = "31555") -> str:
    org = h.onboard(org_name)
    resource_id = h.dataset(org)["resources"][0]["id"]
    tk.get_action("datastore_create")(h.site_context(), {
        "resource_id": resource_id, "force": True,
        "fields": [{"id": "nom", "type": "text"}], "records": [{"nom": "Muret"}]})
    return resource_id


def test_what_an_outside_attack_sent_anonymously_gets_a_4xx_not_a_500(app, publisher):
    # found by an outside attack on the running portal: each answered 500
    resource_id = _table()
    search = app.get(f"/api/3/action/datastore_search?resource_id={resource_id}&filters=%5B%5D")
    assert search.status_code == 409, search.get_data(as_text=True)
    assert "Les filtres sont un objet" in search.get_json()["error"]["filters"][0]
    for query in ("format=foo", "limit=-1", "offset=-5", "filters=%5B%5D"):
        for path in (f"/datastore/dump/{resource_id}", f"/datastore/dump/{resource_id}/geojson"):
            if path.endswith("geojson") and query.startswith("format"):
                continue
            answer = app.get(f"{path}?{query}")
            assert answer.status_code == 400, (path, query, answer.status_code)
    for path in ("/dataset/%00", "/organization/%00", "/catalogue/%00",
                 "/api/3/action/package_show?id=%00"):
        assert app.get(path).status_code == 400, path
    # what is well formed still answers
    assert app.get(f"/datastore/dump/{resource_id}?format=json&limit=1").status_code == 200
    found = app.get(f'/api/3/action/datastore_search?resource_id={resource_id}'
                    f'&filters=%7B%22nom%22%3A%22Muret%22%7D').get_json()
    assert found["result"]["total"] == 1
