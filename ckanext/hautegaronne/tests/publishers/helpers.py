"""Publishers and datasets for the publishers tests, created through the action API."""
from __future__ import annotations

import itertools

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.publishers import onboarding

_counter = itertools.count(1)


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def onboard(code: str) -> dict:
    outcome = onboarding.add(onboarding.resolve(code))
    return tk.get_action("organization_show")({"ignore_auth": True}, {"id": outcome.name})


def dataset(org: dict, **overrides) -> dict:
    number = next(_counter)
    data = {
        "name": f"donnees-{number}",
        "title": f"Délibérations n°{number}",
        "notes": "Les délibérations du conseil municipal.",
        "owner_org": org["id"],
        "license_id": "lov2",
        "resources": [{"name": "Délibérations (CSV)", "url": "https://example.org/deliberations.csv",
                       "format": "CSV"}],
    }
    data.update(overrides)
    return tk.get_action("package_create")(site_context(), data)


def member(org: dict, role: str, user: dict | None = None) -> dict:
    user = user or factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True, "user": site_context()["user"]},
        {"id": org["id"], "username": user["name"], "role": role})
    return user


def token(user: dict) -> str:
    return factories.APIToken(user=user["name"])["token"]
