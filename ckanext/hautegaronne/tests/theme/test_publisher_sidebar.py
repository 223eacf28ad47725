"""A publisher's pages without filler (issue 13): no "Abonnés 0", no grey placeholder when it
has no logo, no "Pas encore de description."; its logo and description when it has them."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne.tests.browser import data

pytestmark = pytest.mark.usefixtures("clean_all")

FILLER = ("Abonnés", "Followers", "placeholder-organization", "Pas encore de description",
          "Il n'y a pas de description", "There is no description")


def _pages(org: dict) -> list[str]:
    name = org["name"]
    return [f"/organization/{name}", f"/organization/about/{name}"]


def test_a_publisher_without_logo_nor_description_shows_no_filler(app):
    org = data.commune("31458")
    data.published_dataset(org)
    for url in _pages(org):
        html = app.get(url, status=200).get_data(as_text=True)
        assert not [f for f in FILLER if f in html], (url, [f for f in FILLER if f in html])
        assert 'id="organization-info"' in html or url.endswith(("about/" + org["name"],)), url


def test_a_publisher_with_logo_and_description_shows_them(app):
    org = data.commune("31458")
    tk.get_action("organization_patch")(data.site_context(), {
        "id": org["id"], "image_url": "https://data.example.org/logo-roques.png",
        "description": "La commune de Roques publie ses données."})
    html = app.get(f"/organization/{org['name']}", status=200).get_data(as_text=True)
    assert "https://data.example.org/logo-roques.png" in html
    assert "La commune de Roques publie ses données." in html
    assert "Abonnés" not in html
