"""The public directory of publishers and the sysadmins' "Ajouter une collectivité" page."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.hautegaronne.publishers import onboarding

from . import helpers as h


@pytest.mark.usefixtures("clean_all")
def test_directory_groups_publishers_by_type_with_dataset_counts(app):
    roques = h.onboard("31458")
    h.onboard("243100633")
    h.onboard("31")
    h.dataset(roques)
    h.dataset(roques)
    page = app.get("/producteurs").get_data(as_text=True)
    body = page[page.index("<h1>Producteurs</h1>"):]
    body = body[body.index("</form>"):]  # the sections, after the filters' form
    departement, epci, communes = (body.index("Département et établissements"),
                                   body.index("Intercommunalités"), body.index("Communes"))
    assert departement < body.index("Conseil départemental de la Haute-Garonne") < epci
    assert epci < body.index("CA du Sicoval") < communes < body.index("Roques")
    assert "2 jeux de données" in body
    assert "/organization/roques-31458" in body
    assert "Ajouter une collectivité" not in body  # visitors do not onboard


@pytest.mark.usefixtures("clean_all")
class TestAddPage:
    def test_only_sysadmins_see_it(self, app):
        user = factories.User()
        app.get("/producteurs/ajouter", headers={"Authorization": h.token(user)}, status=403)
        app.post("/producteurs/ajouter", data={"code": "31458"},
                 headers={"Authorization": h.token(user)}, status=403)
        assert [r["name"] for r in onboarding.publishers(("commune",))] == []

    def test_search_by_name_postcode_code_and_siren(self, app):
        headers = {"Authorization": factories.SysadminWithToken()["token"]}
        page = app.get("/producteurs/ajouter", headers=headers).get_data(as_text=True)
        assert "Ajouter une collectivité" in page and 'data-module="hautegaronne-publisher-search"' in page
        for query in ("roques", "31458", "31120", "213104581"):
            fragment = app.get("/producteurs/ajouter", query_string={"q": query, "partial": 1},
                               headers=headers).get_data(as_text=True)
            assert "Roques" in fragment and 'value="31458"' in fragment, query
            assert "<html" not in fragment

    def test_one_click_creates_the_organisation(self, app):
        headers = {"Authorization": factories.SysadminWithToken()["token"]}
        response = app.post("/producteurs/ajouter", data={"code": "31458"}, headers=headers,
                            follow_redirects=False)
        assert response.status_code == 302 and response.location.endswith("/organization/roques-31458")
        org = helpers.call_action("organization_show", id="roques-31458")
        assert (org["insee_code"], org["population"]) == ("31458", "5436")
        fragment = app.get("/producteurs/ajouter", query_string={"q": "roques", "partial": 1},
                           headers=headers).get_data(as_text=True)
        assert "Déjà producteur" in fragment
