"""Bulk actions touch the organisation's own datasets only (issue 11, item 6): another
publisher's ids are refused, nothing is written, no activity is forged on them."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from . import helpers as h


@pytest.fixture
def world(clean_all):
    orgs = {"A": h.onboard("31458"), "B": h.onboard("31555")}
    admin_a = h.member(orgs["A"], "admin")
    return {"orgs": orgs, "admin_a": admin_a, "headers": {"Authorization": h.token(admin_a)}}


def _activities_by(user: dict, dataset: dict) -> list:
    return [a for a in helpers.call_action("package_activity_list", id=dataset["id"])
            if a["user_id"] == user["id"]]


@pytest.mark.parametrize("action, field, changed", [
    ("bulk_update_private", "private", True),
    ("bulk_update_delete", "state", "deleted"),
    ("bulk_update_public", "private", False),
])
def test_another_publishers_datasets_are_refused(app, world, action, field, changed):
    private = action == "bulk_update_public"
    mine = h.dataset(world["orgs"]["A"], private=private)
    theirs = h.dataset(world["orgs"]["B"], private=private)
    before = helpers.call_action("package_show", id=theirs["id"])[field]
    response = app.post(f"/api/action/{action}", headers=world["headers"], status=403, json={
        "org_id": world["orgs"]["A"]["id"], "datasets": [mine["id"], theirs["id"]]})
    assert "autre organisation" in response.json["error"]["message"]
    assert helpers.call_action("package_show", id=theirs["id"])[field] == before
    assert helpers.call_action("package_show", id=mine["id"])[field] == before
    assert _activities_by(world["admin_a"], theirs) == []
    # its own datasets
    app.post(f"/api/action/{action}", headers=world["headers"], status=200, json={
        "org_id": world["orgs"]["A"]["id"], "datasets": [mine["id"]]})
    assert helpers.call_action("package_show", id=mine["id"])[field] == changed


def test_unknown_ids_are_refused_too(app, world):
    app.post("/api/action/bulk_update_private", headers=world["headers"], status=403, json={
        "org_id": world["orgs"]["A"]["id"], "datasets": ["pas-un-jeu-de-donnees"]})


@pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")
def test_a_sysadmin_with_the_override_meets_the_same_rule(app, world):
    theirs = h.dataset(world["orgs"]["B"])
    sysadmin = factories.Sysadmin()
    app.post("/api/action/bulk_update_private", status=403,
             headers={"Authorization": h.token(sysadmin)},
             json={"org_id": world["orgs"]["A"]["id"], "datasets": [theirs["id"]]})
    assert _activities_by(sysadmin, theirs) == []
    assert not helpers.call_action("package_show", id=theirs["id"])["private"]
