"""Browser fixtures: Playwright driving Debian's Chromium (no browser
download) against the live test portal, axe-core injected from npm
(tests/browser/node_modules, installed by scripts/install.sh)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[4]
AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# The flags this machine needs (no network but the loopback).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright gives the browser a fresh, temporary --user-data-dir.
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _local_only(route):
    """Only the loopback portal is reachable: map tiles and other outside
    resources fail, as they would behind a closed network."""
    host = urlsplit(route.request.url).hostname or ""
    if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def browser_context(chromium):
    # bypass_csp: axe-core is injected as an inline script, which the portal's
    # Content-Security-Policy refuses; test_security_policy.py checks the
    # policy in a context of its own, without this bypass.
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(30_000)
    context.route("**/*", _local_only)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


def open_page(page, url: str):
    """Load a page and wait until it is quiet (scripts run, modules set up)."""
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return response


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations found by axe-core on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'][0] if isinstance(node['target'][0], list) else node['target'])}: "
                         f"{node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}")
    return "\n".join(lines)


def screenshots(page, name: str) -> list[Path]:
    """Full-page PNGs of the current page at a desktop and a mobile width."""
    ARTIFACTS.mkdir(exist_ok=True)
    paths = []
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        # two animation frames: the layout has settled after the resize
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        path = ARTIFACTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(DESKTOP)
    return paths


def log_in(page, base_url: str, user: dict, password: str = "Mot-de-passe-31!") -> None:
    open_page(page, base_url + "/user/login")
    page.fill("#field-login", user["name"])
    page.fill("#field-password", password)
    with page.expect_navigation():
        page.click("form:has(#field-login) button[type=submit]")
    assert "/user/login" not in page.url, f"{user['name']} could not log in"
