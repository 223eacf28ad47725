"""The publisher sees the quality of its datasets: score and what to fill, in French, on the
dataset's edit page; a summary on its publisher page (for its members only)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ..dcat import factories
from ..security.helpers import PASSWORD, log_in


@pytest.mark.usefixtures("clean_all")
def test_edit_page_and_publisher_page_show_the_score_and_what_is_missing(app):
    org = factories.publisher("roques")
    # A link (not checked by the portal), no size: 405 - 50 - 30 - 5 = 320.
    dataset = factories.dataset(org, resources=[{
        "name": "Équipements", "url": "https://example.org/equipements.csv", "format": "CSV"}])
    editor = ckan_factories.User(password=PASSWORD)
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": editor["name"], "role": "editor"})

    anonymous = app.get(f"/organization/{org['name']}").get_data(as_text=True)
    assert "Qualité des métadonnées" not in anonymous

    log_in(app, editor)
    page = app.get(f"/dataset/edit/{dataset['name']}").get_data(as_text=True)
    assert "Qualité des métadonnées" in page
    assert "320 / 405 points" in page
    assert "Donnez la taille du fichier (+5)" in page

    summary = app.get(f"/organization/{org['name']}").get_data(as_text=True)
    assert "Score moyen de vos 1 jeux de données : 320 / 405 points" in summary \
        or "320 / 405" in summary
    assert "Donnez la taille du fichier" in summary
