"""A commune's agent publishes a dataset, reads its page, unpublishes it and publishes it
again, in Chromium; the platform's administrator names a publisher's first administrator.
Screenshots of each step's page (desktop and mobile) in test-artifacts/."""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from . import data
from .conftest import log_in, open_page, screenshots


def _dataset(id: str) -> dict:
    """The dataset as the live portal saved it (not as this process's session cached it)."""
    model.Session.expire_all()
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": id})


def _role(org_id: str, user_id: str) -> str | None:
    model.Session.expire_all()
    member = model.Session.query(model.Member).filter_by(
        group_id=org_id, table_id=user_id, table_name="user", state="active").one_or_none()
    return member.capacity if member else None


def _error_items(page) -> list[str]:
    return [text.strip() for text in page.locator(".error-explanation li").all_inner_texts()]


def test_agent_publishes_unpublishes_and_publishes_again(page, live_portal):
    roques = data.commune("31458")
    editor = data.editor_of(roques)
    log_in(page, live_portal, editor)
    open_page(page, live_portal + "/dataset/new")

    # The empty form: the title is what is missing, not an address the agent never saw.
    with page.expect_navigation():
        page.click("button[type=submit][name=save]")
    errors = _error_items(page)
    assert errors and errors[0].startswith("Titre"), errors
    assert not any("Adresse (URL)" in error for error in errors), errors

    # Public by default, and said so; single-valued groups without add/remove buttons.
    assert page.locator("#field-private").input_value() == "False"
    assert page.locator("#field-private-help").is_visible()
    for group in ("temporal_coverage", "spatial_coverage", "contact"):
        assert page.locator(f"#field-{group} .btn-repeating-remove").count() == 0
    assert "</ i>" not in page.content()

    # Enter in the title submits the form; it does not open the URL editor.
    page.fill("#field-title", "Équipements sportifs de Roques")
    page.fill("#field-notes", "Les gymnases et stades.\nMis à jour chaque année.")
    page.check("#field-theme-http\\:\\/\\/publications\\.europa\\.eu\\/resource\\/authority\\/data-theme\\/EDUC")
    page.select_option("#field-frequency", label="Annuelle")
    with page.expect_navigation():
        page.press("#field-title", "Enter")
    assert "/resource/new" in page.url or "/new_resource" in page.url, page.url

    # The resource: no byte size to type, French buttons.
    body = page.inner_text("body")
    assert "Taille (octets)" not in body
    assert "Une ressource peut être un fichier" in body
    assert page.get_by_role("button", name=re.compile("Lien")).first.is_visible()
    page.get_by_role("button", name=re.compile("Lien")).first.click()
    page.fill("#field-resource-url", "https://data.example.org/equipements-roques.csv")
    page.fill("#field-name", "Équipements (CSV)")
    finish = page.locator("button[type=submit][value=go-metadata]")
    assert finish.inner_text().strip() not in ("Publish", "Finish")
    with page.expect_navigation():
        finish.click()
    name = page.url.rsplit("/", 1)[1]
    dataset = _dataset(name)
    assert dataset["private"] is False and dataset["state"] == "active"

    # Its page: download at once, key facts once, line breaks, no filler.
    download = page.locator("a.hg-download").first
    assert download.is_visible()
    assert download.get_attribute("href") == "https://data.example.org/equipements-roques.csv"
    main = page.inner_text("body")
    for filler in ("Abonnés", "Pas encore de description", "Période 1", "État"):
        assert filler not in main, filler
    assert "Dernière mise à jour" in page.inner_text(".hg-dataset-facts")
    assert page.locator(".notes br").count() == 1
    caption = page.locator(".hg-dataset-map figcaption")
    if caption.count():
        assert caption.is_visible()
        box, map_box = caption.bounding_box(), page.locator("#dataset-map-container").bounding_box()
        assert box["height"] > 0 and box["y"] >= map_box["y"] + map_box["height"] - 1
    screenshots(page, "agent-dataset-page")

    # Unpublish: a confirmation first, then a message saying what happened.
    open_page(page, live_portal + f"/dataset/edit/{name}")
    page.get_by_role("link", name="Dépublier").click()
    dialog = page.locator(".modal.show")
    dialog.wait_for()
    assert "data.gouv.fr" in dialog.inner_text()
    assert dialog.get_by_role("button", name="Annuler").is_visible()
    screenshots(page, "agent-unpublish-confirmation")
    assert _dataset(name)["state"] == "active"
    with page.expect_navigation():
        dialog.get_by_role("button", name="Dépublier").click()
    assert "est dépublié" in page.inner_text(".flash-messages, .alert")
    assert _dataset(name)["state"] == "draft"
    assert page.locator("h1").first.inner_text().startswith("Équipements sportifs de Roques")
    screenshots(page, "agent-dataset-unpublished")

    # Published again in one step, resources kept.
    with page.expect_navigation():
        page.get_by_role("button", name="Republier").click()
    assert "de nouveau publié" in page.inner_text("body")
    dataset = _dataset(name)
    assert dataset["state"] == "active" and len(dataset["resources"]) == 1


def test_unpublish_without_scripts_has_its_own_confirmation_page(chromium, live_portal):
    context = chromium.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    roques = data.commune("31458")
    editor = data.editor_of(roques)
    dataset = data.published_dataset(roques)
    log_in(page, live_portal, editor)
    open_page(page, live_portal + f"/dataset/edit/{dataset['name']}")
    with page.expect_navigation():
        page.get_by_role("link", name="Dépublier").click()
    assert "Dépublier « Comptages routiers" in page.inner_text("h1")
    with page.expect_navigation():
        page.get_by_role("button", name="Dépublier").click()
    assert "est dépublié" in page.inner_text("body")
    assert _dataset(dataset["id"])["state"] == "draft"
    context.close()


def test_platform_admin_names_the_first_administrator(page, live_portal):
    roques = data.commune("31458")
    agent = data.user(fullname="Camille Roques", name="camille-roques")
    data.user(fullname="Camille Rossi", name="camille-rossi")
    admin = factories.Sysadmin(password=data.PASSWORD)
    log_in(page, live_portal, admin)
    open_page(page, live_portal + f"/organization/members/{roques['name']}")
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter un membre").click()
    assert page.url.endswith(f"/organization/member_new/{roques['name']}")

    # Typing part of the name and pressing Enter picks the real account, not the typed text.
    page.locator("#username").locator("xpath=following-sibling::span[contains(@class,'select2')]").first.click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.type("camille-roq")
    page.locator(".select2-results__option", has_text="camille-roques").first.wait_for()
    search.press("Enter")
    page.select_option("#role", "admin")
    screenshots(page, "admin-member-new")
    with page.expect_navigation():
        page.locator("form:has(#username) button[type=submit][name=submit]").first.click()
    assert "Utilisateur introuvable" not in page.inner_text("body")
    assert "camille-roques est désormais administrateur de" in page.inner_text("body")
    model.Session.expire_all()
    assert _role(roques["id"], agent["id"]) == "admin"
    screenshots(page, "admin-first-administrator-named")
