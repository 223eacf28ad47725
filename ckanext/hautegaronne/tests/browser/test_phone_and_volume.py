"""The portal at realistic volumes and on phones: the whole territory onboarded (605
publishers) and hundreds of datasets, so that lists paginate as they do in production.
WCAG 2.1 A/AA (axe-core) on the paginated pages, and no page wider than a 320 px or a
390 px phone screen."""
from __future__ import annotations

import re

import pytest

from . import data
from .conftest import _local_only, axe_violations, describe, log_in, open_page

DATASETS = 250  # more than 12 pages of 20 results
PHONES = (320, 390)
PHONE_HEIGHT = 844


def _reset_portal() -> None:
    """What the ``clean_all`` fixture does, once for the module."""
    from ckan.cli.db import _run_migrations
    from ckan.lib import search
    from ckan.tests import helpers

    helpers.reset_db()
    for plugin in ("activity", "harvest", "tracking", "hautegaronne"):
        _run_migrations(plugin)
    search.clear_all()


def _bulk_datasets(orgs: list[dict], total: int) -> list[dict]:
    """``total`` datasets spread over ``orgs``, indexed with one Solr commit at the end."""
    import ckan.plugins.toolkit as tk
    from ckan.common import config
    from ckan.lib import search

    context = data.site_context()
    config["ckan.search.solr_commit"] = False
    try:
        created = [tk.get_action("package_create")(dict(context), data.dataset_dict(
            orgs[index % len(orgs)]["id"], name=f"comptages-routiers-{index:03d}",
            title=f"Comptages routiers {2000 + index % 26} n° {index}"))
            for index in range(total)]
    finally:
        config["ckan.search.solr_commit"] = True
    search.commit()
    return created


@pytest.fixture(scope="module")
def volume_portal(tmp_path_factory):
    """The portal served by gunicorn over a database holding the whole territory and
    DATASETS datasets; yields its base URL and the content the tests open."""
    import ckan.plugins as plugins
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.hautegaronne.publishers import onboarding, types

    from ..live import ROOT, served_by_gunicorn

    plugins.load_all()
    try:
        _reset_portal()
        outcomes = onboarding.add_all()
        assert len(outcomes) == 605
        # Roques, Toulouse, Tournefeuille, Colomiers
        orgs = [tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": types.org_name_for(onboarding.resolve(code))})
            for code in ("31458", "31555", "31557", "31149")]
        roques = orgs[0]
        datasets = _bulk_datasets(orgs, DATASETS)
        editor = data.editor_of(roques)
        ini = tmp_path_factory.mktemp("volume") / "live-portal.ini"
        ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\nWTF_CSRF_ENABLED = true\n",
                       encoding="utf-8")
        model.Session.remove()
        with served_by_gunicorn(ini, log_name="volume-portal") as (base_url, _log):
            yield {"url": base_url, "org": roques, "dataset": datasets[0], "editor": editor}
    finally:
        plugins.unload_all()


def _public_pages(content: dict) -> dict[str, str]:
    dataset, org = content["dataset"], content["org"]
    return {
        "home": "/",
        "search": "/dataset/",
        "search, page 2": "/dataset/?page=2",
        "dataset": f"/dataset/{dataset['name']}",
        "resource": f"/dataset/{dataset['name']}/resource/{dataset['resources'][0]['id']}",
        "producteurs": "/producteurs",
        "publisher": f"/{org['type']}/{org['name']}",
        "reuses": "/reutilisations",
        "login": "/user/login",
    }


# ------------------------------------------------------------------ accessibility


def test_paginated_pages_have_no_wcag_a_aa_violation(page, volume_portal):
    base = volume_portal["url"]
    failing = {}
    for label, path in _public_pages(volume_portal).items():
        response = open_page(page, base + path)
        assert response.status == 200, f"{label}: {path} answered {response.status}"
        violations = axe_violations(page)
        if violations:
            failing[f"{label} ({path})"] = violations
    assert not failing, "WCAG 2.1 A/AA violations:\n" + "\n".join(
        f"{where}\n{describe(v)}" for where, v in failing.items())


def test_search_results_paginate_with_named_previous_and_next_links(page, volume_portal):
    open_page(page, volume_portal["url"] + "/dataset/?page=2")
    links = page.locator(".pagination a.page-link")
    names = [links.nth(i).evaluate("a => a.innerText.trim()") for i in range(links.count())]
    assert "Page précédente" in names and "Page suivante" in names, names
    assert "13" in names, f"{DATASETS} datasets make 13 pages of 20: {names}"
    # the arrows keep their icon, hidden from screen readers
    icons = page.locator(".pagination a.page-link i.fa-chevron-left[aria-hidden=true]")
    assert icons.count() == 1
    # htmx (hx-boost) swaps the results in and pushes the new address
    page.get_by_role("link", name="Page suivante").click()
    page.wait_for_url(re.compile(r"[?&]page=3\b"))
    assert page.locator(".pagination .active").first.inner_text().strip() == "3"


# ------------------------------------------------------------------ phones

WIDER_THAN_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const wider = [];
    for (const element of document.querySelectorAll('body *')) {
        const box = element.getBoundingClientRect();
        if (box.width && (box.right > width + 0.5 || box.left < -0.5)) {
            const style = getComputedStyle(element);
            if (style.position === 'fixed' || style.visibility === 'hidden' || box.width <= 1
                || element.closest('.visually-hidden, .visually-hidden-focusable')) continue;
            wider.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                       + (element.className && typeof element.className === 'string'
                          ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
                       + ` [${Math.round(box.left)}, ${Math.round(box.right)}]`);
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, wider: wider.slice(0, 8)};
}"""


@pytest.fixture
def phone(chromium):
    """A touch-screen phone context (no desktop scrollbars, a phone's user agent)."""
    context = chromium.new_context(viewport={"width": PHONES[-1], "height": PHONE_HEIGHT},
                                   is_mobile=True, has_touch=True, device_scale_factor=2,
                                   locale="fr-FR")
    context.set_default_timeout(30_000)
    context.route("**/*", _local_only)
    yield context.new_page()
    context.close()


def _overflow_at(page, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": PHONE_HEIGHT})
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate(WIDER_THAN_SCREEN)


def test_no_page_scrolls_sideways_on_a_phone(phone, volume_portal):
    base = volume_portal["url"]
    pages = _public_pages(volume_portal)
    sideways = {}

    def measure(label: str, path: str) -> None:
        response = open_page(phone, base + path)
        assert response.status == 200, f"{label}: {path} answered {response.status}"
        for width in PHONES:
            found = _overflow_at(phone, width)
            if found["scrollWidth"] > found["width"]:
                sideways[f"{label} at {width} px"] = found

    for label, path in pages.items():
        measure(label, path)
    log_in(phone, base, volume_portal["editor"])
    measure("dataset form", f"/dataset/new?owner_org={volume_portal['org']['id']}")
    assert not sideways, "pages wider than the phone's screen:\n" + "\n".join(
        f"  {where}: {found['scrollWidth']} px for {found['width']} px; "
        f"{found['wider'] or 'no element box: a pseudo-element (::before, ::after)'}"
        for where, found in sideways.items())


def test_dataset_page_on_a_phone_shows_content_then_sidebar_and_the_download(
        phone, volume_portal):
    dataset = volume_portal["dataset"]
    open_page(phone, volume_portal["url"] + f"/dataset/{dataset['name']}")
    for width in PHONES:
        _overflow_at(phone, width)
        primary = phone.locator(".primary").first.bounding_box()
        secondary = phone.locator(".secondary").first.bounding_box()
        assert primary["y"] < secondary["y"], (
            f"at {width} px the sidebar comes before the dataset's content")
        download = phone.locator(".resource-item a[href$='.csv']:visible").first
        assert download.is_visible(), f"no visible download link at {width} px"
        box = download.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, (
            f"the download link is off screen at {width} px: {box}")


def test_header_search_placeholder_and_theme_cards_fit_a_phone(phone, volume_portal):
    open_page(phone, volume_portal["url"] + "/")
    for width in PHONES:
        _overflow_at(phone, width)
        toggler = phone.locator("header .navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()  # the search box is in the collapsed menu
            phone.wait_for_function("() => !document.querySelector('header .navbar-collapse.collapsing')")
        fits = phone.evaluate("""() => {
            const out = [];
            for (const input of document.querySelectorAll('header input[type=search], header input[name=q]')) {
                if (!input.offsetParent) continue;  // hidden at this width
                const style = getComputedStyle(input);
                const context = document.createElement('canvas').getContext('2d');
                context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
                const text = context.measureText(input.placeholder).width;
                const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                out.push({placeholder: input.placeholder, text: Math.ceil(text), room: Math.floor(room)});
            }
            return out;
        }""")
        assert fits, f"no header search box to be seen at {width} px"
        for field in fits:
            assert field["text"] <= field["room"], (
                f"at {width} px the header search box cuts its placeholder "
                f"{field['placeholder']!r}: {field['text']} px of text in {field['room']} px")
        cards = phone.evaluate("""() => Array.from(document.querySelectorAll('.hg-card'))
            .filter(e => e.offsetParent)
            .map(e => ({text: e.innerText.trim(), right: e.getBoundingClientRect().right,
                        scroll: e.scrollWidth, client: e.clientWidth}))""")
        assert cards, "the home page shows no theme card"
        for card in cards:
            assert card["right"] <= width + 0.5 and card["scroll"] <= card["client"] + 1, (
                f"at {width} px the theme card {card['text']!r} overflows: {card}")
