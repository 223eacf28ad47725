"""The attack of issue 11 in Chromium: an editor of publisher A uploads a script, then an
HTML page that includes it; an admin of publisher B, logged in, opens the page's link. The
script would act with B's session (read a CSRF token, patch B's dataset). With the
downloads' policy (security/headers.py) the page is a download, not a document of the
portal: no script runs, B's dataset is unchanged. The context enforces the policy (the
shared one bypasses it for axe-core)."""
from __future__ import annotations

import pytest
import requests
import ckan.plugins.toolkit as tk
from ckan import model
from playwright.sync_api import Error as PlaywrightError

from . import data
from .conftest import DESKTOP, _local_only, log_in

ORIGINAL_TITLE = "Comptages routiers de Colomiers"

ATTACK = """(async () => {
  window.__attack = 'started';
  const page = await fetch('/dataset/', {credentials: 'same-origin'}).then(r => r.text());
  const token = page.match(/<meta name="_csrf_token" content="([^"]+)"/)[1];
  const answer = await fetch('/api/3/action/package_patch', {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
    body: JSON.stringify({id: '%s', title: 'Piraté par une page téléversée'})});
  document.title = 'attaque ' + answer.status;
})();
"""


@pytest.fixture
def strict_context(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", bypass_csp=False,
                                   accept_downloads=True)
    context.set_default_timeout(30_000)
    context.route("**/*", _local_only)
    yield context
    context.close()


def _token(user: dict) -> str:
    return tk.get_action("api_token_create")({"user": user["name"], "ignore_auth": True},
                                             {"user": user["name"], "name": "jeton"})["token"]


def _upload(base_url: str, token: str, dataset_id: str, name: str, content: bytes,
            content_type: str, fmt: str = "") -> dict:
    """resource_create through the portal's API, as the editor's script would (a file
    whose extension is no listed format needs one declared: the attacker picks any)."""
    response = requests.post(
        base_url + "/api/3/action/resource_create", headers={"Authorization": token},
        data={"package_id": dataset_id, "name": name, "url": name, "format": fmt},
        files={"upload": (name, content, content_type)}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def _title(dataset_id: str) -> str:
    model.Session.remove()
    return tk.get_action("package_show")(data.site_context(), {"id": dataset_id})["title"]


def test_an_uploaded_page_and_script_never_run_in_the_portals_origin(strict_context,
                                                                       live_portal):
    roques, colomiers = data.commune("31458"), data.commune("31149")
    editor_a = data.editor_of(roques)
    admin_b = data.user()
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": colomiers["id"], "username": admin_b["name"], "role": "admin"})
    dataset_a = data.published_dataset(roques, name="releves-roques")
    dataset_b = data.published_dataset(colomiers, name="comptages-colomiers",
                                       title=ORIGINAL_TITLE)

    token = _token(editor_a)
    script = _upload(live_portal, token, dataset_a["id"], "outil.js",
                     (ATTACK % dataset_b["id"]).encode(), "text/javascript", fmt="TXT")
    script_path = script["url"].split("://", 1)[1].split("/", 1)[1]
    page_html = (f'<!DOCTYPE html><html lang="fr"><head><title>Rapport</title>'
                 f'<script src="/{script_path}"></script></head>'
                 f"<body><h1>Rapport annuel</h1></body></html>")
    report = _upload(live_portal, token, dataset_a["id"], "rapport.html",
                     page_html.encode(), "text/html")

    page = strict_context.new_page()
    log_in(page, live_portal, admin_b)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    try:
        page.goto(report["url"], wait_until="load")
        page.wait_for_load_state("networkidle")
    except PlaywrightError as error:  # the page is a download, not a document
        assert "Download is starting" in str(error), error

    assert _title(dataset_b["id"]) == ORIGINAL_TITLE
    assert not any("/api/3/action/package_patch" in url for url in requested), requested
    assert not any(url.endswith("/outil.js") for url in requested), requested
    assert page.evaluate("() => window.__attack === undefined"), "the uploaded script ran"
    # the reader still gets the file
    assert [d.suggested_filename for d in downloads] == ["rapport.html"]
