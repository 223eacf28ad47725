"""Each publisher's page shows the URLs of its own DCAT catalogue and, to its admins, how to
declare it as a harvest source on data.gouv.fr; the URLs answer directly (data.gouv.fr fails
on redirects)."""
from __future__ import annotations

import html
import re

import pytest
import rdflib
import requests
from rdflib import Literal
from rdflib.namespace import DCTERMS as DCT

from ckan.tests import factories as ckan_factories
from ckan.tests import helpers

from . import factories

FORMATS = (("ttl", "text/turtle", "turtle"), ("rdf", "application/rdf+xml", "xml"),
           ("jsonld", "application/ld+json", "json-ld"))


@pytest.mark.usefixtures("clean_all")
def test_publisher_page_shows_its_own_catalogue_and_how_to_declare_it(live_portal):
    for key in ("roques", "sicoval"):
        org = factories.publisher(key)
        dataset = factories.dataset(org, title=f"Équipements de {org['title']}")
        admin = ckan_factories.User()
        helpers.call_action("organization_member_create", {"ignore_auth": True},
                            id=org["id"], username=admin["name"], role="admin")
        token = ckan_factories.APIToken(user=admin["name"])["token"]
        for path in (f"/{org['type']}/{org['name']}", f"/{org['type']}/about/{org['name']}"):
            public = html.unescape(requests.get(live_portal + path, timeout=30).text)
            assert "Moissonneurs" not in public  # the harvest steps are for its admins
            page = requests.get(live_portal + path, allow_redirects=False, timeout=30,
                                headers={"Authorization": token})
            assert page.status_code == 200, path
            text = html.unescape(page.text)
            urls = re.findall(r'href="([^"]*/catalogue/[^"]*)"', page.text)
            assert urls == [f"{live_portal}/catalogue/{org['name']}.{fmt}"
                            for fmt, _, _ in FORMATS], path
            for url in urls:  # shown in full, for copying into data.gouv.fr
                assert f"<code class=\"text-break\">{url}</code>" in page.text
            # In French: how to declare the catalogue as a harvest source on data.gouv.fr.
            assert f"Créez l’organisation de {org['title']} sur data.gouv.fr" in text
            assert "« Admin » › « Moissonneurs » › « Ajouter »" in text
            assert "Choisissez le type « DCAT » et collez l’adresse Turtle ci-dessus." in text
            assert f"les jeux de données de {org['title']} y apparaissent sous son propre nom" \
                in text

        for url, (_, media_type, parser) in zip(urls, FORMATS):
            response = requests.get(url, allow_redirects=False, timeout=30)
            assert response.status_code == 200, url
            assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
            graph = rdflib.Graph().parse(data=response.content.decode("utf-8"), format=parser)
            assert Literal(dataset["title"]) in set(graph.objects(None, DCT.title))
