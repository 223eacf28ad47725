"""A commune's agent publishing: the dataset page says each fact once, the form reports
what the agent sees, unpublishing confirms and can be undone, and every page a publisher
reaches speaks French."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data
from ckanext.hautegaronne.tests.theme.test_french_ui import _Texts

pytestmark = pytest.mark.usefixtures("clean_all")


def _role(org_id: str, user_id: str) -> str | None:
    member = model.Session.query(model.Member).filter_by(
        group_id=org_id, table_id=user_id, table_name="user", state="active").one_or_none()
    return member.capacity if member else None


def _token(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def _main(html: str) -> str:
    return " ".join(_texts(html))


@pytest.fixture
def roques(app):
    org = data.commune("31458")
    editor = data.editor_of(org)
    dataset = data.published_dataset(
        org, notes="Trafic moyen journalier.\nUn point de comptage par ligne.\n\nSource : DIRO.")
    return {"org": org, "editor": editor, "headers": _token(editor), "dataset": dataset}


def test_dataset_page_says_each_fact_once(app, roques):
    dataset = roques["dataset"]
    html = app.get(f"/dataset/{dataset['name']}", headers=roques["headers"]).get_data(as_text=True)
    texts = _texts(html)
    text = " ".join(texts)
    # one title, one licence, one frequency
    assert len(re.findall(r">\s*Comptages routiers sur les routes départementales\s*<", html)) == 1
    assert text.count("Open Data Commons Open Database License (ODbL)") == 1
    assert texts.count("Annuelle") == 1
    # last update among the key facts
    facts = html[html.index('class="hg-dataset-facts"'):html.index("</section>", html.index('class="hg-dataset-facts"'))]
    assert "Dernière mise à jour" in facts
    # no filler
    for filler in ("Abonnés", "Pas encore de description", "Période 1", "Contact 1", "Schéma 1", "État"):
        assert filler not in text, filler
    assert "active" not in texts
    # one line per period and contact, in the remaining metadata
    assert "1 janvier 2025 – 31 décembre 2025" in text
    assert "Direction des routes · routes@example.org" in text
    # the download button, outside the "Explorer" menu
    download = re.search(r'<a class="btn btn-primary hg-download[^"]*" href="([^"]+)"', html)
    assert download and download.group(1) == dataset["resources"][0]["url"]
    # the description's line breaks
    assert re.search(r"Trafic moyen journalier\.<br\s*/?>\s*Un point de comptage par ligne\.", html)


def test_empty_form_reports_the_title_first(app, roques):
    html = app.post("/dataset/new", headers=roques["headers"],
                    data={"title": "", "name": "", "notes": "", "owner_org": roques["org"]["id"],
                          "save": "", "_ckan_phase": "dataset_new_1", "pkg_name": ""}
                    ).get_data(as_text=True)
    summary = html[html.index('class="error-explanation'):]
    summary = summary[:summary.index("</div>")]
    items = re.findall(r"<li[^>]*>(.*?)</li>", summary, re.S)
    assert items, summary
    assert re.sub(r"<[^>]+>|\s+", " ", items[0]).strip().startswith("Titre")
    assert "Adresse (URL)" not in summary
    assert tk.get_action("package_search")({"ignore_auth": True},
                                            {"include_private": True, "include_drafts": True})["count"] == 1


def test_title_alone_makes_the_address(app, roques):
    response = app.post("/dataset/new", headers=roques["headers"], follow_redirects=False,
                        data={"title": "Équipements sportifs", "name": "", "notes": "Les stades.",
                              "owner_org": roques["org"]["id"], "private": "False",
                              "contact-0-name": "Mairie de Roques",
                              "contact-0-email": "mairie@roques.example.org",
                              "temporal_coverage-0-start": "2024-01-01",
                              "spatial_coverage-0-code": "",
                              "save": "", "_ckan_phase": "dataset_new_1", "pkg_name": ""})
    assert response.status_code == 302
    page = app.get("/dataset/equipements-sportifs", headers=roques["headers"]).get_data(as_text=True)
    assert not re.search(r'class="dataset-details">\s*</td>', page), "an empty row"
    created = tk.get_action("package_show")({"ignore_auth": True}, {"id": "equipements-sportifs"})
    assert created["contact"] == [{"name": "Mairie de Roques", "email": "mairie@roques.example.org"}]
    assert created["temporal_coverage"][0]["start"] == "2024-01-01"


def test_dataset_form_is_public_by_default_with_single_groups(app, roques):
    html = app.get("/dataset/new", headers=roques["headers"]).get_data(as_text=True)
    assert re.search(r'<option value="False"\s+selected', html)
    assert "visible seulement des membres de votre collectivité" in html
    for group in ("temporal_coverage", "spatial_coverage", "contact"):
        fieldset = re.search(rf'<fieldset class="hg-subfields[^"]*" id="field-{group}">(.*?)</fieldset>',
                             html, re.S)
        assert fieldset, group
        assert f'name="{group}-0-' in fieldset.group(1)
        assert "repeating" not in fieldset.group(1) and "Supprimer" not in fieldset.group(1)
    disclaimer = re.search(r'<p class="action-info small">(.*?)</p>', html, re.S).group(1)
    assert "Licence Ouverte 2.0" in disclaimer and "Open Database License" not in disclaimer
    assert "</ i>" not in html
    resource_form = app.get(f"/dataset/{roques['dataset']['name']}/resource/new",
                            headers=roques["headers"]).get_data(as_text=True)
    assert "Taille (octets)" not in resource_form and 'name="size"' not in resource_form


def test_unpublish_confirms_says_what_happened_and_is_undone_in_one_step(app, roques):
    name = roques["dataset"]["name"]
    headers = roques["headers"]
    edit = app.get(f"/dataset/edit/{name}", headers=headers).get_data(as_text=True)
    assert re.search(rf'href="/dataset/depublier/{name}"\s+data-module="confirm-action"', edit)
    assert 'value="go-metadata-unpublish"' not in edit

    confirm = app.get(f"/dataset/depublier/{name}", headers=headers).get_data(as_text=True)
    assert "Dépublier « Comptages routiers" in confirm
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["state"] == "active"

    page = app.post(f"/dataset/depublier/{name}", headers=headers).get_data(as_text=True)
    assert "est dépublié" in page
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["state"] == "draft"
    app.get(f"/dataset/{name}", status=404)  # the public no longer sees it

    draft = app.get(f"/dataset/{name}", headers=headers).get_data(as_text=True)
    assert "Ce jeu de données est dépublié" in draft
    page = app.post(f"/dataset/republier/{name}", headers=headers).get_data(as_text=True)
    assert "est de nouveau publié" in page
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    assert shown["state"] == "active" and len(shown["resources"]) == 1
    app.get(f"/dataset/{name}", status=200)


def test_another_commune_cannot_unpublish(app, roques):
    other = data.editor_of(data.commune("31555"))
    name = roques["dataset"]["name"]
    app.post(f"/dataset/depublier/{name}", headers=_token(other), status=403)
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["state"] == "active"


def test_add_dataset_on_a_publisher_page_chooses_that_publisher(app, roques):
    data.commune("31001")  # Agassac, first in alphabetical order
    admin = factories.Sysadmin()
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": data.commune("31001")["id"], "username": roques["editor"]["name"], "role": "editor"})
    org = roques["org"]
    html = app.get(f"/organization/{org['name']}", headers=roques["headers"]).get_data(as_text=True)
    link = re.search(r'href="(/dataset/new\?group=[^"]+)"', html)
    assert link, "no link to the form with the publisher"
    form = app.get(link.group(1).replace("&amp;", "&"), headers=roques["headers"]).get_data(as_text=True)
    selected = re.search(r'<option value="([^"]+)" selected="selected">', form)
    assert selected and selected.group(1) == org["id"]
    assert admin  # a sysadmin exists: the choice is not the only publisher


def test_members_page_offers_the_first_administrator_to_the_platform_admin(app):
    org = data.commune("31458")
    admin = factories.Sysadmin()
    html = app.get(f"/organization/members/{org['name']}", headers=_token(admin)).get_data(as_text=True)
    assert f'href="/organization/member_new/{org["name"]}"' in html
    assert "Ajouter un membre" in html
    app.get(f"/organization/member_new/{org['name']}", headers=_token(admin), status=200)
    # naming the first administrator says so
    agent = factories.User(fullname="Camille Roques")
    page = app.post(f"/organization/member_new/{org['name']}", headers=_token(admin),
                    data={"username": agent["name"], "role": "admin", "save": ""}).get_data(as_text=True)
    assert f"{agent['name']} est désormais administrateur de" in page
    assert _role(org["id"], agent["id"]) == "admin"
    assert "1 membre :" not in page and "1 membres" not in page
    # the public does not get the button
    public = app.get(f"/organization/members/{org['name']}").get_data(as_text=True)
    assert "/organization/member_new/" not in public


# English or wrong French seen on the pages a publisher reaches (issue 13).
PUBLISHER_BAD_PHRASES = (
    "Edit", "Publish", "Save order", "Navigate to dataset", "Search followee", "Source type",
    "New Resource View", "Changed Resource View", "Deleted Resource View", "Follow Dataset",
    "Changed Package", "New Package", "No activity found", "Une ressource peut-être",
    "Editer la ressource", "Ajouter une Nouvelle Ressource", "Télécharger un fichier sur votre",
    "Activity occurred on", "created the", "View this version", "membre : ", "</ i>",
    "Open Database License</a>", "Unpublish", "Add Member", "Skip to main content",
    # seen by an outside newcomer after the first round
    "Flux d'Activité", "Editer les métadonnées", "Un jeu de données CKAN",
    "vous attendiez?",
)
PUBLISHER_BAD_WORDS = {"Edit", "Publish", "Save", "Delete", "Update", "Cancel"}


def _bad_french(html: str) -> list[str]:
    found = [text for text in _texts(html)
             if text.rstrip(":.") in PUBLISHER_BAD_WORDS
             or any(phrase in text for phrase in PUBLISHER_BAD_PHRASES if phrase not in PUBLISHER_BAD_WORDS)]
    found += [phrase for phrase in ("</ i>",) if phrase in html]
    return sorted(set(found))


def test_pages_a_publisher_reaches_speak_french(app, roques):
    org, dataset = roques["org"], roques["dataset"]
    resource = dataset["resources"][0]
    org_admin = factories.User()
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": org["id"], "username": org_admin["name"], "role": "admin"})
    name = dataset["name"]
    editor_pages = [
        "/dashboard/", "/dashboard/datasets", "/dataset/new", f"/dataset/{name}",
        f"/dataset/edit/{name}", f"/dataset/{name}/resource/new",
        f"/dataset/{name}/resource/{resource['id']}", f"/dataset/{name}/resource/{resource['id']}/edit",
        f"/dataset/{name}/resource/{resource['id']}/views", f"/dataset/activity/{name}",
        f"/dataset/depublier/{name}", f"/organization/{org['name']}",
        f"/organization/activity/{org['name']}", f"/organization/members/{org['name']}",
        f"/user/edit/{roques['editor']['name']}", "/harvest",
    ]
    admin_pages = [f"/organization/members/{org['name']}", f"/organization/member_new/{org['name']}",
                   f"/organization/manage_members/{org['name']}", f"/organization/edit/{org['name']}",
                   f"/organization/bulk_process/{org['name']}"]
    bad = {}
    for headers, urls in ((roques["headers"], editor_pages), (_token(org_admin), admin_pages)):
        for url in urls:
            html = app.get(url, headers=headers, status=200).get_data(as_text=True)
            if found := _bad_french(html):
                bad[url] = found
    assert not bad, "English or wrong French on publisher pages:\n" + "\n".join(
        f"{url}: {found}" for url, found in bad.items())


def test_a_contact_left_blank_makes_no_empty_row(app, roques):
    app.post("/dataset/new", headers=roques["headers"], follow_redirects=False,
             data={"title": "Budget", "name": "", "notes": "Le budget.", "private": "False",
                   "owner_org": roques["org"]["id"], "contact-0-name": "", "contact-0-email": "",
                   "save": "", "_ckan_phase": "dataset_new_1", "pkg_name": ""})
    page = app.get("/dataset/budget", headers=roques["headers"]).get_data(as_text=True)
    assert "Point de contact" not in page
    assert not re.search(r'class="dataset-details">\s*</td>', page), "an empty row"
