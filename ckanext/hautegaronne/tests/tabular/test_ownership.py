"""The permission matrix (tests/publishers/test_ownership.py) extended to the data: only a
publisher's editors and admins write to the DataStore of its resources, submit loads,
describe columns (data dictionary) and create views; bound sysadmins follow the same rules.
A private dataset's tables are read by its publisher's members only."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from ..publishers import helpers as h
from ..publishers.test_ownership import OVERRIDE, ROLES, _headers, expected, world  # noqa: F401

WRITES = ["datastore_create", "datastore_upsert", "datastore_delete", "data_dictionary",
          "xloader_submit", "view_create"]
FIELDS = [{"id": "commune", "type": "text"}, {"id": "comptage", "type": "int"}]


def _status(app, headers, action, data) -> bool:
    response = app.post(f"/api/action/{action}", json=data, headers=headers, expect_errors=True)
    assert response.status_code in (200, 403), (action, response.status_code,
                                                response.get_data(as_text=True))
    return response.status_code == 200


def _resource_with_table(org: dict, **dataset_fields) -> str:
    resource_id = h.dataset(org, **dataset_fields)["resources"][0]["id"]
    helpers.call_action("datastore_create", context=h.site_context(), resource_id=resource_id,
                        force=True, fields=FIELDS, records=[{"commune": "Roques", "comptage": 1}])
    return resource_id


def _rows(resource_id: str) -> int:
    try:
        return helpers.call_action("datastore_search", resource_id=resource_id)["total"]
    except Exception:  # no table
        return -1


def _write(app, world, headers, action, target) -> bool:
    org = world["orgs"][target]
    if action == "datastore_create":
        resource_id = h.dataset(org)["resources"][0]["id"]
        allowed = _status(app, headers, "datastore_create", {
            "resource_id": resource_id, "force": True, "fields": FIELDS,
            "records": [{"commune": "Muret", "comptage": 2}]})
        assert allowed == (_rows(resource_id) == 1)
        return allowed
    resource_id = _resource_with_table(org)
    if action == "datastore_upsert":
        allowed = _status(app, headers, "datastore_upsert", {
            "resource_id": resource_id, "force": True, "method": "insert",
            "records": [{"commune": "Muret", "comptage": 2}]})
        assert allowed == (_rows(resource_id) == 2)
    elif action == "datastore_delete":
        allowed = _status(app, headers, "datastore_delete", {"resource_id": resource_id,
                                                             "force": True})
        assert allowed == (_rows(resource_id) == -1)
    elif action == "data_dictionary":
        # what CKAN's data dictionary form sends
        allowed = _status(app, headers, "datastore_create", {
            "resource_id": resource_id, "force": True,
            "fields": [{"id": "commune", "type": "text",
                        "info": {"label": "Commune", "notes": "Nom officiel (COG)"}},
                       {"id": "comptage", "type": "int"}]})
        info = helpers.call_action("datastore_info", id=resource_id)["fields"][0].get("info", {})
        assert allowed == (info.get("label") == "Commune")
    elif action == "xloader_submit":
        allowed = _status(app, headers, "xloader_submit", {"resource_id": resource_id})
    elif action == "view_create":
        allowed = _status(app, headers, "resource_view_create", {
            "resource_id": resource_id, "view_type": "datatables_view", "title": "Tableau"})
        views = helpers.call_action("resource_view_list", id=resource_id)
        assert allowed == any(v["title"] == "Tableau" for v in views)
    else:
        raise AssertionError(action)
    return allowed


@pytest.fixture
def data_world(clean_datastore, world):
    yield world
    helpers.call_action("job_clear")  # loads submitted here have no worker to run them


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=OVERRIDE) if role == "sysadmin_override" else role for role in ROLES])
# the token xloader puts in the jobs; none of them runs here
@pytest.mark.ckan_config("ckanext.xloader.api_token", "token-of-jobs-never-run")
def test_datastore_writes_follow_the_matrix(app, data_world, role):
    headers = _headers(data_world, role)
    actual = {(action, target): _write(app, data_world, headers, action, target)
              for target in ("A", "B") for action in WRITES}
    assert actual == {(action, target): expected(role, "update_resource", target)
                      for target in ("A", "B") for action in WRITES}


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=OVERRIDE) if role == "sysadmin_override" else role for role in ROLES])
def test_private_tables_are_read_by_the_publishers_members_only(app, data_world, role):
    headers = _headers(data_world, role)
    private = _resource_with_table(data_world["orgs"]["A"], private=True)
    public = _resource_with_table(data_world["orgs"]["A"])
    readers = {"member_a", "editor_a", "admin_a", "sysadmin", "sysadmin_override"}
    for resource_id, readable in ((private, role in readers), (public, True)):
        assert _status(app, headers, "datastore_search", {"resource_id": resource_id}) == readable
        assert _status(app, headers, "datastore_search_sql", {
            "sql": f'SELECT commune FROM "{resource_id}"'}) == readable, (role, resource_id)


def test_an_alias_never_takes_another_publishers_resource(app, data_world):
    """Outside attack: publisher A named its table with an alias equal to the id of B's
    resource (which had no table yet): B's resource then answered A's data, and B could
    neither load nor delete its own table. An alias is never a resource id, nor shaped like
    one; nothing is written."""
    victim = h.dataset(data_world["orgs"]["B"])["resources"][0]["id"]
    attacker = h.dataset(data_world["orgs"]["A"])["resources"][0]["id"]
    headers = _headers(data_world, "editor_a")
    for aliases in ([victim], victim, ["0b0b0b0b-1111-2222-3333-444444444444"]):
        response = app.post("/api/action/datastore_create", json={
            "resource_id": attacker, "force": True, "fields": FIELDS,
            "records": [{"commune": "Faux", "comptage": 0}], "aliases": aliases},
            headers=headers, expect_errors=True)
        assert response.status_code == 409, response.get_data(as_text=True)
        assert "identifiant de ressource" in response.json["error"]["aliases"][0]
    assert _rows(victim) == -1 and _rows(attacker) == -1
    # a readable alias of one's own stays possible
    assert _status(app, headers, "datastore_create", {
        "resource_id": attacker, "force": True, "fields": FIELDS,
        "records": [{"commune": "Roques", "comptage": 1}], "aliases": ["comptages_roques"]})
    assert helpers.call_action("datastore_search", resource_id="comptages_roques")["total"] == 1


def test_another_publishers_view_cannot_be_moved_then_deleted(app):
    # the outside attack: resource_view_update checked only the resource named in the call,
    # so an editor moved the département's table view onto its own resource, then deleted it
    roques, toulouse = h.onboard("31458"), h.onboard("31555")
    editor = h.member(roques, "editor")
    headers = {"Authorization": h.token(editor)}
    theirs = h.dataset(toulouse)["resources"][0]["id"]
    own = h.dataset(roques)["resources"][0]["id"]
    view = helpers.call_action("resource_view_create", context=h.site_context(),
                               resource_id=theirs, view_type="datatables_view", title="Vue")
    moved = app.post("/api/action/resource_view_update", headers=headers, expect_errors=True,
                     json={"id": view["id"], "resource_id": own, "view_type": "datatables_view",
                           "title": "volée"})
    assert moved.status_code == 409, moved.get_data(as_text=True)
    assert "reste sur sa ressource" in moved.json["error"]["resource_id"][0]
    kept = app.post("/api/action/resource_view_update", headers=headers, expect_errors=True,
                    json={"id": view["id"], "resource_id": theirs, "view_type": "datatables_view",
                          "title": "volée"})
    assert kept.status_code == 403
    deleted = app.post("/api/action/resource_view_delete", headers=headers, expect_errors=True,
                       json={"id": view["id"]})
    assert deleted.status_code == 403
    shown = helpers.call_action("resource_view_show", id=view["id"])
    assert shown["resource_id"] == theirs and shown["title"] == "Vue"
    # the owner's own editor still edits it in place
    owner = {"Authorization": h.token(h.member(toulouse, "editor"))}
    renamed = app.post("/api/action/resource_view_update", headers=owner, json={
        "id": view["id"], "resource_id": theirs, "view_type": "datatables_view", "title": "Carte"})
    assert renamed.json["result"]["title"] == "Carte"
