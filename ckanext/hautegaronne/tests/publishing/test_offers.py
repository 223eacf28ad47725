"""A button or link that offers an action leads to it: for each role (the public, a member
of another publisher, a bound platform administrator, the publisher's editor and admin),
every action link shown on a publisher's pages opens without a 403, and "Ajouter un jeu de
données" is shown to those who may add a dataset to that publisher only (issue 13)."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data

pytestmark = pytest.mark.usefixtures("clean_all")

# Links that offer to change something (forms, confirmations, management pages).
_ACTION_LINK = re.compile(
    r'href="(/(?:dataset|organization|harvest|producteurs)/[^"#]*?'
    r'(?:/new|new_resource|/edit|edit/|member_new|manage_members|bulk_process|delete|'
    r'depublier|/views|resources/|ajouter)[^"#]*)"')


def _headers(user: dict | None) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}


def _member(org: dict, user: dict, role: str) -> None:
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": org["id"], "username": user["name"], "role": role})


@pytest.fixture
def people(app):
    roques = data.commune("31458")
    other = data.commune("31557")
    dataset = data.published_dataset(roques)
    editor, admin, outsider = factories.User(), factories.User(), factories.User()
    _member(roques, editor, "editor")
    _member(roques, admin, "admin")
    _member(other, outsider, "editor")
    return {"roques": roques, "dataset": dataset, "roles": {
        "public": None, "member of another publisher": outsider,
        "bound platform administrator": factories.Sysadmin(),
        "editor": editor, "admin": admin}}


def _pages(people) -> list[str]:
    org, dataset = people["roques"]["name"], people["dataset"]
    resource = dataset["resources"][0]["id"]
    return [f"/organization/{org}", f"/organization/about/{org}",
            f"/organization/members/{org}", f"/dataset/{dataset['name']}",
            f"/dataset/{dataset['name']}/resource/{resource}", "/dataset/", "/producteurs"]


def test_every_action_offered_on_a_publishers_pages_opens(app, people):
    refused, checked = {}, {}
    for role, user in people["roles"].items():
        headers = _headers(user)
        for url in _pages(people):
            response = app.get(url, headers=headers)
            if response.status_code != 200:  # the members page, to the public
                continue
            html = response.get_data(as_text=True)
            for link in sorted(set(_ACTION_LINK.findall(html))):
                link = link.replace("&amp;", "&")
                status = app.get(link, headers=headers, follow_redirects=False).status_code
                checked[role] = checked.get(role, 0) + 1
                if status in (401, 403):
                    refused.setdefault(role, []).append(f"{url} offers {link}: {status}")
    assert checked["editor"] and checked["admin"], "the crawl followed no link"
    assert not refused, "\n".join(f"{role}: {line}" for role, lines in refused.items()
                                  for line in lines)


@pytest.mark.parametrize("role, offered", [
    ("public", False), ("member of another publisher", False),
    ("bound platform administrator", False), ("editor", True), ("admin", True)])
def test_add_a_dataset_is_offered_to_those_who_may(app, people, role, offered):
    org = people["roques"]
    html = app.get(f"/organization/{org['name']}",
                   headers=_headers(people["roles"][role])).get_data(as_text=True)
    assert ("Ajouter un jeu de données" in html) is offered
    assert (f'/dataset/new?group={org["id"]}' in html) is offered
