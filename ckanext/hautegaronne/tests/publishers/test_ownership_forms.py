"""Ownership that holds, through the web forms: the permission matrix of test_ownership.py,
walked by SUBMITTING the real forms (POST) as each role, every cell asserted in the database.

Same roles, targets and expected outcomes as the API matrix (``world``, ``expected`` are
reused). A refused submission answers 403 and changes nothing; an allowed one takes effect
and redirects.
"""
from __future__ import annotations

import pytest

from ckan import model
from ckan.tests import factories, helpers

from . import helpers as h
from .test_ownership import OVERRIDE, ROLES, _headers, expected, world  # noqa: F401 (fixture)

FORM_ACTIONS = ["create_dataset", "update_dataset", "privacy", "move_dataset", "create_resource",
                "update_resource", "delete_resource", "add_member", "edit_organization"]


def _show(dataset: dict) -> dict:
    return helpers.call_action("package_show", id=dataset["id"])


def _dataset_form(dataset: dict, **changes) -> dict:
    """The fields of the dataset edit form, as a browser submits them."""
    form = {
        "name": dataset["name"], "title": dataset["title"], "notes": dataset["notes"],
        "owner_org": dataset["owner_org"], "license_id": dataset["license_id"],
        "private": "True" if dataset["private"] else "False", "save": "",
    }
    form.update(changes)
    return form


def _organization_form(org: dict, **changes) -> dict:
    """The fields of the organisation edit form: its scalar fields, as shown."""
    form = {key: ("" if value is None else str(value)) for key, value in org.items()
            if isinstance(value, (str, int, float)) and not isinstance(value, bool)
            and key not in ("id", "created", "revision_id", "state", "approval_status",
                            "is_organization", "package_count", "num_followers",
                            "image_display_url", "display_name", "type")}
    form.update(changes, save="")
    return form


def _submit(app, headers, url, data) -> int:
    response = app.post(url, data=data, headers=headers, expect_errors=True,
                        follow_redirects=False)
    return response.status_code


def _attempt(app, world, headers, action, target) -> tuple[bool, int]:
    """Submit one form on fresh data; (did it take effect, HTTP status)."""
    orgs = world["orgs"]
    org = orgs[target]
    other = orgs["B" if target == "A" else "A"]
    if action == "create_dataset":
        name = f"nouveau-web-{target.lower()}"
        status = _submit(app, headers, "/dataset/new", {
            "name": name, "title": "Nouveau jeu", "notes": "Des données.",
            "owner_org": org["id"], "license_id": "lov2", "private": "False",
            "_ckan_phase": "dataset_new_1", "save": "continue"})
        package = model.Package.by_name(name)
        return (package is not None and package.owner_org == org["id"]), status
    if action == "add_member":
        newcomer = factories.User()
        status = _submit(app, headers, f"/{org['type']}/member_new/{org['name']}",
                         {"username": newcomer["name"], "role": "member", "save": ""})
        members = helpers.call_action("member_list", id=org["id"], object_type="user")
        return any(m[0] == newcomer["id"] for m in members), status
    if action == "edit_organization":
        status = _submit(app, headers, f"/{org['type']}/edit/{org['name']}",
                         _organization_form(org, description="Modifiée par le formulaire"))
        shown = helpers.call_action("organization_show", id=org["id"])
        return shown["description"] == "Modifiée par le formulaire", status
    dataset = h.dataset(org)
    resource = dataset["resources"][0]
    edit = f"/dataset/edit/{dataset['name']}"
    if action == "update_dataset":
        status = _submit(app, headers, edit, _dataset_form(dataset, title="Titre modifié"))
        return _show(dataset)["title"] == "Titre modifié", status
    if action == "privacy":
        status = _submit(app, headers, edit, _dataset_form(dataset, private="True"))
        return _show(dataset)["private"], status
    if action == "move_dataset":
        status = _submit(app, headers, edit, _dataset_form(dataset, owner_org=other["id"]))
        return _show(dataset)["owner_org"] == other["id"], status
    if action == "create_resource":
        status = _submit(app, headers, f"/dataset/{dataset['name']}/resource/new", {
            "id": "", "name": "Annexe", "url": "https://example.org/annexe.csv", "format": "CSV",
            "save": "go-metadata"})
        return len(_show(dataset)["resources"]) == 2, status
    if action == "update_resource":
        status = _submit(app, headers, f"/dataset/{dataset['name']}/resource/{resource['id']}/edit", {
            "id": resource["id"], "name": "Renommée", "url": resource["url"], "format": "CSV",
            "save": ""})
        return helpers.call_action("resource_show", id=resource["id"])["name"] == "Renommée", status
    if action == "delete_resource":
        status = _submit(app, headers, f"/dataset/{dataset['name']}/resource/{resource['id']}/delete",
                         {"delete": ""})
        return _show(dataset)["resources"] == [], status
    raise AssertionError(action)


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=OVERRIDE) if role == "sysadmin_override" else role for role in ROLES])
def test_permission_matrix_through_submitted_web_forms(app, world, role):
    headers = _headers(world, role)
    outcomes = {(action, target): _attempt(app, world, headers, action, target)
                for target in ("A", "B") for action in FORM_ACTIONS}
    took_effect = {cell: done for cell, (done, _) in outcomes.items()}
    assert took_effect == {(action, target): expected(role, action, target)
                           for target in ("A", "B") for action in FORM_ACTIONS}
    # a saved form redirects to the saved page; a refused one is a 403 (anonymous included)
    assert {cell: status for cell, (_, status) in outcomes.items()} == {
        cell: 302 if done else 403 for cell, done in took_effect.items()}


def test_the_edit_form_moves_a_dataset_for_an_admin_of_both_organisations(app, world):
    orgs = world["orgs"]
    both_editor = h.member(orgs["A"], "editor")
    h.member(orgs["B"], "editor", both_editor)
    both_admin = h.member(orgs["A"], "admin")
    h.member(orgs["B"], "admin", both_admin)
    dataset = h.dataset(orgs["A"])
    move = _dataset_form(dataset, owner_org=orgs["B"]["id"])
    url = f"/dataset/edit/{dataset['name']}"
    assert _submit(app, {"Authorization": h.token(both_editor)}, url, move) == 403
    assert _show(dataset)["owner_org"] == orgs["A"]["id"]
    assert _submit(app, {"Authorization": h.token(both_admin)}, url, move) == 302
    assert _show(dataset)["owner_org"] == orgs["B"]["id"]
