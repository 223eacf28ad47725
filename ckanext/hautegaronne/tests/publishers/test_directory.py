"""/producteurs with many publishers: search, filters by type and by intercommunality,
dataset counts, logos; a publisher's page: its official facts readably, its datasets, and
the harvest instructions of its catalogue for its admins only."""
from __future__ import annotations

import re
from html import unescape

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.hautegaronne.publishers import onboarding
from ckanext.hautegaronne.tests.browser.data import dataset_dict

pytestmark = pytest.mark.usefixtures("clean_all")

MURETAIN = "200068641"
# Roques, Muret and Seysses are in the Muretain; Tournefeuille and Balma are not.
CODES = ("31", MURETAIN, "31458", "31395", "31547", "31557", "31044")


@pytest.fixture
def publishers():
    names = {code: onboarding.add(onboarding.resolve(code)).name for code in CODES}
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    roques = tk.get_action("organization_show")({"ignore_auth": True}, {"id": names["31458"]})
    helpers.call_action("package_create", site, **dataset_dict(roques["id"]))
    group = model.Group.get(roques["id"])
    group.image_url = "https://logos.example.org/roques.png"
    model.repo.commit()
    return names


def _html(app, url: str, **params) -> str:
    response = app.get(url, query_string=params or None)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _listed(html: str) -> list[str]:
    return re.findall(r'<a href="/organization/([^"]+)">', html.split("hg-publisher-filters", 1)[1])


def test_directory_searches_by_name_without_accents(app, publishers):
    html = _html(app, "/producteurs", q="roques")
    assert _listed(html) == [publishers["31458"]]
    assert "1 producteur trouvé" in html
    assert _listed(_html(app, "/producteurs", q="muret")) == [publishers[MURETAIN], publishers["31395"]]
    assert _listed(_html(app, "/producteurs", q="31547")) == [publishers["31547"]]


def test_directory_filters_by_type_and_by_intercommunality(app, publishers):
    communes = _listed(_html(app, "/producteurs", type="commune"))
    assert sorted(communes) == sorted(publishers[c] for c in ("31458", "31395", "31547", "31557", "31044"))
    muretain = _html(app, "/producteurs", epci=MURETAIN)
    assert sorted(_listed(muretain)) == sorted(publishers[c] for c in (MURETAIN, "31458", "31395", "31547"))
    assert _listed(_html(app, "/producteurs", epci=MURETAIN, type="epci")) == [publishers[MURETAIN]]
    assert _listed(_html(app, "/producteurs", data="1")) == [publishers["31458"]]
    # the intercommunality is offered by name
    assert f'<option value="{MURETAIN}" selected>CA Le Muretain Agglo</option>' in muretain


def test_directory_shows_counts_epci_and_logos(app, publishers):
    html = _html(app, "/producteurs")
    roques = html.split(f'href="/organization/{publishers["31458"]}">', 1)[1].split("</li>", 1)[0]
    assert "1 jeu de données" in roques
    assert "CA Le Muretain Agglo" in roques
    assert '<img class="hg-publisher-logo" src="https://logos.example.org/roques.png" alt=""' in html
    assert html.count('class="hg-publisher-logo"') == 1  # none for those without a logo


def test_publisher_page_shows_its_facts_readably_and_its_datasets(app, publishers):
    html = _html(app, f"/organization/{publishers['31458']}")
    facts = html.split('class="hg-publisher-facts"', 1)[1].split("</dl>", 1)[0]
    assert "Commune" in facts
    assert f'<a href="/organization/{publishers[MURETAIN]}">CA Le Muretain Agglo</a>' in facts
    assert re.search(r"5[\u202f\u00a0 ]436", facts)  # population with a French thousands separator
    assert "5436" not in facts
    assert "purl.org/adms" not in html
    assert "logos.example.org/roques.png</" not in facts
    assert not re.search(r"<dd>\s*</dd>", facts)
    assert "Comptages routiers sur les routes départementales" in html
    about = _html(app, f"/organization/about/{publishers['31458']}")
    assert "purl.org/adms" not in about and "CA Le Muretain Agglo" in about


def test_epci_not_onboarded_links_to_the_directory_of_its_territory(app):
    name = onboarding.add(onboarding.resolve("31458")).name
    html = _html(app, f"/organization/{name}")
    assert f'<a href="/producteurs?epci={MURETAIN}">CA Le Muretain Agglo</a>' in html


def test_harvest_instructions_only_for_the_publishers_admins(app, publishers):
    url = f"/organization/{publishers['31458']}"
    steps = "Vos données sous votre nom sur data.gouv.fr"
    public = _html(app, url)
    assert "hg-catalog-url" in public  # the catalogue's address stays public
    assert steps not in public
    admin = factories.User()
    helpers.call_action("organization_member_create", {"ignore_auth": True},
                        id=publishers["31458"], username=admin["name"], role="admin")
    outsider = factories.User()
    as_admin = app.get(url, headers={"Authorization": factories.APIToken(user=admin["name"])["token"]})
    assert steps in unescape(as_admin.get_data(as_text=True))
    as_outsider = app.get(url, headers={"Authorization": factories.APIToken(user=outsider["name"])["token"]})
    assert steps not in unescape(as_outsider.get_data(as_text=True))


def test_publisher_page_narrows_its_datasets_by_the_portals_facets(app, publishers):
    html = _html(app, f"/organization/{publishers['31458']}")
    for title in ("Thèmes", "Territoire", "Fréquence de mise à jour", "Formats"):
        assert re.search(r'<i class="fa fa-filter"></i>\s*' + title + r"\s*</h2>", html), title
    assert "Type de producteur</h2>" not in html
    assert "Groupes" not in html
