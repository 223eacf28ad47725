"""The incoming mapping's vocabularies (``dcat/parse.py``): what publishers' platforms write."""
from __future__ import annotations

import pytest

from ckanext.hautegaronne.dcat import parse


@pytest.mark.parametrize("value,expected", [
    ("Annuelle", "ANNUAL"), ("annuel", "ANNUAL"), ("Mise à jour annuelle", "ANNUAL"),
    ("mensuel", "MONTHLY"), ("Mensuelle", "MONTHLY"), ("Hebdomadaire", "WEEKLY"),
    ("Quotidienne", "DAILY"), ("journalière", "DAILY"), ("Trimestrielle", "QUARTERLY"),
    ("Semestrielle", "ANNUAL_2"), ("Tous les deux ans", "BIENNIAL"), ("bisannuelle", "BIENNIAL"),
    ("Temps réel", "CONT"), ("Ponctuelle", "IRREG"), ("Irrégulière", "IRREG"),
    ("Aucune mise à jour prévue", "NEVER"), ("Inconnue", "UNKNOWN"), ("monthly", "MONTHLY"),
    ("http://purl.org/cld/freq/annual", "ANNUAL"), ("http://purl.org/cld/freq/weekly", "WEEKLY"),
    ("http://purl.org/cld/freq/semiannual", "ANNUAL_2"),
    ("http://publications.europa.eu/resource/authority/frequency/QUARTERLY", "QUARTERLY"),
    ("https://publications.europa.eu/resource/authority/frequency/HOURLY", "CONT"),
    ("n'importe quoi", None),
])
def test_frequency(value, expected):
    assert parse.frequency_code(value) == expected


@pytest.mark.parametrize("value,labels,expected", [
    ("https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
     [], "lov2"),
    ("http://www.etalab.gouv.fr/licence-ouverte-open-licence", [], "lov2"),
    ("https://spdx.org/licenses/etalab-2.0.html", [], "lov2"),
    ("http://publications.europa.eu/resource/authority/licence/ETALAB_2_0", [], "lov2"),
    ("Licence Ouverte v2.0", [], "lov2"), ("Licence Ouverte / Open Licence version 2.0", [],
                                           "lov2"),
    ("_:b0", ["Licence Ouverte v2.0 (Etalab)", "Licence Ouverte / Open Licence version 2.0"],
     "lov2"),
    ("https://opendatacommons.org/licenses/odbl/1-0/", [], "odc-odbl"),
    ("http://opendatacommons.org/licenses/odbl/summary/", [], "odc-odbl"),
    ("ODbL", [], "odc-odbl"), ("ODC-ODbL", [], "odc-odbl"), ("ODbL-1.0", [], "odc-odbl"),
    ("Open Database License (ODbL)", [], "odc-odbl"),
    ("https://creativecommons.org/licenses/by/4.0/", [], None),
])
def test_licence(value, labels, expected):
    assert parse.licence_id(value, labels) == expected


@pytest.mark.parametrize("value,labels,expected", [
    ("http://publications.europa.eu/resource/authority/data-theme/TRAN", [], "TRAN"),
    ("https://example.org/themes/x", ["Économie et finances"], "ECON"),
    ("https://example.org/themes/y", ["Transports et mobilités"], "TRAN"),
    ("Environnement", [], "ENVI"), ("Santé", [], "HEAL"), ("Urbanisme", [], "REGI"),
    ("Culture", [], "EDUC"), ("Health", [], "HEAL"), ("Vie associative", [], None),
])
def test_theme(value, labels, expected):
    assert parse.theme_code(value, labels) == expected


def test_tags_are_made_valid():
    assert parse.clean_tag("l'investissement") == "l investissement"
    assert parse.clean_tag("Équipements (sportifs)") == "Équipements sportifs"
    assert parse.clean_tag("x") is None
    assert len(parse.clean_tag("a" * 300)) == 100
