"""What each search result shows, computed once per process (theme/results.py): the
description's extract and the "Updated on" date stay exactly what core would show, and an
edited description shows its new extract."""
from __future__ import annotations

import re
from html import unescape

import pytest

import ckan.plugins.toolkit as tk
from ckan.lib import helpers as core_helpers
from ckan.tests import helpers

from ckanext.hautegaronne.publishers import onboarding
from ckanext.hautegaronne.tests.browser.data import dataset_dict
from ckanext.hautegaronne.theme import results

pytestmark = pytest.mark.usefixtures("clean_all")

NOTES = ("Comptages **routiers** de la commune, voir [le plan](https://example.org/plan) "
         "et <b>les</b> &amp; annexes.\n\n" + "Une phrase longue pour couper l'extrait. " * 8)


def _result_meta(app, name: str) -> tuple[str, str]:
    """The extract and the meta line (publisher, date, themes) of a dataset's result."""
    response = app.get("/dataset/", query_string={"q": f"name:{name}"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    item = page.split('<h2 class="dataset-heading">', 1)[1].split("</li>", 1)[0]
    extract = re.search(r"</h2>\s*<div>(.*?)</div>", item, re.S).group(1)
    meta = re.search(r'class="hg-result-meta[^"]*">(.*?)</p>', item, re.S).group(1)
    return (unescape(re.sub(r"\s+", " ", extract)).strip(),
            unescape(re.sub(r"\s+", " ", meta)).strip())


@pytest.fixture
def counts():
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    org = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": onboarding.add(onboarding.resolve("31458")).name})
    return helpers.call_action("package_create", site, **dataset_dict(
        org["id"], name="roques-comptages", title="Comptages routiers de Roques", notes=NOTES))


def test_result_shows_cores_extract_and_an_edited_description_its_new_one(app, counts):
    results._extracts.clear()
    with app.flask_app.test_request_context():
        expected = core_helpers.markdown_extract(NOTES, extract_length=180)
    assert "routiers" in expected and "<" not in expected and expected.endswith("...")
    assert _result_meta(app, "roques-comptages")[0] == expected
    assert _result_meta(app, "roques-comptages")[0] == expected  # the kept extract

    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    helpers.call_action("package_patch", site, id=counts["id"],
                        notes="Comptages *mis à jour* en 2026.")
    assert _result_meta(app, "roques-comptages")[0] == "Comptages mis à jour en 2026."


@pytest.mark.parametrize("moment", [
    "2026-12-07T10:31:22.123456",  # the same day in Paris
    "2026-12-07T23:31:22",  # already the 8th in Paris
    "2026-06-30T22:30:00",  # summer time: 1 July in Paris
    "2026-12-31T23:00:00",  # new year in Paris
])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_result_date_is_the_day_render_datetime_shows(app, moment, lang):
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
        assert tk.h.lang() == lang
        expected = tk.h.render_datetime(moment)
        assert results.hautegaronne_result_date(moment) == expected
        assert results.hautegaronne_result_date(moment) == expected  # formatted once


def test_result_date_follows_the_portals_time_zone(app):
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": "fr"}):
        assert results.hautegaronne_result_date("2026-12-07T23:31:22") == "8 décembre 2026"
        assert results.hautegaronne_result_date("not a date") == ""
        assert results.hautegaronne_result_date(None) == ""


def test_each_result_says_when_it_was_updated_in_the_visitors_language(app, counts):
    date = counts["metadata_modified"]
    meta = _result_meta(app, "roques-comptages")[1]
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": "fr"}):
        assert f"Mis à jour le {tk.h.render_datetime(date)}" in meta
    response = app.get("/en/dataset/", query_string={"q": "name:roques-comptages"})
    page = unescape(response.get_data(as_text=True))
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": "en"}):
        assert f"Updated on {tk.h.render_datetime(date)}" in page
