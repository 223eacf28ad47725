"""A resource served by the DataStore API is described in the DCAT feeds with that API as a
dcat:DataService, the distribution's access service, adding 0 DCAT-AP 3.0.1 violations (a
single dataset's page lacks the titles of the EU concept schemes, which the catalog pages
carry: those are the same before and after, and the catalog test covers them)."""
from __future__ import annotations

import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan.tests import helpers

from ..dcat import shacl
from ..publishers import helpers as h


def test_a_datastore_resource_has_its_data_api_as_access_service(app, clean_datastore):
    org = h.onboard("31458")
    dataset = h.dataset(org)
    resource = dataset["resources"][0]
    before = shacl.violations(_page(app, dataset))
    helpers.call_action("datastore_create", context=h.site_context(), resource_id=resource["id"],
                        force=True, fields=[{"id": "commune", "type": "text"}],
                        records=[{"commune": "Roques"}])
    graph = _page(app, dataset)
    distribution = next(graph.objects(None, DCAT.distribution))
    services = list(graph.objects(distribution, DCAT.accessService))
    assert len(services) == 1
    service = services[0]
    assert (service, RDF.type, DCAT.DataService) in graph
    assert str(graph.value(service, DCAT.endpointURL)).endswith("/api/3/action/datastore_search")
    assert str(graph.value(service, DCAT.endpointDescription)).endswith(
        f"/datastore/api_info/{resource['id']}")
    assert str(graph.value(service, DCTERMS.title)) == "API de données : Délibérations (CSV)"
    assert list(graph.objects(service, DCAT.servesDataset)) == list(
        graph.subjects(DCAT.distribution, distribution))
    assert shacl.violations(graph) == before


def _page(app, dataset: dict) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=app.get(f"/dataset/{dataset['name']}.ttl", status=200).get_data(as_text=True),
        format="turtle")
