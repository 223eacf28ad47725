"""The main journeys in a real browser, in French, with screenshots of each
journey's last page (desktop and mobile widths) in test-artifacts/."""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk

from . import data
from .conftest import log_in, open_page, screenshots

MAX_TABS = 120


def _active(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, name: e.name || '', type: e.type || '', value: e.value || '',
                text: (e.innerText || e.value || '').trim()}; }""")


def tab_to(page, matches) -> dict:
    """Press Tab until the focused element satisfies ``matches``."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = _active(page)
        if matches(element):
            return element
    raise AssertionError("the element could not be reached with the Tab key")


def by_id(field_id):
    return lambda e: e["id"] == field_id


def submit_button(value):
    return lambda e: (e["tag"] == "BUTTON" and e["type"] == "submit" and e["name"] == "save"
                      and e["value"] == value)


def test_keyboard_only_dataset_creation(page, live_portal):
    org = data.commune("31458")
    editor = data.editor_of(org)
    log_in(page, live_portal, editor)
    open_page(page, live_portal + "/dataset/new")

    tab_to(page, by_id("field-title"))
    page.keyboard.type("Délibérations du conseil municipal")
    tab_to(page, by_id("field-notes"))
    page.keyboard.type("Les délibérations de la commune de Roques depuis 2020.")
    tab_to(page, by_id("field-private"))
    page.keyboard.type("Publique")
    tab_to(page, by_id("field-theme-http://publications.europa.eu/resource/authority/data-theme/GOVE"))
    page.keyboard.press("Space")
    tab_to(page, by_id("field-frequency"))
    page.keyboard.type("Mensuelle")
    with page.expect_navigation():
        tab_to(page, submit_button(""))
        page.keyboard.press("Enter")

    # Second stage: the resource, given as a link.
    tab_to(page, lambda e: e["tag"] in ("A", "BUTTON") and re.search(r"^Lien$|Link", e["text"]))
    page.keyboard.press("Enter")
    if _active(page)["id"] != "field-resource-url":
        tab_to(page, by_id("field-resource-url"))
    page.keyboard.type("https://data.example.org/deliberations-roques.csv")
    tab_to(page, by_id("field-name"))
    page.keyboard.type("Délibérations (CSV)")
    with page.expect_navigation():
        tab_to(page, submit_button("go-metadata"))
        page.keyboard.press("Enter")

    created = tk.get_action("package_search")(
        {"ignore_auth": True}, {"fq": f"owner_org:{org['id']}", "include_private": True})["results"]
    assert [d["title"] for d in created] == ["Délibérations du conseil municipal"]
    dataset = created[0]
    assert dataset["state"] == "active" and dataset["private"] is False
    assert dataset["frequency"].endswith("/MONTHLY")
    assert dataset["resources"][0]["url"] == "https://data.example.org/deliberations-roques.csv"
    assert page.url.endswith("/dataset/" + dataset["name"])
    screenshots(page, "keyboard-dataset-created")


def test_commune_editor_publishes_and_another_commune_cannot_edit(page, browser_context, live_portal):
    roques = data.commune("31458")
    toulouse = data.commune("31555")
    editor = data.editor_of(roques)
    other = data.editor_of(toulouse)

    log_in(page, live_portal, editor)
    open_page(page, live_portal + "/dataset/new")
    page.fill("#field-title", "Équipements sportifs de Roques")
    page.fill("#field-notes", "Les gymnases, stades et terrains de la commune.")
    page.check("#field-theme-http\\:\\/\\/publications\\.europa\\.eu\\/resource\\/authority\\/data-theme\\/EDUC")
    page.select_option("#field-private", label="Publique")
    page.select_option("#field-frequency", label="Annuelle")
    with page.expect_navigation():
        page.click("button[type=submit][name=save]")
    page.get_by_role("button", name=re.compile("Lien")).first.click()
    page.fill("#field-resource-url", "https://data.example.org/equipements-roques.csv")
    page.fill("#field-name", "Équipements (CSV)")
    with page.expect_navigation():
        page.click("button[type=submit][value=go-metadata]")
    dataset_url = page.url
    name = dataset_url.rsplit("/", 1)[1]

    # Found in search, in French.
    open_page(page, live_portal + "/dataset/?q=gymnases")
    assert page.locator(f"a[href='/dataset/{name}']").count() >= 1
    assert "jeu de données trouvé" in page.inner_text("main, [role=main]")

    # Its page and its DCAT link.
    open_page(page, dataset_url)
    assert page.locator("h1").first.inner_text().strip() == "Équipements sportifs de Roques"
    assert "Fréquence de mise à jour" in page.inner_text("body")
    turtle = page.locator(".hg-dcat-links a", has_text="Turtle")
    href = turtle.get_attribute("href")
    screenshots(page, "editor-dataset-page")
    response = page.request.get(live_portal + href)
    assert response.status == 200
    assert "text/turtle" in response.headers["content-type"]
    assert "Équipements sportifs de Roques" in response.text()

    # Another commune's editor: no edit button, and the edit URL answers 403 in French.
    other_context = browser_context.browser.new_context(locale="fr-FR")
    other_page = other_context.new_page()
    log_in(other_page, live_portal, other)
    open_page(other_page, dataset_url)
    assert other_page.locator(f"a[href='/dataset/edit/{name}']").count() == 0
    response = open_page(other_page, live_portal + f"/dataset/edit/{name}")
    assert response.status == 403
    assert other_page.locator("h1").first.inner_text().strip() == "403 Accès refusé"
    body = other_page.inner_text("body")
    assert "pas autorisé" in body
    assert "Forbidden" not in body and "Skip to main content" not in body
    screenshots(other_page, "other-commune-forbidden")
    other_context.close()


def test_sysadmin_onboards_a_commune(page, live_portal):
    from ckan.tests import factories

    admin = factories.Sysadmin(password=data.PASSWORD)
    log_in(page, live_portal, admin)
    open_page(page, live_portal + "/producteurs")
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter une collectivité").click()
    page.fill("#hg-publisher-q", "Roques")
    with page.expect_navigation():
        page.press("#hg-publisher-q", "Enter")
    with page.expect_navigation():
        page.locator("#hg-publisher-candidates form:has(input[name=code][value='31458']) "
                     "button[type=submit]").click()
    assert page.url.endswith("/roques-31458")
    assert "est désormais producteur sur le portail" in page.inner_text("body")
    org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": "roques-31458"})
    assert (org["type"], org["publisher_type"]) == ("organization", "commune")
    assert org["title"].endswith("Roques")
    screenshots(page, "sysadmin-onboarded-commune")


def test_live_portal_refuses_a_form_without_its_csrf_token(page, live_portal):
    """The browser tests run with CSRF protection on: in a logged-in session,
    a form posted without the token its page carries is refused."""
    org = data.commune("31458")
    editor = data.editor_of(org)
    log_in(page, live_portal, editor)
    open_page(page, live_portal + "/dataset/new")
    token = page.locator("form input[name=_csrf_token]").first.get_attribute("value")
    assert token
    form = {"title": "Sans jeton", "name": "sans-jeton", "owner_org": org["id"], "save": ""}
    refused = page.request.post(live_portal + "/dataset/new", form=form, max_redirects=0)
    assert refused.status == 400
    assert "CSRF" in refused.text()
    accepted = page.request.post(live_portal + "/dataset/new", form=dict(form, _csrf_token=token),
                                 max_redirects=0)
    assert accepted.status in (200, 302)  # the form's own answer (errors or next stage)
