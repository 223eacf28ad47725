"""Addresses and searches spell French the way the rest of the portal does (text.py): an
outside reading found the dataset form and the directory each with a folding of their own,
which dropped "Œ" ("uvres-dart")."""
from __future__ import annotations

from ckanext.hautegaronne.publishers import directory
from ckanext.hautegaronne.publishing import validators


def test_a_dataset_address_made_from_its_title_spells_ligatures_and_apostrophes_out():
    data = {("title",): "Œuvres d'art du Département", ("name",): ""}
    validators.hautegaronne_dataset_name(("name",), data, {("name",): []}, {})
    assert data[("name",)] == "oeuvres-d-art-du-departement"


def test_the_directory_search_folds_ligatures_like_the_rest_of_the_portal():
    assert directory._normalise("Sœur Œuvre") == "soeur oeuvre"
    assert directory._normalise("Saint-Lys") == directory._normalise("saint lys")
