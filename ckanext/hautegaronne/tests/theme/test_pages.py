"""The portal's French interface over HTTP: branding, footer, editorial pages,
home page content and dataset page facts."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.hautegaronne.tests.browser.data import dataset_dict

pytestmark = pytest.mark.usefixtures("clean_all")

PAGES = {
    "/la-demarche": "La démarche",
    "/publier-vos-donnees": "Publier vos données",
    "/accessibilite": "Déclaration d'accessibilité",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
}


def _dataset(**extra) -> dict:
    org = factories.Organization(title="Commune de Roques")
    return helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                               **dataset_dict(org["id"], **extra))


@pytest.mark.parametrize("path,title", PAGES.items())
def test_editorial_pages_are_in_french_with_the_site_frame(app, path, title):
    response = app.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert '<html lang="fr"' in html
    # header: the département's name and its configurable logo
    assert "Conseil départemental de la Haute-Garonne" in html
    assert 'src="/hautegaronne/wordmark.svg"' in html
    # footer links on every page
    for link in PAGES:
        assert f'href="{link}"' in html
    assert "Accessibilité : partiellement conforme" in html


def test_accessibility_statement_gives_status_and_contact(app):
    html = app.get("/accessibilite").get_data(as_text=True)
    assert "partiellement conforme" in html
    assert 'href="mailto:opendata@example.invalid"' in html
    assert "Défenseur des droits" in html


@pytest.mark.ckan_config("ckanext.hautegaronne.logo_url", "https://cdn.example.org/logo-cd31.png")
@pytest.mark.ckan_config("ckanext.hautegaronne.accessibility_status", "full")
@pytest.mark.ckan_config("ckanext.hautegaronne.contact_email", "donnees@haute-garonne.example")
def test_logo_status_and_contact_come_from_the_configuration(app):
    html = app.get("/accessibilite").get_data(as_text=True)
    assert 'src="https://cdn.example.org/logo-cd31.png"' in html
    assert "totalement conforme" in html
    assert "Aucun audit RGAA complet" not in html  # no "not yet audited" caveat
    assert 'href="mailto:donnees@haute-garonne.example"' in html


def test_theme_stylesheet_is_served_through_webassets(app):
    html = app.get("/").get_data(as_text=True)
    assert "hautegaronne/" in html and "_main.css" in html
    css_href = next(part for part in html.split('"')
                    if "/hautegaronne/" in part and part.endswith("_main.css"))
    css = app.get(css_href).get_data(as_text=True)
    assert "--hg-color-primary:" in css
    assert "font-family" in css and "Marianne" not in css.split("*/", 1)[1]


def test_approach_page_is_editable_through_site_about(app):
    sysadmin = factories.Sysadmin()
    helpers.call_action("config_option_update", {"user": sysadmin["name"]},
                        **{"ckan.site_about": "Texte **rédigé** par l'administrateur."})
    html = app.get("/la-demarche").get_data(as_text=True)
    assert "<strong>rédigé</strong>" in html


def test_home_page_shows_search_counts_themes_datasets_and_publishers(app):
    dataset = _dataset()
    html = app.get("/").get_data(as_text=True)
    assert '<label for="hg-home-search">Rechercher dans le catalogue</label>' in html
    assert "<strong>1</strong> jeu de données" in html
    assert "<strong>1</strong> producteur" in html
    assert "Transports" in html  # the theme of the dataset, labelled in French
    assert f'href="/dataset/{dataset["name"]}"' in html
    assert "Récemment mis à jour" in html  # no page view counted yet
    assert "Commune de Roques" in html  # publishers by type


def test_home_page_counts_and_lists_public_datasets_of_active_publishers(app):
    """The home page's figures and lists come from one search run by CKAN's home view
    and one query of the publishers (theme/search.py): what they show is what a visitor
    may see, newest first, each dataset with its publisher's name."""
    roques = factories.Organization(title="Commune de Roques")
    muret = factories.Organization(title="Commune de Muret")
    gone = factories.Organization(title="Syndicat dissous")
    user = {"user": factories.Sysadmin()["name"]}
    helpers.call_action("package_create", user, **dataset_dict(
        roques["id"], name="roques-budget", title="Budget primitif de Roques"))
    helpers.call_action("package_create", user, **dataset_dict(
        muret["id"], name="muret-arbres", title="Arbres de Muret", license_id="lov2",
        theme=["http://publications.europa.eu/resource/authority/data-theme/ENVI"]))
    helpers.call_action("package_create", user, **dataset_dict(
        roques["id"], name="roques-brouillon", title="Jeu interne", private=True))
    helpers.call_action("organization_delete", user, id=gone["id"])

    html = app.get("/").get_data(as_text=True)
    assert "<strong>2</strong> jeux de données" in html  # the private one is not counted
    assert "<strong>2</strong> producteurs" in html  # the deleted one is not counted
    assert "Syndicat dissous" not in html and "Jeu interne" not in html
    assert "Environnement" in html and "Transports" in html
    latest = html.split("Derniers jeux de données publiés", 1)[1].split("</ul>", 1)[0]
    assert latest.index('href="/dataset/muret-arbres"') < latest.index('href="/dataset/roques-budget"')
    assert "Commune de Muret &middot;" in latest and "Commune de Roques &middot;" in latest


def test_dataset_page_shows_licence_frequency_schema_and_dcat_links(app):
    dataset = _dataset()
    html = app.get(tk.h.url_for("dataset.read", id=dataset["name"])).get_data(as_text=True)
    assert "Annuelle" in html  # frequency in French
    assert "en partageant" in html  # the ODbL in plain French
    assert "etalab/schema-comptage-mobilites" in html
    for fmt in ("rdf", "ttl", "jsonld"):
        assert f'href="/dataset/{dataset["name"]}.{fmt}"' in html
    assert "Commune de Roques" in html


def _view(app, url: str, visitor: int) -> None:
    """A page view as tracking.js sends it (each visitor its own browser)."""
    app.post("/_tracking", data={"url": url, "type": "page"},
             headers={"User-Agent": f"Visiteur {visitor}"}, status=None)


def test_home_page_lists_the_most_viewed_datasets_first(app, cli):
    from datetime import date

    from ckan.cli.cli import ckan

    org = factories.Organization(title="Commune de Roques")
    user = {"user": factories.Sysadmin()["name"]}
    names = {}
    for slug, title in (("budget", "Budget primitif"), ("arbres", "Arbres d'alignement"),
                        ("cantines", "Menus des cantines")):
        names[slug] = helpers.call_action("package_create", user, **dataset_dict(
            org["id"], name=f"roques-{slug}", title=title))["name"]
    for visitor in range(3):
        _view(app, f"/dataset/{names['arbres']}", visitor)
    _view(app, f"/dataset/{names['budget']}", 0)

    result = cli.invoke(ckan, ["tracking", "update", date.today().isoformat()])
    assert result.exit_code == 0, result.output

    html = app.get("/").get_data(as_text=True)
    assert "Jeux de données les plus consultés" in html
    most_viewed = html.split("Jeux de données les plus consultés", 1)[1].split("</ul>", 1)[0]
    assert most_viewed.index(f'href="/dataset/{names["arbres"]}"') \
        < most_viewed.index(f'href="/dataset/{names["budget"]}"')
    assert names["cantines"] not in most_viewed  # never viewed
    assert "3 consultations récentes" in most_viewed
    assert "Récemment mis à jour" not in html

