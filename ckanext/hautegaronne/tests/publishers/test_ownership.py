"""Ownership that holds: the permission matrix, through the action API (API tokens over
HTTP) and through the web forms. Every cell is asserted.

Roles: anonymous; member, editor, admin of commune A (Roques); admin of A's EPCI (Le
Muretain Agglo); editor of commune B (Toulouse); sysadmin (bound by the rules, the default);
sysadmin with ``ckanext.hautegaronne.sysadmin_override``. Targets: A's data, B's data.
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from . import helpers as h

ROLES = ["anonymous", "member_a", "editor_a", "admin_a", "admin_epci", "editor_b", "sysadmin",
         "sysadmin_override"]
DATA_ACTIONS = ["create_dataset", "update_dataset", "patch_dataset", "delete_dataset",
                "create_resource", "update_resource", "delete_resource", "privacy"]
ORG_ACTIONS = ["move_dataset", "add_member", "edit_organization"]
# Purging cannot be undone and erases the activity stream: CKAN keeps it to sysadmins, and
# the ownership rules bind them too. Purging the organisation runs last (it is emptied first).
PURGE_ACTIONS = ["purge_dataset", "purge_organization"]
ACTIONS = DATA_ACTIONS + ORG_ACTIONS + PURGE_ACTIONS
OVERRIDE = pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")


def expected(role: str, action: str, target: str) -> bool:
    if role == "sysadmin_override":
        return True
    editor_of_target = {"A": ("editor_a", "admin_a"), "B": ("editor_b",)}[target]
    if action in DATA_ACTIONS:
        return role in editor_of_target
    if action in ("add_member", "edit_organization"):
        return target == "A" and role == "admin_a"
    # moving needs admin rights in both organisations: nobody here has them; purging is for
    # sysadmins, and a bound sysadmin must be an admin of the organisation (none is here)
    return False


@pytest.fixture
def world(clean_all):
    """Communes A and B and A's EPCI, with their members; one admin each."""
    orgs = {"A": h.onboard("31458"), "B": h.onboard("31555"), "EPCI": h.onboard("200068641")}
    assert orgs["A"]["epci_siren"] == "200068641"
    users = {
        "member_a": h.member(orgs["A"], "member"),
        "editor_a": h.member(orgs["A"], "editor"),
        "admin_a": h.member(orgs["A"], "admin"),
        "admin_epci": h.member(orgs["EPCI"], "admin"),
        "editor_b": h.member(orgs["B"], "editor"),
        "admin_b": h.member(orgs["B"], "admin"),
        "sysadmin": factories.Sysadmin(),
    }
    users["sysadmin_override"] = users["sysadmin"]
    return {"orgs": orgs, "users": users}


def _headers(world, role):
    if role == "anonymous":
        return {}
    return {"Authorization": h.token(world["users"][role])}


def _api(app, headers, action, data):
    response = app.post(f"/api/action/{action}", json=data, headers=headers, expect_errors=True)
    assert response.status_code in (200, 403), (action, response.status_code, response.get_data(as_text=True))
    return response.status_code == 200


def _attempt(app, world, headers, action, target):
    """Run one action over HTTP on fresh data; True if it was allowed (and took effect)."""
    orgs = world["orgs"]
    org = orgs[target]
    other = orgs["B" if target == "A" else "A"]
    if action == "create_dataset":
        allowed = _api(app, headers, "package_create", {
            "name": f"nouveau-{target.lower()}", "title": "Nouveau", "notes": "Des données.",
            "owner_org": org["id"], "license_id": "lov2"})
        exists = bool(helpers.call_action("package_search", fq=f"name:nouveau-{target.lower()}")["count"])
        assert allowed == exists
        return allowed
    if action == "purge_organization":
        # an organisation with datasets cannot be purged (ckan.auth.create_unowned_dataset)
        for package in (model.Session.query(model.Package)
                        .filter_by(owner_org=org["id"], state="active").all()):
            helpers.call_action("package_delete", context=h.site_context(), id=package.id)
        allowed = _api(app, headers, "organization_purge", {"id": org["id"]})
        assert allowed == (model.Group.get(org["id"]) is None)
        return allowed
    dataset = h.dataset(org)
    resource = dataset["resources"][0]
    if action == "update_dataset":
        allowed = _api(app, headers, "package_update", {**dataset, "title": "Titre modifié"})
        assert allowed == (helpers.call_action("package_show", id=dataset["id"])["title"] == "Titre modifié")
    elif action == "patch_dataset":
        allowed = _api(app, headers, "package_patch", {"id": dataset["id"], "title": "Titre modifié"})
        assert allowed == (helpers.call_action("package_show", id=dataset["id"])["title"] == "Titre modifié")
    elif action == "delete_dataset":
        allowed = _api(app, headers, "package_delete", {"id": dataset["id"]})
        assert allowed == (helpers.call_action("package_show", id=dataset["id"])["state"] == "deleted")
    elif action == "create_resource":
        allowed = _api(app, headers, "resource_create", {
            "package_id": dataset["id"], "name": "Annexe", "url": "https://example.org/annexe.csv"})
        assert allowed == (len(helpers.call_action("package_show", id=dataset["id"])["resources"]) == 2)
    elif action == "update_resource":
        allowed = _api(app, headers, "resource_patch", {"id": resource["id"], "name": "Renommée"})
        assert allowed == (helpers.call_action("resource_show", id=resource["id"])["name"] == "Renommée")
    elif action == "delete_resource":
        allowed = _api(app, headers, "resource_delete", {"id": resource["id"]})
        assert allowed == (helpers.call_action("package_show", id=dataset["id"])["resources"] == [])
    elif action == "privacy":
        allowed = _api(app, headers, "package_patch", {"id": dataset["id"], "private": True})
        assert allowed == helpers.call_action("package_show", id=dataset["id"])["private"]
    elif action == "purge_dataset":
        allowed = _api(app, headers, "dataset_purge", {"id": dataset["id"]})
        assert allowed == (model.Package.get(dataset["id"]) is None)
    elif action == "move_dataset":
        allowed = _api(app, headers, "package_patch", {"id": dataset["id"], "owner_org": other["id"]})
        assert allowed == (helpers.call_action("package_show", id=dataset["id"])["owner_org"] == other["id"])
    elif action == "add_member":
        newcomer = factories.User()
        allowed = _api(app, headers, "organization_member_create",
                       {"id": org["id"], "username": newcomer["name"], "role": "member"})
        members = helpers.call_action("member_list", id=org["id"], object_type="user")
        assert allowed == any(m[0] == newcomer["id"] for m in members)
    elif action == "edit_organization":
        allowed = _api(app, headers, "organization_patch", {"id": org["id"], "description": "Modifiée"})
        assert allowed == (helpers.call_action("organization_show", id=org["id"])["description"] == "Modifiée")
    else:
        raise AssertionError(action)
    return allowed


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=OVERRIDE) if role == "sysadmin_override" else role for role in ROLES])
def test_permission_matrix_through_the_api(app, world, role):
    headers = _headers(world, role)
    cells = [(action, target) for target in ("A", "B") for action in ACTIONS
             if action != "purge_organization"]
    cells += [("purge_organization", target) for target in ("A", "B")]
    actual = {(action, target): _attempt(app, world, headers, action, target)
              for action, target in cells}
    wanted = {(action, target): expected(role, action, target)
              for target in ("A", "B") for action in ACTIONS}
    assert actual == wanted


# The dataset edit page has its own test below (it renders the whole dataset form).
WEB_PAGES = ["new_resource", "edit_resource", "edit_organization", "add_member"]


def _web_allowed(app, world, headers, page, target):
    org = world["orgs"][target]
    dataset = h.dataset(org)
    url = {
        "edit_dataset": f"/dataset/edit/{dataset['name']}",
        "new_resource": f"/dataset/{dataset['name']}/resource/new",
        "edit_resource": f"/dataset/{dataset['name']}/resource/{dataset['resources'][0]['id']}/edit",
        "edit_organization": f"/{org['type']}/edit/{org['name']}",
        "add_member": f"/{org['type']}/member_new/{org['name']}",
    }[page]
    status = app.get(url, headers=headers, expect_errors=True).status_code
    if not headers:
        # anonymous visitors are sent to the login page or refused
        assert status in (302, 403), (page, status)
        return False
    assert status in (200, 403), (page, status)
    return status == 200


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=OVERRIDE) if role == "sysadmin_override" else role for role in ROLES])
def test_permission_matrix_through_the_web_forms(app, world, role):
    headers = _headers(world, role)
    pages = {(page, target): _web_allowed(app, world, headers, page, target)
             for target in ("A", "B") for page in WEB_PAGES}
    wanted_action = {"edit_dataset": "update_dataset", "new_resource": "create_resource",
                     "edit_resource": "update_resource", "edit_organization": "edit_organization",
                     "add_member": "add_member"}
    assert pages == {(page, target): expected(role, wanted_action[page], target)
                     for target in ("A", "B") for page in WEB_PAGES}
    # the delete form (POST) really deletes, or refuses and keeps the dataset
    for target in ("A", "B"):
        dataset = h.dataset(world["orgs"][target])
        app.post(f"/dataset/delete/{dataset['name']}", data={"delete": ""}, headers=headers,
                 expect_errors=True)
        deleted = helpers.call_action("package_show", id=dataset["id"])["state"] == "deleted"
        assert deleted == expected(role, "delete_dataset", target), (role, target)


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=OVERRIDE) if role == "sysadmin_override" else role for role in ROLES])
def test_dataset_edit_page_follows_the_matrix(app, world, role):
    headers = _headers(world, role)
    pages = {target: _web_allowed(app, world, headers, "edit_dataset", target) for target in ("A", "B")}
    assert pages == {target: expected(role, "update_dataset", target) for target in ("A", "B")}


def test_moving_a_dataset_needs_admin_rights_in_both_organisations(app, world):
    orgs, users = world["orgs"], world["users"]
    both_admin = h.member(orgs["A"], "admin")
    h.member(orgs["B"], "admin", both_admin)
    both_editor = h.member(orgs["A"], "editor")
    h.member(orgs["B"], "editor", both_editor)
    dataset = h.dataset(orgs["A"])
    move = {"id": dataset["id"], "owner_org": orgs["B"]["id"]}
    assert not _api(app, {"Authorization": h.token(both_editor)}, "package_patch", move)
    assert not _api(app, {"Authorization": h.token(users["admin_a"])}, "package_patch", move)
    assert _api(app, {"Authorization": h.token(both_admin)}, "package_patch", move)
    assert helpers.call_action("package_show", id=dataset["id"])["owner_org"] == orgs["B"]["id"]
    # the datasets always carry their organisation as publisher
    assert helpers.call_action("package_show", id=dataset["id"])["organization"]["name"] == "toulouse-31555"


def test_epci_and_commune_memberships_do_not_cascade(world):
    """Membership of an EPCI gives no right over its communes' data, and the reverse."""
    orgs, users = world["orgs"], world["users"]
    in_epci = h.dataset(orgs["EPCI"])
    in_commune = h.dataset(orgs["A"])
    for user, dataset in ((users["admin_epci"], in_commune), (users["admin_a"], in_epci)):
        for auth in ("package_update", "package_delete"):
            with pytest.raises(tk.NotAuthorized):
                helpers.call_auth(auth, {"user": user["name"]}, id=dataset["id"])
    assert helpers.call_action("group_list_authz", context={"user": users["admin_epci"]["name"]}) == []
    assert [o["name"] for o in helpers.call_action(
        "organization_list_for_user", context={"user": users["admin_epci"]["name"]},
        permission="create_dataset")] == [orgs["EPCI"]["name"]]


def test_sysadmin_appoints_the_first_administrator_only(app, world):
    sysadmin = {"Authorization": h.token(world["users"]["sysadmin"])}
    newcomer = h.onboard("31069")  # Blagnac: onboarded, no member yet
    agent = factories.User()
    assert _api(app, sysadmin, "organization_member_create",
                {"id": newcomer["id"], "username": agent["name"], "role": "admin"})
    # from then on the commune manages its own members
    assert not _api(app, sysadmin, "organization_member_create",
                    {"id": newcomer["id"], "username": factories.User()["name"], "role": "editor"})
    assert _api(app, {"Authorization": h.token(agent)}, "organization_member_create",
                {"id": newcomer["id"], "username": factories.User()["name"], "role": "editor"})


@OVERRIDE
def test_sysadmin_override_shows_in_the_activity_stream(app, world):
    sysadmin = world["users"]["sysadmin"]
    dataset = h.dataset(world["orgs"]["A"])
    assert _api(app, {"Authorization": h.token(sysadmin)}, "package_patch",
                {"id": dataset["id"], "title": "Corrigé par l'exploitation"})
    activities = helpers.call_action("package_activity_list", id=dataset["id"])
    assert activities[0]["user_id"] == sysadmin["id"]
    assert activities[0]["activity_type"] == "changed package"
    org_activities = helpers.call_action("organization_activity_list", id=world["orgs"]["A"]["id"])
    assert any(a["user_id"] == sysadmin["id"] for a in org_activities)


def _purge_allowed(app, user, action, ref) -> bool:
    return _api(app, {"Authorization": h.token(user)}, action, {"id": ref})


def test_purging_a_publisher_through_group_purge_is_guarded_too(app, world):
    """core's group_purge purges an organisation as well: same rule as organization_purge."""
    sysadmin, admin_a = world["users"]["sysadmin"], world["users"]["admin_a"]
    empty = h.onboard("31069")  # Blagnac: onboarded, no dataset
    assert not _purge_allowed(app, sysadmin, "group_purge", empty["id"])
    assert not _purge_allowed(app, admin_a, "group_purge", empty["id"])
    assert model.Group.get(empty["id"]) is not None
    # a bound sysadmin who is an admin of the publisher acts as its admin
    h.member(empty, "admin", sysadmin)
    assert _purge_allowed(app, sysadmin, "group_purge", empty["id"])
    assert model.Group.get(empty["id"]) is None


def test_a_bound_sysadmin_purges_only_where_it_is_an_admin(app, world):
    sysadmin, orgs = world["users"]["sysadmin"], world["orgs"]
    h.member(orgs["A"], "editor", sysadmin)
    dataset = h.dataset(orgs["A"])
    assert not _purge_allowed(app, sysadmin, "dataset_purge", dataset["id"])
    h.member(orgs["A"], "admin", sysadmin)
    assert _purge_allowed(app, sysadmin, "dataset_purge", dataset["id"])
    assert model.Package.get(dataset["id"]) is None
    # theme groups are not publishers: CKAN's rule (sysadmins) applies
    theme = helpers.call_action("group_create", context=h.site_context(), name="mobilites")
    assert _purge_allowed(app, sysadmin, "group_purge", theme["id"])


def test_the_site_user_purges(world):
    dataset = h.dataset(world["orgs"]["B"])
    for action, ref in (("dataset_purge", dataset["id"]),
                        ("organization_purge", world["orgs"]["EPCI"]["id"])):
        assert helpers.call_auth(action, h.site_context(), id=ref)
    helpers.call_action("dataset_purge", context=h.site_context(), id=dataset["id"])
    assert model.Package.get(dataset["id"]) is None


def test_the_trash_page_does_not_purge_a_publishers_data(app, world):
    sysadmin = world["users"]["sysadmin"]
    dataset = h.dataset(world["orgs"]["A"])
    helpers.call_action("package_delete", context=h.site_context(), id=dataset["id"])
    response = app.post("/ckan-admin/trash", data={"action": "package"},
                        headers={"Authorization": h.token(sysadmin)}, expect_errors=True)
    assert response.status_code == 403
    assert "Les administrateurs de la plateforme" in response.get_data(as_text=True)
    assert model.Package.get(dataset["id"]) is not None
