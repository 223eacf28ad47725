"""The schema.org JSON-LD embedded in dataset pages (search engines, Google Dataset Search)."""
from __future__ import annotations

import json
import re

import pytest
import rdflib
from rdflib.compare import isomorphic

import ckan.plugins.toolkit as tk
from ckanext.dcat import helpers as dcat_helpers

from . import factories

SCRIPT = re.compile(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', re.S)


@pytest.mark.usefixtures("clean_all")
def test_dataset_page_embeds_ckanext_dcats_schema_org_description(app):
    org = factories.publisher("roques")
    dataset = factories.dataset(
        org, title="Équipements </script><script>alert(1)</script>",
        resources=[{"name": "Liste (CSV)", "url": "https://example.org/e.csv", "format": "CSV"}])
    shown = tk.get_action("package_show")({}, {"id": dataset["id"]})

    page = app.get(tk.url_for("dataset.read", id=dataset["name"])).get_data(as_text=True)
    [embedded] = SCRIPT.findall(page)
    # The title cannot close the script element: it is escaped as ckanext-dcat escapes it.
    assert "</script><script>alert" not in embedded
    described = json.loads(embedded)
    with app.flask_app.test_request_context():
        stock = dcat_helpers._get_serialization(shown, ["schemaorg"], "jsonld")
    # The same statements (blank nodes are named afresh on each serialization).
    assert isomorphic(rdflib.Graph().parse(data=embedded, format="json-ld"),
                      rdflib.Graph().parse(data=stock, format="json-ld"))
    [record] = [node for node in described["@graph"] if node.get("@type") == "schema:Dataset"]
    assert record["schema:name"] == shown["title"]
    assert record["schema:publisher"]
