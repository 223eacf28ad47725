"""The public finding data in a real browser, in French: from a theme card of the home
page to its datasets, narrowed by the facets and sorted; from a dataset to its publisher
through the directory; the directory searched and filtered. Screenshots of each step's
page (desktop and phone widths) in test-artifacts/."""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk

from . import data
from .conftest import DESKTOP, open_page, screenshots

THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def _catalogue() -> dict:
    roques, departement = data.commune("31458"), data.commune("31")
    data.commune("31557")  # Tournefeuille: onboarded, no dataset yet
    counts = data.published_dataset(roques, spatial_coverage=[{"code": "31458"}])
    data.published_dataset(departement, name="trafic-rd", title="Trafic des routes départementales",
                           spatial_coverage=[{"code": "31"}])
    data.published_dataset(departement, name="cartes-bruit", title="Cartes de bruit",
                           theme=[THEME + "ENVI"], conforms_to_schema=[],
                           spatial_coverage=[{"code": "31"}])
    return {"roques": roques, "counts": counts}


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def _follow(page, locator) -> None:
    """Click a link of the search page and wait for the new results: CKAN's facet links
    are htmx-boosted (the page is swapped, not navigated)."""
    before = page.url
    locator.click()
    page.wait_for_function("url => window.location.href !== url", arg=before)
    page.wait_for_load_state("networkidle")


def _results(page) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip()
            for t in page.locator("#search-results .dataset-heading a").all_inner_texts()]


def test_public_finds_road_counts_from_a_theme_card(page, live_portal):
    catalogue = _catalogue()
    open_page(page, live_portal + "/")
    with page.expect_navigation():
        page.locator("a.hg-theme-link", has_text="Transports").click()
    page.wait_for_load_state("networkidle")
    assert sorted(_results(page)) == ["Comptages routiers sur les routes départementales",
                                      "Trafic des routes départementales"]
    body = page.inner_text("body")
    assert "publications.europa.eu" not in body
    assert page.locator(".filtered.pill").inner_text().strip() == "Transports"
    assert _page_width(page) <= DESKTOP["width"]
    for title in ("Thèmes", "Type de producteur", "Producteurs", "Territoire",
                  "Fréquence de mise à jour", "Schéma de données", "Formats", "Licences"):
        assert page.locator("#search-facets h2.module-heading", has_text=title).count() == 1, title
    screenshots(page, "finding-theme-results")

    # narrowed to communes' data, then to Roques' intercommunality
    _follow(page, page.locator("#search-facets a", has_text="Commune").first)
    assert _results(page) == ["Comptages routiers sur les routes départementales"]
    _follow(page, page.locator(".filtered.pill a.remove").last)
    _follow(page, page.locator("#search-facets a", has_text="CA Le Muretain Agglo"))
    assert _results(page) == ["Comptages routiers sur les routes départementales"]

    # a search by word finds a theme by its name; sorted by name
    open_page(page, live_portal + "/dataset/?q=transport")
    assert len(_results(page)) == 2
    with page.expect_navigation():
        page.select_option("#field-order-by", label="Nom (de A à Z)")
    page.wait_for_load_state("networkidle")
    assert _results(page) == ["Comptages routiers sur les routes départementales",
                              "Trafic des routes départementales"]
    first = page.locator("#search-results .dataset-item").first.inner_text()
    assert "Roques" in first and "Transports" in first and "Mis à jour le" in first

    # nothing found: no facet box left empty
    open_page(page, live_portal + "/dataset/?q=introuvablexyz")
    assert page.locator("#search-facets section").count() == 0
    assert "qui corresponde" not in page.inner_text("body")

    # from the dataset to its publisher through the portal's directory
    open_page(page, live_portal + f"/dataset/{catalogue['counts']['name']}")
    breadcrumb = page.locator("ol.breadcrumb")
    assert breadcrumb.get_by_role("link", name="Producteurs").get_attribute("href") == "/producteurs"
    with page.expect_navigation():
        breadcrumb.get_by_role("link", name="Producteurs").click()
    assert page.url.endswith("/producteurs")
    screenshots(page, "finding-publisher-directory")


def test_public_finds_a_publisher_in_the_directory(page, live_portal):
    catalogue = _catalogue()
    open_page(page, live_portal + "/producteurs")
    page.fill("#hg-directory-q", "roque")
    with page.expect_navigation():
        page.press("#hg-directory-q", "Enter")
    listed = page.locator(".hg-publisher-list li").all_inner_texts()
    assert len(listed) == 1 and listed[0].startswith("Roques")
    assert "1 producteur trouvé" in page.inner_text("body")

    open_page(page, live_portal + "/producteurs")
    page.select_option("#hg-directory-epci", label="CA Le Muretain Agglo")
    page.check("#hg-directory-data")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    listed = page.locator(".hg-publisher-list li").all_inner_texts()
    assert len(listed) == 1 and "Roques" in listed[0] and "1 jeu de données" in listed[0]

    with page.expect_navigation():
        page.locator(".hg-publisher-list a", has_text="Roques").first.click()
    page.wait_for_load_state("networkidle")
    facts = page.locator(".hg-publisher-facts").first.inner_text()
    assert "Commune" in facts and "CA Le Muretain Agglo" in facts
    assert re.search(r"5\s436", facts)
    body = page.inner_text("body")
    assert "purl.org" not in body
    assert "Comptages routiers sur les routes départementales" in body
    assert "Vos données sous votre nom sur data.gouv.fr" not in body  # for its admins only
    assert catalogue["roques"]["name"] in page.url
    screenshots(page, "finding-publisher-page")
