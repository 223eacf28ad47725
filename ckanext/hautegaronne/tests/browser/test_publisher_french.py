"""The pages a commune's agent reaches, read in Chromium once their JavaScript has run:
CKAN's dialogs, upload widget and view filters translate through the JSON catalogue of
/api/i18n/fr, which no test of the HTML alone sees, and ckanext-harvest's pages write some
English outside any template block. Desktop (1280 px) and phone (390 px); screenshots in
test-artifacts/."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.tests.publishing.test_publishing import PUBLISHER_BAD_PHRASES

from . import data
from .conftest import DESKTOP, MOBILE, log_in, open_page, screenshots

# English that only shows once the page's JavaScript has run, or that ckanext-harvest writes
# as plain text, as whole texts (a button, a label, a dialog's title).
JS_BAD_TEXTS = {
    "Please Confirm", "Confirm", "Cancel", "Add Filter", "Upload", "Link", "Remove",
    "Source type", "Reharvest", "Clear", "Stop", "Save", "Edit", "Publish", "Delete",
    "Update", "Print", "Reset", "Sort", "Show all", "Show none", "Close", "Searching...",
    "Select a field", "Save order", "Reorder resources", "Admin", "Dashboard", "Jobs",
    "Edit role", "Delete member", "Close modal", "Show All", "Hide All",
}
JS_BAD_PHRASES = PUBLISHER_BAD_PHRASES + (
    "There already is an unrun job", "Stop this Job", "Are you sure you want to",
    "Upload a file on your computer", "Link to a URL on the internet",
    "Input is too short", "Start a new harvesting job", "harvest source",
    "Open details page", "Length at which data", "Moment.js date format",
    "<strong>Admin:", "Can add/edit",
)

# Every text of the page as a person or a screen reader meets it: text nodes, and the
# titles (tooltips), placeholders, accessible names and button values.
_PAGE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent.trim();
    if (text && !node.parentElement.closest('script, style, noscript, textarea, pre, code'))
      out.push(text);
  }
  for (const el of document.body.querySelectorAll('[title], [placeholder], [aria-label], input[type=submit], input[type=button]')) {
    for (const attr of ['title', 'placeholder', 'aria-label'])
      if (el.getAttribute(attr)) out.push(el.getAttribute(attr).trim());
    if (['submit', 'button'].includes(el.type) && el.value) out.push(el.value.trim());
  }
  return out;
}"""


def _english(page) -> list[str]:
    texts = page.evaluate(_PAGE_TEXTS)
    return sorted({text for text in texts
                   if text.rstrip(":.…") in JS_BAD_TEXTS
                   or any(phrase in text for phrase in JS_BAD_PHRASES if len(phrase) > 6)})


def _setup():
    roques = data.commune("31458")
    admin = data.user(fullname="Camille Roques")
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": roques["id"], "username": admin["name"], "role": "admin"})
    dataset = data.published_dataset(roques)
    source = tk.get_action("harvest_source_create")(data.site_context(), {
        "name": "catalogue-roques", "title": "Catalogue de Roques",
        "url": "https://data.example.org/catalog.rdf", "source_type": "hautegaronne_dcat",
        "owner_org": roques["id"], "frequency": "MANUAL"})
    # a pending job: ckanext-harvest's "Reharvest" button is then a disabled one of its own
    tk.get_action("harvest_job_create")(dict(data.site_context()),
                                        {"source_id": source["id"], "run": False})
    return roques, admin, dataset, source


def test_an_agent_meets_no_english_once_the_javascript_has_run(page, live_portal):
    roques, admin, dataset, source = _setup()
    name, resource = dataset["name"], dataset["resources"][0]
    log_in(page, live_portal, admin)
    urls = [
        "/dashboard/", "/dashboard/datasets", "/dataset/new", f"/dataset/{name}",
        f"/dataset/edit/{name}", f"/dataset/{name}/resource/new",
        f"/dataset/{name}/resource/{resource['id']}",
        f"/dataset/{name}/resource/{resource['id']}/edit",
        f"/dataset/{name}/resource/{resource['id']}/views",
        f"/dataset/{name}/resource/{resource['id']}/new_view?view_type=datatables_view",
        f"/dataset/resources/{name}", f"/dataset/activity/{name}",
        f"/organization/{roques['name']}", f"/organization/members/{roques['name']}",
        f"/organization/member_new/{roques['name']}", f"/organization/activity/{roques['name']}",
        f"/organization/manage_members/{roques['name']}", f"/organization/bulk_process/{roques['name']}",
        "/harvest", "/harvest/new", f"/harvest/{source['name']}",
        f"/harvest/admin/{source['name']}", f"/harvest/edit/{source['name']}",
        f"/harvest/{source['name']}/job",
    ]
    bad = {}
    for size in (DESKTOP, MOBILE):
        page.set_viewport_size(size)
        for url in urls:
            response = open_page(page, live_portal + url)
            assert response.status == 200, (url, response.status)
            if found := _english(page):
                bad[f"{url} ({size['width']} px)"] = found
    page.set_viewport_size(DESKTOP)
    assert not bad, "English on the pages an agent reaches:\n" + "\n".join(
        f"{url}: {found}" for url, found in bad.items())

    # CKAN's JavaScript catalogue gives the widgets' French.
    open_page(page, live_portal + f"/dataset/{name}/resource/new")
    widget = page.locator("#resource-url-upload, .image-upload").first
    assert "Lien" in page.inner_text("body")
    assert widget.count() or page.get_by_role("button", name="Envoyer un fichier").count()

    # A confirm dialog (deleting the dataset, from its edit form) in French.
    open_page(page, live_portal + f"/dataset/edit/{name}")
    page.locator("a[data-module=confirm-action]").first.click()
    dialog = page.locator(".modal.show, .modal.in").first
    dialog.wait_for(state="visible")
    dialog_text = dialog.inner_text()
    assert "Please Confirm" not in dialog_text and "Cancel" not in dialog_text, dialog_text
    assert "Confirmation" in dialog_text and "Annuler" in dialog_text, dialog_text
    screenshots(page, "publisher-french-confirm-dialog")
    dialog.get_by_role("button", name="Annuler").click()

    # The data explorer's view form: its filter control.
    open_page(page, live_portal + f"/dataset/{name}/resource/{resource['id']}/new_view?view_type=datatables_view")
    body = page.inner_text("body")
    assert "Add Filter" not in body

    # ckanext-harvest's form and its pending job's buttons.
    open_page(page, live_portal + "/harvest/new")
    assert "Type de source" in page.inner_text("body")
    open_page(page, live_portal + f"/harvest/admin/{source['name']}")
    pending = page.locator(".content_action .disabled").first
    assert "Reharvest" not in pending.inner_text()
    assert "unrun job" not in (pending.get_attribute("title") or "")
    screenshots(page, "publisher-french-harvest-admin")


def test_the_sort_control_reads_trier_par_with_the_french_space(page, live_portal):
    data.published_dataset(data.commune("31458"))
    open_page(page, live_portal + "/dataset/")
    label = page.locator(".control-order-by label").first
    assert label.inner_text().strip() == "Trier par"
    after = label.evaluate("el => getComputedStyle(el, '::after').content")
    assert after == '"\u202f:"', after  # "Trier par :", not "Trier par:"
