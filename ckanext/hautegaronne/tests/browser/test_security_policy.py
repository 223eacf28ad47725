"""The Content-Security-Policy in a real browser: the portal's pages, forms
included, meet no violation (inline code CKAN writes is allowed by hash) and
their scripts run (CKAN's modules start, htmx adds its styles, the resource
form's Link button works)."""
from __future__ import annotations

import pytest

from . import data
from .conftest import DESKTOP, _local_only, log_in, open_page

WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${(e.sample || '').slice(0, 60)}) `
    + `at ${e.sourceFile}:${e.lineNumber}`));
"""

SCRIPTS_RAN = """() => ({
    ckan: typeof window.ckan === 'object' && typeof window.ckan.module === 'function',
    jquery: typeof window.jQuery === 'function',
    // CKAN's autocomplete module turned the footer's language <select> into select2
    select2: document.querySelectorAll('.select2-container').length > 0,
    // htmx added its indicator <style> (allowed by its hash)
    htmx: [...document.querySelectorAll('style')].some(s => s.textContent.includes('htmx-indicator')),
})"""


@pytest.fixture
def strict_page(chromium):
    """A page whose context enforces the policy (the shared browser_context
    bypasses it for axe-core)."""
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", bypass_csp=False)
    context.set_default_timeout(30_000)
    context.route("**/*", _local_only)
    yield context.new_page()
    context.close()


def _watch(page) -> list[str]:
    messages: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: messages.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
    page.on("pageerror", lambda e: messages.append(f"script error: {e}"))
    return messages


def _check(page, url: str, problems: dict) -> None:
    response = open_page(page, url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    ran = page.evaluate(SCRIPTS_RAN)
    found = page.evaluate("() => window.__cspViolations")
    if found or not all(ran.values()):
        problems[url] = {"violations": found, "scripts": ran}


def test_no_page_meets_a_policy_violation_and_scripts_run(strict_page, live_portal):
    page = strict_page
    org = data.commune("31458")
    dataset = data.published_dataset(org)
    editor = data.editor_of(org)
    messages = _watch(page)
    problems: dict = {}
    for path in ["/", "/dataset/?q=routes", f"/dataset/{dataset['name']}",
                 f"/organization/{org['name']}", "/producteurs", "/user/login"]:
        _check(page, live_portal + path, problems)
    log_in(page, live_portal, editor)
    for path in ["/dataset/new", f"/dataset/edit/{dataset['name']}", f"/user/edit/{editor['name']}",
                 f"/dataset/{dataset['id']}/resource/new"]:
        _check(page, live_portal + path, problems)

    # the resource form's Link button runs its inline handler (allowed by hash)
    page.click("#resource-link-button")
    assert page.evaluate("() => document.getElementById('resource-url-link').checked")
    assert page.evaluate("() => document.activeElement.id") == "field-resource-url"
    page.fill("#field-resource-url", "https://data.example.org/comptages-2026.csv")
    # and its Remove button too
    page.click(".select-type:has(#field-resource-url) .btn-remove-url")
    assert page.evaluate("() => document.getElementById('field-resource-url').value") == ""
    late = page.evaluate("() => window.__cspViolations")
    if late:
        problems["resource form buttons"] = {"violations": late}

    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())
    assert messages == [], messages
