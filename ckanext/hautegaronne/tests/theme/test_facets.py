"""Finding data: the home page's theme cards, the search page's facets (named in French),
its sorts, what each result shows, and the French of core's facet boxes."""
from __future__ import annotations

import re
from html import unescape

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.hautegaronne.tests.browser.data import dataset_dict
from ckanext.hautegaronne.tests.conformity.conftest import cached_catalogue, schema_site  # noqa: F401
from ckanext.hautegaronne.publishers import onboarding

pytestmark = pytest.mark.usefixtures("clean_all")

THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
MURETAIN = "200068641"  # the EPCI of Roques


def _publisher(code: str) -> dict:
    return tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": onboarding.add(onboarding.resolve(code)).name})


@pytest.fixture
def catalogue():
    """Roques publishes road counts (Transports, a schema, its own territory); the
    Département publishes noise maps (Environnement, the whole département)."""
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    roques, departement = _publisher("31458"), _publisher("31")
    counts = helpers.call_action("package_create", site, **dataset_dict(
        roques["id"], name="roques-comptages", title="Comptages routiers de Roques",
        spatial_coverage=[{"code": "31458"}]))
    noise = helpers.call_action("package_create", site, **dataset_dict(
        departement["id"], name="cartes-bruit", title="Cartes de bruit stratégiques",
        notes="Cartes du bruit des grandes infrastructures.", tag_string="bruit",
        theme=[THEME + "ENVI"], frequency=FREQUENCY + "IRREG", conforms_to_schema=[],
        spatial_coverage=[{"code": "31"}], license_id="lov2",
        resources=[{"name": "Cartes", "format": "GeoJSON",
                    "url": "https://data.example.org/bruit.geojson"}]))
    return {"roques": roques, "departement": departement, "counts": counts, "noise": noise}


def _html(app, url: str, **params) -> str:
    response = app.get(url, query_string=params or None)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _found(html: str) -> set[str]:
    return set(re.findall(r'<h2 class="dataset-heading">.*?href="/dataset/([^"]+)"', html, re.S))


def _facet_box(html: str, title: str) -> str:
    """The HTML of the facet box with this title ("" if absent)."""
    match = re.search(r'<h2 class="module-heading">\s*<i class="fa fa-filter"></i>\s*'
                      + re.escape(title) + r"\s*</h2>(.*?)</section>", html, re.S)
    return match.group(1) if match else ""


def test_each_theme_card_leads_to_its_datasets_by_its_french_name(app, catalogue):
    home = _html(app, "/")
    cards = dict((unescape(label), unescape(href)) for href, label in re.findall(
        r'<a class="hg-theme-link" href="([^"]+)">\s*<span>([^<]+)</span>', home))
    assert set(cards) == {"Transports", "Environnement"}
    assert "publications.europa.eu" not in "".join(cards.values())

    page = _html(app, cards["Transports"])
    assert _found(page) == {"roques-comptages"}
    # the filter shown is the theme's French name, not its IRI
    assert re.search(r'<span class="facet">Thèmes\s*:</span>\s*<span class="filtered pill">\s*Transports\s*<', page)
    assert "data-theme/TRAN" not in page
    assert _found(_html(app, cards["Environnement"])) == {"cartes-bruit"}


def _schema_shown(name: str) -> str:
    from ckanext.hautegaronne.conformity import catalogue as schema_catalogue

    return {e["name"]: e["title"] for e in schema_catalogue.schemas()}.get(name, name)


def test_search_page_offers_the_portals_facets_in_french(app, catalogue):
    page = _html(app, "/dataset/")
    expected = {
        "Thèmes": ("Transports", "Environnement"),
        "Type de producteur": ("Commune", "Département"),
        "Producteurs": ("Roques", "Conseil départemental de la Haute-Garonne"),
        "Territoire": ("Roques", "CA Le Muretain Agglo", "Haute-Garonne"),
        "Fréquence de mise à jour": ("Annuelle", "Irrégulière"),
        # named by its title when a schema catalogue is cached (a test before may have
        # cached one: see test_the_schema_facet_names_schemas_by_their_french_title)
        "Schéma de données": (_schema_shown("etalab/schema-comptage-mobilites"),),
        "Formats": ("CSV", "GeoJSON"),
        "Licences": ("Licence Ouverte",),
    }
    for title, labels in expected.items():
        box = _facet_box(page, title)
        assert box, f"no facet box {title!r}"
        for label in labels:
            assert label in unescape(box), f"{label!r} missing from the facet {title!r}"
    assert "Conseil..." not in page  # publishers' names in full
    assert "Groupes" not in page


def test_a_commune_dataset_is_found_under_its_epci_and_publisher_type(app, catalogue):
    assert _found(_html(app, "/dataset/", vocab_territory=MURETAIN)) == {"roques-comptages"}
    assert _found(_html(app, "/dataset/", vocab_publisher_type="departement")) == {"cartes-bruit"}
    assert _found(_html(app, "/dataset/", vocab_schema="etalab/schema-comptage-mobilites")) \
        == {"roques-comptages"}


def test_transport_finds_the_datasets_of_the_transports_theme(app, catalogue):
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    helpers.call_action("package_patch", site,
                        id=catalogue["counts"]["id"], title="Points de mesure de Roques",
                        notes="Mesures annuelles.", tag_string="mesures")
    assert _found(_html(app, "/dataset/", q="transport")) == {"roques-comptages"}


def test_sorts_offered_and_applied(app, catalogue):
    page = _html(app, "/dataset/").split('id="field-order-by"', 1)[1].split("</select>", 1)[0]
    sorts = re.findall(r'<option value="([^"]+)"[^>]*>\s*([^<]+?)\s*</option>', page)
    offered = {unescape(label): value for value, label in sorts}
    assert offered == {
        "Pertinence": "score desc, metadata_modified desc",
        "Dernière mise à jour": "metadata_modified desc",
        "Date de création": "metadata_created desc",
        "Les plus consultés": "views_recent desc, metadata_modified desc",
        "Nom (de A à Z)": "title_string asc",
    }
    by_name = _html(app, "/dataset/", sort="title_string asc")
    assert by_name.index("/dataset/cartes-bruit") < by_name.index("/dataset/roques-comptages")
    by_creation = _html(app, "/dataset/", sort="metadata_created desc")
    assert by_creation.index("/dataset/cartes-bruit") < by_creation.index("/dataset/roques-comptages")


def test_each_result_shows_publisher_update_formats_and_themes(app, catalogue):
    page = _html(app, "/dataset/", q="name:roques-comptages")
    item = page.split('<h2 class="dataset-heading">', 1)[1].split("</li>", 1)[0]
    meta = unescape(re.sub(r"\s+", " ", re.search(r'class="hg-result-meta[^"]*">(.*?)</p>',
                                                  item, re.S).group(1)))
    assert "Roques" in meta
    assert re.search(r"Mis à jour le \d{1,2} \w+ \d{4}", meta)
    assert "Transports" in meta
    assert 'data-format="csv"' in item


def test_a_search_without_results_shows_no_empty_facet_box(app, catalogue):
    page = _html(app, "/dataset/", q="introuvablexyz")
    assert not _found(page)
    assert 'class="fa fa-filter"' not in page
    assert "qui corresponde" not in page


@pytest.mark.ckan_config("search.facets.default", "1")
def test_facet_boxes_speak_correct_french(app, catalogue):
    page = _html(app, "/dataset/")
    assert "Filtrer les résultats" in page
    assert "Filtrer les resultats" not in page
    assert "Montrer plus de" not in page
    assert "Afficher plus de choix : Producteurs" in page


def test_the_schema_facet_names_schemas_by_their_french_title(app, catalogue, cached_catalogue):
    """With the schema.data.gouv.fr catalogue cached, the facet and its active filter show
    the schema's title, not its id."""
    box = unescape(_facet_box(_html(app, "/dataset/"), "Schéma de données"))
    assert "Comptage des mobilités" in box
    assert ">etalab/schema-comptage-mobilites<" not in box.replace(" ", "").replace("\n", "")
    page = unescape(_html(app, "/dataset/", vocab_schema="etalab/schema-comptage-mobilites"))
    assert re.search(r'<span class="filtered pill">\s*Comptage des mobilités\s*<', page)
