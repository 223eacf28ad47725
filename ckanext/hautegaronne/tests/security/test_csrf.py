"""CSRF protection of every form of the portal, and of the action API for
cookie-authenticated requests; API tokens are the only other credential
(legacy API keys are not accepted).

CSRF is on here as in production (test.ini turns it off for the other tests)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne.tests.browser import data
from ckanext.hautegaronne.tests.harvest.conftest import make_source

from .helpers import csrf_token, log_in

pytestmark = pytest.mark.ckan_config("WTF_CSRF_ENABLED", "true")



class Forms(HTMLParser):
    """The forms of a page: method, action and fields (name -> value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(),
                               "action": a.get("action"), "fields": {}})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") in ("submit", "file"):
                return
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1]["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post"]


def snapshot() -> dict:
    """What a forged form could change."""
    model.Session.remove()
    queries = {
        "package": "select id, name, state, private, owner_org, metadata_modified from package",
        "resource": "select id, state, url, metadata_modified from resource",
        "group": 'select id, name, state, title, type from "group"',
        "member": "select id, state, capacity, table_id, group_id from member",
        "user": 'select id, name, state, fullname, about, email, sysadmin, password from "user"',
        "api_token": "select id from api_token",
        "system_info": "select key, value from system_info",
    }
    return {name: sorted(map(tuple, model.Session.execute(sa.text(sql)).fetchall()), key=str)
            for name, sql in queries.items()}


@pytest.fixture
def portal(clean_all):
    org = data.commune("31458")  # Roques
    dataset = data.published_dataset(org)
    admin = factories.Sysadmin(password=data.PASSWORD)
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": org["id"], "username": admin["name"], "role": "admin"})
    source = make_source(org, "https://data.example.org/catalog.rdf")
    return {"org": org, "dataset": dataset, "admin": admin, "source": source}


def _form_pages(portal) -> list[str]:
    ds, org, admin = portal["dataset"], portal["org"]["name"], portal["admin"]["name"]
    rid = ds["resources"][0]["id"]
    return [
        f"/dataset/{ds['name']}",  # every page: the language selector
        "/dataset/new", f"/dataset/edit/{ds['name']}", f"/dataset/delete/{ds['id']}",
        f"/dataset/{ds['id']}/resource/new", f"/dataset/{ds['id']}/resource/{rid}/edit",
        f"/dataset/{ds['id']}/resource/{rid}/delete",
        "/organization/new",  # every publisher type's creation form posts there
        f"/organization/edit/{org}", f"/organization/member_new/{org}",
        f"/organization/delete/{org}", f"/organization/bulk_process/{org}",
        "/harvest/new", f"/harvest/edit/{portal['source']['name']}",
        f"/user/edit/{admin}", f"/user/{admin}/api-tokens", "/user/register",
        "/producteurs/ajouter", "/ckan-admin/config", "/ckan-admin/trash",
    ]


def test_every_form_carries_the_token_and_is_refused_without_it(app, portal):
    # (registration is closed: sysadmins create accounts)
    anonymous_pages = ["/user/login", "/user/reset"]
    checked = []
    for url in anonymous_pages:
        checked += _check_forms(app, url)
    assert log_in(app, portal["admin"]).status_code == 302
    for url in _form_pages(portal):
        checked += _check_forms(app, url)
    # the walk reached the forms it is meant for
    assert {"/user/login", "/dataset/new", "/harvest/new", "/producteurs/ajouter",
            f"/organization/member_new/{portal['org']['name']}"} <= {url for url, _ in checked}
    assert len(checked) >= 25


def _check_forms(app, url) -> list[tuple[str, str]]:
    response = app.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    token = csrf_token(html)
    forms = post_forms(html)
    assert forms, f"no form on {url}"
    checked = []
    for form in forms:
        action = urljoin("http://test.ckan.net" + url, form["action"] or url)
        action = action.replace("http://test.ckan.net", "")
        assert form["fields"].get("_csrf_token") == token, (url, action, form["fields"])
        fields = {k: v for k, v in form["fields"].items() if k != "_csrf_token"}
        before = snapshot()
        refused = app.post(action, data=fields, follow_redirects=False)
        assert refused.status_code == 400, (url, action, refused.status_code)
        assert "CSRF" in refused.get_data(as_text=True) or refused.status_code == 400
        assert snapshot() == before, (url, action)
        checked.append((url, action))
    return checked


def test_an_anonymous_visit_does_not_open_a_form_to_forged_posts(app, portal):
    """CKAN 2.12 exempts a view from the CSRF check for the rest of the
    process as soon as an anonymous visitor requests it; the portal checks
    the token again for every cookie-authenticated request."""
    app.flask_app.test_client().get("/dataset/new")  # an anonymous visitor
    assert app.flask_app.extensions["csrf"]._exempt_views, "CKAN's exemption is gone: see security/csrf.py"
    assert log_in(app, portal["admin"]).status_code == 302
    before = snapshot()
    forged = app.post("/dataset/new", data={
        "name": "forged", "title": "Forged", "owner_org": portal["org"]["id"],
        "save": "continue"}, follow_redirects=False)
    assert forged.status_code == 400
    assert snapshot() == before
    # the same form with its token goes through (the check is not a blanket refusal)
    url = "/user/edit/" + portal["admin"]["name"]
    form = next(f for f in post_forms(app.get(url).get_data(as_text=True)) if "email" in f["fields"])
    fine = app.post(url, data={**form["fields"], "fullname": "Administratrice du portail",
                               "old_password": data.PASSWORD, "save": ""},
                    follow_redirects=False)
    assert fine.status_code == 302, fine.get_data(as_text=True)[:500]
    assert model.User.get(portal["admin"]["name"]).fullname == "Administratrice du portail"


def _package_create(app, **kwargs):
    return app.post("/api/3/action/package_create", json=data.dataset_dict(
        kwargs.pop("owner_org"), name=kwargs.pop("name")), follow_redirects=False, **kwargs)


def test_the_action_api_refuses_a_cookie_authenticated_post_without_token(app, portal):
    owner = portal["org"]["id"]
    # anonymous API calls (which make CKAN exempt the API view) come first
    app.flask_app.test_client().get("/api/3/action/status_show")
    app.flask_app.test_client().post("/api/3/action/package_search", json={})
    assert log_in(app, portal["admin"]).status_code == 302
    before = snapshot()
    assert _package_create(app, owner_org=owner, name="cookie-forged").status_code == 400
    assert snapshot() == before
    # the portal's own scripts send the page's token in X-CSRFToken
    token = csrf_token(app.get("/dataset/").get_data(as_text=True))
    done = _package_create(app, owner_org=owner, name="cookie-with-token",
                           headers={"X-CSRFToken": token})
    assert done.status_code == 200, done.get_data(as_text=True)[:500]


def test_api_tokens_need_no_csrf_token_and_legacy_api_keys_are_refused(app, portal):
    owner, admin = portal["org"]["id"], portal["admin"]
    client = app.flask_app.test_client()  # no cookie
    token = factories.APIToken(user=admin["name"])["token"]
    done = client.post("/api/3/action/package_create", headers={"Authorization": token},
                       json=data.dataset_dict(owner, name="with-api-token"))
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    # a legacy API key (the user table still has the column) authenticates nobody
    user = model.User.get(admin["name"])
    user.apikey = "8b3c0c43-legacy-api-key-0000"
    model.Session.commit()
    before = snapshot()
    for header in ("Authorization", "X-CKAN-API-Key"):
        refused = client.post("/api/3/action/package_create", headers={header: user.apikey},
                              json=data.dataset_dict(owner, name="with-api-key"))
        assert refused.status_code == 403, (header, refused.status_code)
    assert snapshot() == before
