"""One home per vocabulary: the EU authority tables, the IANA media types (vocabularies.py), the file types
(dcat/file_types.csv), the ADMS publisher types (publishers/types.py), the
licences' names (dcat/licences.json), the text folding (text.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ckanext.hautegaronne import text, validation, vocabularies
from ckanext.hautegaronne.dcat import file_types, licences
from ckanext.hautegaronne.publishers import types

PACKAGE = Path(vocabularies.__file__).parent


def _modules_spelling(literal: str) -> list[str]:
    """The extension's Python modules (tests aside) whose code contains ``literal``."""
    return sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                  if "tests" not in path.relative_to(PACKAGE).parts
                  and literal in path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("literal,home", [
    ("publications.europa.eu/resource/authority", "vocabularies.py"),
    ("iana.org/assignments/media-types", "vocabularies.py"),
    ("purl.org/adms/publishertype", "publishers/types.py"),
    ('"http://id.insee.fr/geo/', "vocabularies.py"),
    ('"http://data.europa.eu/bna/', "hvd/vocabulary.py"),
    ("file_types.csv", "dcat/file_types.py"),
    ("unicodedata.combining", "text.py"),
])
def test_each_base_iri_and_table_is_spelt_in_one_module(literal, home):
    assert _modules_spelling(literal) == [home]


def test_licence_names_are_spelt_only_in_the_licence_register():
    for name in ("etalab.gouv.fr", "opendatacommons.org", "Licence Ouverte"):
        modules = [m for m in _modules_spelling(name)]
        # Docstrings may name a licence; no module keeps a table of its addresses or titles.
        for module in modules:
            code = (PACKAGE / module).read_text(encoding="utf-8")
            assert not re.search(rf'["\'][^"\'\n]*{re.escape(name)}[^"\'\n]*["\']\s*:', code), module


@pytest.mark.parametrize("ckan_format,code", [
    ("CSV", "CSV"), (".csv", "CSV"), ("rdf", "RDF_XML"), ("TTL", "RDF_TURTLE"), ("API", "REST")])
def test_file_types_both_ways(ckan_format, code):
    assert file_types.find(ckan_format).iri == vocabularies.FILE_TYPE_BASE + code
    assert file_types.find(code) == file_types.find(ckan_format)


def test_unknown_format_has_no_file_type():
    assert file_types.find("<b>CSV</b>") is None
    assert file_types.find("tableur") is None
    assert file_types.find(None) is None


@pytest.mark.parametrize("iri,media_type", [
    ("https://www.iana.org/assignments/media-types/text/csv", "text/csv"),
    ("http://www.iana.org/assignments/media-types/application/json", "application/json"),
    ("https://example.org/text/csv", None)])
def test_media_type_iris_are_read_with_either_scheme(iri, media_type):
    assert vocabularies.media_type_of_iri(iri) == media_type


def test_media_types_are_written_as_https_iana_iris():
    assert vocabularies.media_type_iri("text/csv") == \
        "https://www.iana.org/assignments/media-types/text/csv"


def test_publisher_adms_types():
    assert types.adms_type("departement") == "http://purl.org/adms/publishertype/RegionalAuthority"
    assert types.adms_type("commune") == "http://purl.org/adms/publishertype/LocalAuthority"
    assert types.adms_type("inconnu") is None


@pytest.mark.parametrize("name,licence", [
    ("lov2", "lov2"), ("fr-lo", "lov2"), ("Licence Ouverte v2.0", "lov2"),
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "lov2"),
    ("http://publications.europa.eu/resource/authority/licence/ETALAB_2_0", "lov2"),
    ("odbl-1.0", "odc-odbl"), ("https://opendatacommons.org/licenses/odbl/1-0/", "odc-odbl"),
    ("CC-BY", None), ("", None)])
def test_a_licence_by_any_of_its_names(name, licence):
    found = licences.licence_for(name)
    assert (found["id"] if found else None) == licence


def test_text_folding():
    assert text.fold("L'Isle-en-Dodon") == "l isle en dodon"
    assert text.fold("Œuvres  sociales") == "oeuvres sociales"


@pytest.mark.parametrize("title,name", [
    ("L'Isle-en-Dodon", "l-isle-en-dodon"), ("Œuvres sociales", "oeuvres-sociales"),
    ("Réseau : vélo / 2024", "reseau-velo-2024")])
def test_slugs_follow_ckans_name_rules(title, name):
    assert text.slug(title) == name


def test_a_long_title_gives_a_name_ckan_accepts():
    assert len(text.slug("Communauté de communes " * 10)) <= 100


def test_empty_values():
    import ckan.plugins.toolkit as tk
    assert all(validation.is_empty(v) for v in (tk.missing, None, ""))
    assert not any(validation.is_empty(v) for v in ("0", 0, [], " x"))


def test_options_are_read_without_restating_their_declared_default():
    """config_declaration.yaml is the one home of the portal's defaults: the code reads an
    option as ``tk.config.get(name)``, without a second default that could disagree."""
    import ast

    restated = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get" and len(node.args) > 1
                    and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))
                    and "ckanext.hautegaronne." in ast.unparse(node.args[0])):
                restated.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert restated == []
