"""Reuses in a real browser, in French: the public proposes one, the département's
editor publishes it, it shows on the dataset page; axe-core finds no WCAG 2.1 A/AA
violation on the new pages (proposal, list, moderation, reuse, contact)."""
from __future__ import annotations

from ckan.lib import redis as ckan_redis

from . import data
from .conftest import axe_violations, describe, log_in, open_page, screenshots

MIN_FILL_MS = 3100  # the form's spam guard refuses sends quicker than 3 s


def _no_violation(page, results: dict) -> None:
    results[page.url] = axe_violations(page)


def test_propose_moderate_and_see_a_reuse(page, live_portal):
    for key in ckan_redis.connect_to_redis().scan_iter("hautegaronne:*:form:*"):
        ckan_redis.connect_to_redis().delete(key)
    departement = data.commune("31")
    moderator = data.editor_of(departement)
    commune = data.commune("31458")
    dataset = data.published_dataset(commune)
    results: dict[str, list] = {}

    # the public proposes, from the dataset page's link
    open_page(page, f"{live_portal}/dataset/{dataset['name']}")
    with page.expect_navigation():
        page.click("text=Proposer une réutilisation de ce jeu de données")
    assert page.locator("h1").inner_text() == "Proposer une réutilisation"
    assert page.input_value("#hg-field-datasets") == dataset["name"]
    _no_violation(page, results)
    page.fill("#hg-field-title", "Tableau de bord du trafic")
    page.fill("#hg-field-description", "Les comptages routiers en graphiques, mis à jour chaque année.")
    page.select_option("#hg-field-reuse_type", "visualization")
    page.fill("#hg-field-url", "https://trafic.example.net/")
    page.fill("#hg-field-author", "Collectif Données Ouvertes 31")
    page.fill("#hg-field-proposer_email", "collectif@example.net")
    page.wait_for_timeout(MIN_FILL_MS)
    with page.expect_navigation():
        page.click("button:has-text('Envoyer la proposition')")
    assert "sera publiée après examen" in page.content()
    _no_violation(page, results)  # /reutilisations
    assert "Tableau de bord du trafic" not in page.content()
    open_page(page, f"{live_portal}/dataset/{dataset['name']}")
    assert "Tableau de bord du trafic" not in page.content()

    # the département's editor publishes it
    log_in(page, live_portal, moderator)
    open_page(page, f"{live_portal}/reutilisations/moderation")
    assert "collectif@example.net" in page.content()
    _no_violation(page, results)
    with page.expect_navigation():
        page.click("button:has-text('Publier')")
    assert page.locator("h1").inner_text() == "Tableau de bord du trafic"
    assert "La réutilisation est publiée." in page.content()
    _no_violation(page, results)
    screenshots(page, "reuse-page")

    # everyone sees it on the dataset page; the proposer's address nowhere
    page.context.clear_cookies()
    open_page(page, f"{live_portal}/dataset/{dataset['name']}")
    reuses = page.locator("section.hg-dataset-reuses")
    assert "Tableau de bord du trafic" in reuses.inner_text()
    assert "collectif@example.net" not in page.content()
    open_page(page, f"{live_portal}/reutilisations")
    assert "Tableau de bord du trafic" in page.content()
    _no_violation(page, results)
    screenshots(page, "reuses-list")
    open_page(page, f"{live_portal}/contact")
    assert page.locator("h1").inner_text() == "Contacter l'équipe open data"
    _no_violation(page, results)
    assert page.locator("html").get_attribute("lang") == "fr"

    failing = {url: v for url, v in results.items() if v}
    assert len(results) == 5
    assert not failing, "WCAG 2.1 A/AA violations:\n" + "\n".join(
        f"{url}\n{describe(v)}" for url, v in failing.items())
