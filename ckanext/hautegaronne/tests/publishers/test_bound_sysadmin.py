"""Bound sysadmins are bound for every action: the registry is classified, each write class
has its rule, and the attacks found on a running portal (issue 11) fail over HTTP.

World: communes A (Roques) and B (Toulouse); the bound sysadmin is an admin of A (so the same
action on A's data is allowed, and each refusal on B's data can be told from a broken action);
B has one admin.
"""
from __future__ import annotations

import pytest

import ckan.logic
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.hautegaronne.harvest import auth as harvest_auth
from ckanext.hautegaronne import registration
from ckanext.hautegaronne.publishers import action_classes, auth as publisher_auth, bound

from . import helpers as h

pytestmark = pytest.mark.usefixtures("with_plugins")
OVERRIDE = pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")


@pytest.fixture
def world(clean_all):
    orgs = {"A": h.onboard("31458"), "B": h.onboard("31555")}
    sysadmin = factories.Sysadmin()
    h.member(orgs["A"], "admin", sysadmin)
    admin_b = h.member(orgs["B"], "admin")
    return {"orgs": orgs, "sysadmin": sysadmin, "admin_b": admin_b,
            "headers": {"Authorization": h.token(sysadmin)}}


def _api(app, headers, action, data) -> tuple[bool, dict]:
    response = app.post(f"/api/action/{action}", json=data, headers=headers, expect_errors=True)
    assert response.status_code in (200, 403), (action, response.status_code,
                                                response.get_data(as_text=True))
    return response.status_code == 200, response.json


# -- the registry is classified -----------------------------------------------------------

def _registry() -> set[str]:
    tk.get_action("package_show")  # builds CKAN's action registry, plugins included
    return set(ckan.logic._actions)


def test_every_registered_action_is_classified_and_nothing_else():
    leaks = action_classes.harvest_auth_leaks()
    assert "harvest_sources_clear" in leaks and "package_show" not in leaks
    registry = _registry() - leaks
    classified = set().union(*action_classes.ACTION_CLASSES.values())
    unclassified = sorted(registry - classified)
    assert not unclassified, f"classify these actions in action_classes.py: {unclassified}"
    gone = sorted(classified - registry)
    assert not gone, f"no longer registered, remove from action_classes.py: {gone}"
    # one class per action
    assert sum(len(c) for c in action_classes.ACTION_CLASSES.values()) == len(classified)


# Write actions guarded by the rule of another action they go through, or whose CKAN rule
# already keeps a bound sysadmin to itself (following, its own dashboard).
THROUGH = {
    "task_status_update_many": "task_status_update", "organization_member_create": "member_create",
    "organization_member_delete": "member_delete", "group_member_create": "member_create",
    "group_member_delete": "member_delete", "harvest_source_patch": "harvest_source_update",
    "follow_dataset": None, "follow_group": None,
    "follow_user": None, "unfollow_dataset": None, "unfollow_group": None,
    "unfollow_user": None, "dashboard_mark_activities_old": None,
    # no publisher data written: index upkeep, closing finished jobs, aborting failed ones,
    # listing e-mail recipients
    "harvest_source_reindex": None, "harvest_sources_reindex": None,
    "harvest_jobs_run": None, "harvest_abort_failed_jobs": None,
    "harvest_get_notifications_recipients": None,
    # a new file belongs to its creator until transferred (file_ownership_transfer's rule)
    "file_create": None, "file_register": None,
}


def test_every_write_action_has_a_rule():
    publisher_rules = publisher_auth.get_auth_functions()
    # what the plugin registers (a name given by two concerns fails there)
    rules = registration.auth_functions()
    # the three modules do not replace each other's rules
    assert not set(bound.RULES) & set(publisher_rules)
    assert not set(bound.RULES) & set(harvest_auth.get_auth_functions())
    writes = set().union(*(action_classes.ACTION_CLASSES[c] for c in action_classes.WRITE_CLASSES))
    unguarded = sorted(a for a in writes if a not in rules and a not in THROUGH)
    assert not unguarded, f"write actions without a rule: {unguarded}"
    assert all(target is None or target in rules for target in THROUGH.values())


# -- publisher writes: bound sysadmin of A vs. data of B ----------------------------------

def _view(resource_id: str) -> str:
    view = model.ResourceView(resource_id=resource_id, view_type="image_view", title="Vue",
                              order=0)
    model.Session.add(view)
    model.Session.commit()
    return view.id


def _scenario(action: str, org: dict) -> dict:
    dataset = h.dataset(org)
    other = h.dataset(org)
    resource = dataset["resources"][0]
    if action.startswith("package_relationship_"):
        return {"subject": dataset["id"], "object": other["id"], "type": "depends_on"}
    if action == "package_resource_reorder":
        return {"id": dataset["id"], "order": [resource["id"]]}
    if action == "package_create_default_resource_views":
        return {"package": dataset}
    if action == "resource_create_default_resource_views":
        return {"resource": resource, "package": dataset}
    if action == "resource_view_create":
        return {"resource_id": resource["id"], "view_type": "image_view", "title": "Vue"}
    if action in ("resource_view_update", "resource_view_delete"):
        return {"id": _view(resource["id"])}
    if action == "resource_view_reorder":
        return {"id": resource["id"], "order": [_view(resource["id"])]}
    if action == "task_status_update":
        return {"entity_id": resource["id"], "entity_type": "resource", "task_type": "t",
                "key": "k", "value": "v"}
    if action == "task_status_delete":
        task = tk.get_action("task_status_update")(h.site_context(), {
            "entity_id": dataset["id"], "entity_type": "package", "task_type": "t",
            "key": "k", "value": "v"})
        return {"id": task["id"]}
    if action.startswith("package_collaborator_"):
        return {"id": dataset["id"], "user_id": factories.User()["id"], "capacity": "editor"}
    if action in ("group_update", "group_patch", "group_delete"):
        return {"id": org["id"], "description": "Modifiée"}
    if action == "member_create":
        return {"id": org["id"], "object": factories.User()["id"], "object_type": "user",
                "capacity": "editor"}
    if action == "user_invite":
        return {"email": "agent@example.org", "group_id": org["id"], "role": "editor"}
    if action == "package_revise":
        return {"match": {"id": dataset["id"]}, "update": {"title": "Révisé"}}
    raise AssertionError(action)


MATRIX = ["package_relationship_create", "package_relationship_update",
          "package_relationship_delete", "package_resource_reorder",
          "package_create_default_resource_views", "resource_create_default_resource_views",
          "resource_view_create", "resource_view_update", "resource_view_delete",
          "resource_view_reorder", "task_status_update", "task_status_delete",
          "package_collaborator_create", "package_collaborator_delete", "group_update",
          "group_patch", "group_delete", "member_create", "user_invite", "package_revise"]


@pytest.mark.parametrize("action", MATRIX)
def test_a_bound_sysadmin_writes_only_in_its_own_publisher(world, action):
    context = {"user": world["sysadmin"]["name"]}
    assert helpers.call_auth(action, dict(context), **_scenario(action, world["orgs"]["A"]))
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth(action, dict(context), **_scenario(action, world["orgs"]["B"]))


@pytest.mark.parametrize("action", MATRIX)
@OVERRIDE
def test_the_override_frees_a_sysadmin(world, action):
    assert helpers.call_auth(action, {"user": world["sysadmin"]["name"]},
                             **_scenario(action, world["orgs"]["B"]))


@pytest.mark.parametrize("action, data", [
    ("resource_view_clear", {"view_types": ["image_view"]}),
    ("activity_create", {"user_id": "x", "object_id": "y", "activity_type": "changed package"}),
    ("activity_delete", {"id": "x"}),
    ("activity_delete_all", {}),
    ("get_site_user", {}),
    ("harvest_job_create_all", {}),
    ("harvest_sources_job_history_clear", {}),
    ("harvest_objects_import", {}),
])
def test_site_wide_writes_and_the_site_user_are_refused(world, action, data):
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth(action, {"user": world["sysadmin"]["name"]}, **data)
    assert helpers.call_auth(action, h.site_context(), **data)


# -- the attacks of issue 11, over HTTP ---------------------------------------------------

def _tokens(user: dict) -> int:
    return model.Session.query(model.ApiToken).filter_by(user_id=user["id"]).count()


def test_no_api_token_for_another_user_nor_for_the_site_user(app, world):
    victim = world["admin_b"]
    before = _tokens(victim)
    allowed, body = _api(app, world["headers"], "api_token_create",
                         {"user": victim["name"], "name": "prise"})
    assert not allowed and "autre utilisateur" in body["error"]["message"]
    assert _tokens(victim) == before
    site_user = model.User.get(h.site_context()["user"])
    allowed, _body = _api(app, world["headers"], "api_token_create",
                          {"user": site_user.name, "name": "prise"})
    assert not allowed
    assert model.Session.query(model.ApiToken).filter_by(user_id=site_user.id).count() == 0
    assert not _api(app, world["headers"], "get_site_user", {})[0]
    # its own tokens, as anybody
    assert _api(app, world["headers"], "api_token_create",
                {"user": world["sysadmin"]["name"], "name": "le mien"})[0]


def test_no_change_to_another_users_password_email_or_name(app, world):
    victim = world["admin_b"]
    password_hash = model.User.get(victim["id"]).password
    for change in ({"password": "Nouveau-mot-de-passe-31"}, {"email": "pirate@example.org"},
                   {"fullname": "Pirate"}):
        allowed, _body = _api(app, world["headers"], "user_patch", {"id": victim["name"], **change})
        assert not allowed, change
    model.Session.remove()
    user = model.User.get(victim["id"])
    assert user.password == password_hash
    assert not user.validate_password("Nouveau-mot-de-passe-31")
    assert (user.email, user.fullname) == (victim["email"], victim["fullname"])
    # its own account
    assert _api(app, world["headers"], "user_patch",
                {"id": world["sysadmin"]["name"], "fullname": "Exploitation"})[0]


def test_no_deleting_a_publishers_admin_then_taking_its_place(app, world):
    victim, org_b = world["admin_b"], world["orgs"]["B"]
    allowed, body = _api(app, world["headers"], "user_delete", {"id": victim["name"]})
    assert not allowed and "équipe" in body["error"]["message"]
    assert model.User.get(victim["id"]).state == "active"
    for action, data in (("organization_member_create", {"id": org_b["id"], "role": "admin",
                                                         "username": world["sysadmin"]["name"]}),
                         ("member_create", {"id": org_b["id"], "object": world["sysadmin"]["id"],
                                            "object_type": "user", "capacity": "admin"})):
        assert not _api(app, world["headers"], action, data)[0]
    admins = [m[0] for m in helpers.call_action("member_list", id=org_b["id"],
                                                object_type="user", capacity="admin")]
    assert admins == [victim["id"]]
    # an account outside every team can be deleted (spam, leavers)
    stranger = factories.User()
    assert _api(app, world["headers"], "user_delete", {"id": stranger["name"]})[0]


def test_no_self_appointment_first_admin_named_and_recorded(app, world):
    blagnac = h.onboard("31069")  # onboarded, no member yet
    sysadmin = world["sysadmin"]
    allowed, body = _api(app, world["headers"], "organization_member_create",
                         {"id": blagnac["id"], "username": sysadmin["name"], "role": "admin"})
    assert not allowed and "eux-mêmes" in body["error"]["message"]
    agent = factories.User()
    assert _api(app, world["headers"], "organization_member_create",
                {"id": blagnac["id"], "username": agent["name"], "role": "admin"})[0]
    members = helpers.call_action("member_list", id=blagnac["id"], object_type="user")
    assert [m[0] for m in members] == [agent["id"]]
    activities = app.get(f"/api/action/organization_activity_list?id={blagnac['id']}").json["result"]
    appointed = [a for a in activities if a["data"].get("member_appointed")]
    assert appointed and appointed[0]["user_id"] == sysadmin["id"]
    assert appointed[0]["data"]["member_appointed"]["user_name"] == agent["name"]
    assert appointed[0]["data"]["member_appointed"]["capacity"] == "admin"
    # the publisher's activity page shows it
    page = app.get(f"/organization/activity/{blagnac['name']}")
    assert page.status_code == 200 and f"/user/{sysadmin['name']}" in page.get_data(as_text=True)


def test_creating_an_organisation_does_not_make_a_bound_sysadmin_its_member(app, world):
    allowed, body = _api(app, world["headers"], "organization_create",
                         {"type": "etablissement", "name": "laboratoire",
                          "title": "Laboratoire départemental", "siren": "223100017"})
    assert allowed, body
    assert helpers.call_action("member_list", id="laboratoire", object_type="user") == []
    assert not _api(app, world["headers"], "organization_patch",
                    {"id": "laboratoire", "description": "Modifiée"})[0]


def test_no_relationship_nor_task_status_on_another_publishers_data(app, world):
    dataset, other = h.dataset(world["orgs"]["B"]), h.dataset(world["orgs"]["B"])
    assert not _api(app, world["headers"], "package_relationship_create",
                    {"subject": dataset["id"], "object": other["id"], "type": "depends_on"})[0]
    assert helpers.call_action("package_relationships_list", id=dataset["id"]) == []
    assert not _api(app, world["headers"], "task_status_update", {
        "entity_id": dataset["id"], "entity_type": "package", "task_type": "prise",
        "key": "k", "value": "v"})[0]
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("task_status_show", entity_id=dataset["id"], task_type="prise",
                            key="k")


def test_group_update_on_an_organisation_is_the_organisations_rule(app, world):
    org_b = world["orgs"]["B"]
    assert not _api(app, world["headers"], "group_patch",
                    {"id": org_b["id"], "description": "Prise"})[0]
    assert helpers.call_action("organization_show", id=org_b["id"])["description"] != "Prise"
    theme = helpers.call_action("group_create", context=h.site_context(), name="mobilites")
    assert _api(app, world["headers"], "group_patch",
                {"id": theme["id"], "description": "Transports et mobilités"})[0]


def test_package_revise_in_its_own_publisher(app, world):
    mine, theirs = h.dataset(world["orgs"]["A"]), h.dataset(world["orgs"]["B"])
    assert _api(app, world["headers"], "package_revise",
                {"match": {"id": mine["id"]}, "update": {"title": "Révisé"}})[0]
    assert helpers.call_action("package_show", id=mine["id"])["title"] == "Révisé"
    assert not _api(app, world["headers"], "package_revise",
                    {"match": {"name": theirs["name"]}, "update": {"title": "Révisé"}})[0]
    # a move hidden under "update" needs admin rights in both publishers
    h.member(world["orgs"]["B"], "editor", world["sysadmin"])
    assert not _api(app, world["headers"], "package_revise",
                    {"match": {"id": mine["id"]}, "update": {"owner_org": world["orgs"]["B"]["id"]}})[0]
    assert helpers.call_action("package_show", id=mine["id"])["owner_org"] == world["orgs"]["A"]["id"]


@OVERRIDE
def test_the_override_still_acts_for_operations(app, world):
    assert _api(app, world["headers"], "api_token_create",
                {"user": world["admin_b"]["name"], "name": "exploitation"})[0]


# -- the site user's work shows ------------------------------------------------------------

def test_the_site_users_work_shows_in_the_publishers_activity(app, world):
    dataset = h.dataset(world["orgs"]["B"])  # created by the site user
    tk.get_action("package_patch")(h.site_context(), {"id": dataset["id"], "title": "Corrigé"})
    site_user_id = model.User.get(h.site_context()["user"]).id
    for url in (f"/api/action/package_activity_list?id={dataset['id']}",
                f"/api/action/organization_activity_list?id={world['orgs']['B']['id']}"):
        activities = app.get(url).json["result"]  # anonymous visitor
        assert {"new package", "changed package"} <= {
            a["activity_type"] for a in activities if a["user_id"] == site_user_id}, url


# -- founding a publisher (outside eye, installing into an existing CKAN) --------------------

@pytest.mark.ckan_config("ckan.auth.user_create_organizations", "true")
def test_an_ordinary_account_cannot_found_a_publisher_even_where_ckan_would_let_it(app, world):
    """An installation that keeps CKAN's default (any account may create an organisation)
    still keeps publishers to the territory's bodies, onboarded by the administrators."""
    user = factories.User()
    allowed, answer = _api(app, {"Authorization": h.token(user)}, "organization_create",
                           {"name": "rogue", "title": "Rogue", "publisher_type": "etablissement"})
    assert not allowed
    assert "administrateurs de la plateforme" in answer["error"]["message"]
    assert model.Group.get("rogue") is None
    # the platform's administrators still onboard publishers
    assert tk.check_access("organization_create", {"user": world["sysadmin"]["name"]}, {})
