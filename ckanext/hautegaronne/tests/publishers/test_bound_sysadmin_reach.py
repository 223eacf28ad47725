"""Bound sysadmins, continued: the findings of the outside attack on a running portal
(DataStore functions and triggers, accounts with a chosen password, tags, datasets attached
to another organisation, the site user's tokens), each over HTTP against the real services.

Same world as test_bound_sysadmin: the bound sysadmin is an admin of A (Roques); B
(Toulouse) has one admin.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from . import helpers as h
from .test_bound_sysadmin import OVERRIDE, _api, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("with_plugins")

FUNCTION = "hg_test_trigger"
DEFINITION = "BEGIN RETURN NEW; END;"


# -- #1 DataStore functions and triggers ---------------------------------------------------

def _function_exists(name: str) -> bool:
    from ckanext.datastore.backend.postgres import get_write_engine
    with get_write_engine().connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM pg_proc WHERE proname = :n"),
                                  {"n": name}).scalar() > 0


@pytest.fixture
def no_function():
    yield
    if _function_exists(FUNCTION):
        helpers.call_action("datastore_function_delete", context=h.site_context(),
                            name=FUNCTION)


def test_no_datastore_function_nor_trigger_for_a_bound_sysadmin(app, world, no_function):
    headers = world["headers"]
    allowed, body = _api(app, headers, "datastore_function_create",
                         {"name": FUNCTION, "rettype": "trigger", "definition": DEFINITION})
    assert not allowed and "déclencheurs" in body["error"]["message"]
    assert not _function_exists(FUNCTION)
    # the operators (site user, override) still create it; the bound sysadmin neither
    # attaches it to a table, even of its own publisher, nor deletes it, nor fires triggers
    helpers.call_action("datastore_function_create", context=h.site_context(),
                        name=FUNCTION, rettype="trigger", definition=DEFINITION)
    own = h.dataset(world["orgs"]["A"])["resources"][0]["id"]
    fields = [{"id": "x", "type": "text"}]
    allowed, body = _api(app, headers, "datastore_create", {
        "resource_id": own, "force": True, "fields": fields,
        "triggers": [{"function": FUNCTION}]})
    assert not allowed and "déclencheurs" in body["error"]["message"]
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("datastore_info", id=own)
    assert _api(app, headers, "datastore_create",
                {"resource_id": own, "force": True, "fields": fields})[0]  # no trigger: its own
    assert not _api(app, headers, "datastore_run_triggers", {"resource_id": own})[0]
    assert not _api(app, headers, "datastore_function_delete", {"name": FUNCTION})[0]
    assert _function_exists(FUNCTION)


@OVERRIDE
def test_the_override_runs_datastore_functions(world):
    context = {"user": world["sysadmin"]["name"]}
    for action in ("datastore_function_create", "datastore_function_delete",
                   "datastore_run_triggers"):
        assert helpers.call_auth(action, dict(context), name=FUNCTION, resource_id="x")


# -- #5 accounts with a password the bound sysadmin chose -----------------------------------

def test_no_account_with_a_chosen_password_then_named_first_admin(app, world):
    blagnac = h.onboard("31069")  # onboarded, no member yet
    allowed, body = _api(app, world["headers"], "user_create", {
        "name": "marionnette", "email": "ops+marionnette@example.org",
        "password": "Marionnette-31-pass"})
    assert not allowed and "mot de passe" in body["error"]["message"]
    assert model.User.get("marionnette") is None
    # an existing account (someone else's, who chose its password) is still named first admin,
    # and inviting the person is still possible
    context = {"user": world["sysadmin"]["name"]}
    assert helpers.call_auth("user_invite", dict(context), email="agent@example.org",
                             group_id=blagnac["id"], role="admin")
    agent = factories.User()
    assert _api(app, world["headers"], "organization_member_create",
                {"id": blagnac["id"], "username": agent["name"], "role": "admin"})[0]


@pytest.mark.ckan_config("ckan.auth.create_user_via_web", "true")
def test_registration_and_operators_still_create_accounts(world):
    # where the portal opens registration, anonymous visitors still reach CKAN's rule
    assert helpers.call_auth("user_create", {"user": ""}, name="visiteur",
                             password="Visiteur-31-pass")
    assert helpers.call_auth("user_create", h.site_context(), name="agent",
                             password="Agent-31-pass")


@OVERRIDE
def test_the_override_creates_accounts_with_a_password(world):
    assert helpers.call_auth("user_create", {"user": world["sysadmin"]["name"]},
                             name="agent", password="Agent-31-pass")


# -- #6 tags used by another publisher's datasets -----------------------------------------

def _tag_names(dataset_id: str) -> list[str]:
    return [t["name"] for t in helpers.call_action("package_show", id=dataset_id)["tags"]]


def test_no_tag_deleted_from_another_publishers_datasets(app, world):
    theirs = h.dataset(world["orgs"]["B"], tags=[{"name": "voirie"}, {"name": "bobtag"}])
    allowed, body = _api(app, world["headers"], "tag_delete", {"id": "bobtag"})
    assert not allowed and "étiquette" in body["error"]["message"]
    assert _tag_names(theirs["id"]) == ["bobtag", "voirie"]
    # a tag only its own publisher's datasets carry
    mine = h.dataset(world["orgs"]["A"], tags=[{"name": "patrimoine"}])
    assert _api(app, world["headers"], "tag_delete", {"id": "patrimoine"})[0]
    assert _tag_names(mine["id"]) == []


def _vocabulary_on(dataset_id: str) -> dict:
    vocabulary = helpers.call_action("vocabulary_create", context=h.site_context(),
                                     name="themes-territoire",
                                     tags=[{"name": "eau"}, {"name": "routes"}])
    tag = model.Tag.get("routes", vocabulary["id"])
    # the dataset schema has no vocabulary field: the link is made as CKAN stores it
    model.Session.add(model.PackageTag(package=model.Package.get(dataset_id), tag=tag,
                                       state="active"))
    model.Session.commit()
    return vocabulary


def test_no_vocabulary_change_that_removes_another_publishers_tags(app, world):
    theirs = h.dataset(world["orgs"]["B"])
    vocabulary = _vocabulary_on(theirs["id"])
    headers = world["headers"]
    assert not _api(app, headers, "vocabulary_update",
                    {"id": vocabulary["id"], "tags": [{"name": "eau"}]})[0]
    assert not _api(app, headers, "vocabulary_delete", {"id": vocabulary["id"]})[0]
    assert not _api(app, headers, "tag_delete",
                    {"id": "routes", "vocabulary_id": vocabulary["id"]})[0]
    model.Session.remove()
    assert model.Tag.get("routes", vocabulary["id"]) is not None
    # a change that keeps the tags in use
    assert _api(app, headers, "vocabulary_update", {
        "id": vocabulary["id"], "tags": [{"name": "routes"}, {"name": "sentiers"}]})[0]


# -- #9 a dataset attached to another organisation ----------------------------------------

def _dataset_members(org: dict) -> list[str]:
    return [m[0] for m in helpers.call_action("member_list", id=org["id"],
                                              object_type="package")]


def test_no_dataset_attached_to_another_organisation(app, world):
    org_a, theirs = world["orgs"]["A"], h.dataset(world["orgs"]["B"])
    admin_a = h.member(org_a, "admin")
    data = {"id": org_a["id"], "object": theirs["id"], "object_type": "package",
            "capacity": "public"}
    for headers in ({"Authorization": h.token(admin_a)}, world["headers"]):
        allowed, body = _api(app, headers, "member_create", data)
        assert not allowed and "organisation" in body["error"]["message"]
    assert theirs["id"] not in _dataset_members(org_a)
    # nor its own dataset into another publisher where it is admin too
    mine = h.dataset(org_a)
    assert not _api(app, {"Authorization": h.token(world["admin_b"])}, "member_create",
                    {**data, "id": world["orgs"]["B"]["id"], "object": mine["id"]})[0]


@OVERRIDE
def test_the_override_still_manages_dataset_memberships(world):
    theirs = h.dataset(world["orgs"]["B"])
    assert helpers.call_auth("member_create", {"user": world["sysadmin"]["name"]},
                             id=world["orgs"]["A"]["id"], object=theirs["id"],
                             object_type="package", capacity="public")


# -- #18 the site user's tokens -----------------------------------------------------------

def test_the_site_users_tokens_are_neither_listed_nor_revoked(app, world):
    site_user = model.User.get(h.site_context()["user"])
    token = factories.APIToken(user=site_user.name)
    jti = model.Session.query(model.ApiToken.id).filter_by(user_id=site_user.id).scalar()
    assert token["token"] and jti
    assert not _api(app, world["headers"], "api_token_list", {"user_id": site_user.name})[0]
    allowed, body = _api(app, world["headers"], "api_token_revoke", {"jti": jti})
    assert not allowed and "utilisateur du site" in body["error"]["message"]
    assert model.ApiToken.get(jti) is not None
    # another user's tokens: CKAN's sysadmin rule, as documented
    other = factories.APIToken(user=world["admin_b"]["name"])
    assert _api(app, world["headers"], "api_token_revoke", {"token": other["token"]})[0]
