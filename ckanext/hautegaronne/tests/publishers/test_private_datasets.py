"""Whoever may not read a private dataset gets the answer of an unknown name, from the API
as from the dataset page: 404 "Jeu de données introuvable", the same body."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ..dcat import factories


def _token_of_a_member_of(org: dict) -> dict:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "member"})
    return {"Authorization": ckan_factories.APIToken(user=user["name"])["token"]}


@pytest.fixture
def private_dataset():
    roques = factories.publisher("roques")
    dataset = tk.get_action("package_create")(
        factories.sysadmin_context(), factories.dataset_fields(roques, private=True))
    return roques, dataset


@pytest.mark.usefixtures("clean_all")
def test_a_private_dataset_answers_as_an_unknown_name(app, private_dataset):
    roques, dataset = private_dataset
    unknown = app.get("/api/3/action/package_show", query_string={"id": "no-such-dataset"},
                      status=404).json
    assert unknown["error"] == {"__type": "Not Found Error",
                                "message": "Not found: Jeu de données introuvable"}
    stranger = _token_of_a_member_of(factories.publisher("sicoval"))
    for headers in (None, stranger):  # anonymous, then a member of another publisher
        for key in (dataset["name"], dataset["id"]):
            answer = app.get("/api/3/action/package_show", query_string={"id": key},
                             headers=headers, status=404).json
            assert answer == unknown
        page = app.get(f"/dataset/{dataset['name']}", headers=headers, status=404)
        assert "Jeu de données introuvable" in page.get_data(as_text=True)
    # its publisher's members read it; CKAN's permission check itself is unchanged
    shown = app.get("/api/3/action/package_show", query_string={"id": dataset["name"]},
                    headers=_token_of_a_member_of(roques), status=200).json["result"]
    assert shown["private"] is True
    with pytest.raises(tk.NotAuthorized):
        tk.check_access("package_show", {"user": ""}, {"id": dataset["id"]})


@pytest.mark.usefixtures("clean_all")
@pytest.mark.ckan_config("ckan.auth.reveal_private_datasets", "true")
def test_a_portal_that_reveals_private_datasets_keeps_cores_403(app, private_dataset):
    _, dataset = private_dataset
    app.get("/api/3/action/package_show", query_string={"id": dataset["name"]}, status=403)
