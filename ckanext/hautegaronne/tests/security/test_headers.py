"""Security headers on every kind of response, and a Content-Security-Policy
that covers the inline code CKAN and its extensions write (by hash)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import ckan
import ckanext.scheming

from ckanext.hautegaronne.security import headers as security_headers
from ckanext.hautegaronne.tests.browser import data

from .helpers import directive, inline_code, sha256, token_headers

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


@pytest.fixture
def content(clean_all):
    org = data.commune("31458")  # Roques
    dataset = data.published_dataset(org)
    editor = data.editor_of(org)
    return {"org": org, "dataset": dataset, "editor": editor}


def _assert_headers(response, url):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name, response.headers.get(name))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, (url, policy)
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "camera=()" in response.headers.get("Permissions-Policy", "")
    # plain HTTP: no HSTS (a browser ignores it there, and it would be wrong)
    assert "Strict-Transport-Security" not in response.headers


def test_every_kind_of_response_carries_the_headers(app, content):
    dataset, org = content["dataset"], content["org"]
    home = app.get("/").get_data(as_text=True)
    asset = re.search(r'src="(/webassets/[^"]+\.js)"', home).group(1)
    pages = {
        "/": 200,
        "/dataset/?q=routes&res_format=CSV": 200,
        f"/dataset/{dataset['name']}": 200,
        f"/organization/{org['name']}": 200,
        "/producteurs": 200,
        "/user/login": 200,
        "/api/3/action/package_search?q=routes": 200,
        "/api/3/action/status_show": 200,
        "/catalog.ttl": 200,
        f"/dataset/{dataset['name']}.jsonld": 200,
        "/hautegaronne/wordmark.svg": 200,  # the extension's public folder
        "/base/images/ckan.ico": 200,  # CKAN's public folder
        asset: 200,  # web assets
        "/dataset/no-such-dataset": 404,
        "/api/3/action/package_show?id=no-such-dataset": 404,
        "/ckan-admin": 403,
    }
    for url, status in pages.items():
        response = app.get(url, status=status)
        _assert_headers(response, url)
    # an error raised before any view: a form posted without its CSRF token
    # (test.ini disables CSRF for the test client; the live portal does not)


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", "true")
def test_the_csrf_error_page_carries_the_headers(app, content):
    response = app.post("/user/login", data={"login": "x", "password": "y"}, status=400)
    _assert_headers(response, "/user/login (400)")


def test_inline_code_of_the_forms_is_allowed_by_hash_and_nothing_else(app, content):
    """Every inline <style>, style attribute and event handler of the
    portal's pages (forms included: the themes' checkboxes, the stages of the
    dataset form, the resource upload buttons) has its hash in the policy; there is no inline script, so the policy needs
    neither 'unsafe-inline' nor nonces."""
    dataset, org, editor = content["dataset"], content["org"], content["editor"]
    resource = dataset["resources"][0]
    auth = token_headers(editor)
    urls = [
        "/", "/dataset/", f"/dataset/{dataset['name']}", f"/organization/{org['name']}",
        "/producteurs", "/dataset/new", f"/dataset/edit/{dataset['name']}",
        f"/dataset/{dataset['id']}/resource/new",
        f"/dataset/{dataset['id']}/resource/{resource['id']}/edit",
        f"/dataset/{dataset['id']}/resource/{resource['id']}",
        f"/user/edit/{editor['name']}", f"/user/{editor['name']}/api-tokens",
    ]
    handlers_seen, refused = set(), []
    for url in urls:
        response = app.get(url, headers=auth)
        policy = response.headers["Content-Security-Policy"]
        code = inline_code(response.get_data(as_text=True))
        assert code.scripts == [], (url, code.scripts)
        refused += [(url, sha256(style), style) for style in code.styles
                    if sha256(style) not in directive(policy, "style-src")]
        refused += [(url, sha256(handler), handler) for handler in code.handlers
                    if sha256(handler) not in directive(policy, "script-src")]
        # style="..." attributes: allowed by hash with 'unsafe-hashes'
        refused += [(url, sha256(style), style) for style in code.style_attributes
                    if sha256(style) not in directive(policy, "style-src")]
        handlers_seen.update(code.handlers)
    assert refused == [], "\n".join(f"{url} {digest} {text!r}" for url, digest, text in refused)
    # the resource form's buttons are the handlers the policy exists for
    assert any("resource-url-link" in h for h in handlers_seen)


def test_style_hashes_match_the_installed_libraries():
    """The <style> elements written by htmx and ckanext-scheming, read from
    their installed sources: an upgrade that changes them fails here."""
    htmx = (Path(ckan.__file__).parent / "public/base/vendor/htmx.js").read_text()
    body = re.search(r"function insertIndicatorStyles\(\).*?\n  }\n", htmx, re.S).group(0)
    pieces = re.findall(r"`([^`]*)`|'([^']*)'", body.split("`<style${nonceAttribute}>` +", 1)[1])
    css = "".join(a or b for a, b in pieces).split("</style>")[0]
    css = css.replace("${indicator}", "htmx-indicator").replace("${request}", "htmx-request")
    snippet = (Path(ckanext.scheming.__file__).parent /
               "templates/scheming/form_snippets/multiple_checkbox.html").read_text()
    checkbox_css = snippet.split("<style>", 1)[1].split("</style>", 1)[0]
    assert sha256(css) in security_headers.STYLE_HASHES, css
    assert sha256(checkbox_css) in security_headers.STYLE_HASHES


def test_the_map_tile_server_is_allowed_for_images(app, clean_db):
    policy = app.get("/").headers["Content-Security-Policy"]
    assert "https://tile.openstreetmap.org" in directive(policy, "img-src")


@pytest.mark.ckan_config("ckanext.hautegaronne.content_security_policy", "default-src 'none'")
def test_a_configured_policy_is_sent_as_it_is(app, clean_db):
    assert app.get("/").headers["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.ckan_config("ckanext.hautegaronne.content_security_policy", "off")
def test_the_policy_can_be_turned_off(app, clean_db):
    response = app.get("/")
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
