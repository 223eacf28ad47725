"""The controlled vocabularies the portal reads and writes, in one place: the EU
Publications Office authority tables (themes, frequencies, file types, languages, access
rights) with the portal's French labels, the IANA media types, and the ADMS publisher
types. Every other module takes these base IRIs and tables from here
(tests/test_vocabularies.py checks that no other module spells them out).
"""
from __future__ import annotations

from typing import Optional

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
THEME_BASE = EU_AUTHORITY + "data-theme/"
FREQUENCY_BASE = EU_AUTHORITY + "frequency/"
FILE_TYPE_BASE = EU_AUTHORITY + "file-type/"
LANGUAGE_BASE = EU_AUTHORITY + "language/"
ACCESS_RIGHT_BASE = EU_AUTHORITY + "access-right/"
LICENCE_BASE = EU_AUTHORITY + "licence/"

# The IANA media-type register: written with https, read with either scheme.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
# INSEE's geography IRIs: communes, départements, intercommunalités (EPCI by SIREN).
INSEE_GEO_BASE = "http://id.insee.fr/geo/"
IANA_MEDIA_TYPES_READ = (IANA_MEDIA_TYPES, "http://www.iana.org/assignments/media-types/")

# File types themselves (codes, labels, extensions, media types): dcat/file_types.


def media_type_iri(mimetype: str) -> str:
    """The IANA IRI of a media type (an IRI is kept as it is)."""
    return mimetype if mimetype.startswith("http") else IANA_MEDIA_TYPES + mimetype


def media_type_of_iri(text: str) -> Optional[str]:
    """The media type of an IANA IRI, either scheme; None for another text."""
    for prefix in IANA_MEDIA_TYPES_READ:
        if text.startswith(prefix):
            return text[len(prefix):]
    return None


# (code, French label, English label)
DATA_THEMES: tuple[tuple[str, str, str], ...] = (
    ("AGRI", "Agriculture, pêche, sylviculture et alimentation",
     "Agriculture, fisheries, forestry and food"),
    ("ECON", "Économie et finances", "Economy and finance"),
    ("EDUC", "Éducation, culture et sport", "Education, culture and sport"),
    ("ENER", "Énergie", "Energy"),
    ("ENVI", "Environnement", "Environment"),
    ("GOVE", "Gouvernement et secteur public", "Government and public sector"),
    ("HEAL", "Santé", "Health"),
    ("INTR", "Questions internationales", "International issues"),
    ("JUST", "Justice, système juridique et sécurité publique",
     "Justice, legal system and public safety"),
    ("OP_DATPRO", "Données provisoires", "Provisional data"),
    ("REGI", "Régions et villes", "Regions and cities"),
    ("SOCI", "Population et société", "Population and society"),
    ("TECH", "Science et technologie", "Science and technology"),
    ("TRAN", "Transports", "Transport"),
)

FREQUENCIES: tuple[tuple[str, str, str], ...] = (
    ("CONT", "En continu", "Continuous"),
    ("DAILY", "Quotidienne", "Daily"),
    ("WEEKLY", "Hebdomadaire", "Weekly"),
    ("MONTHLY", "Mensuelle", "Monthly"),
    ("QUARTERLY", "Trimestrielle", "Quarterly"),
    ("ANNUAL_2", "Semestrielle", "Semiannual"),
    ("ANNUAL", "Annuelle", "Annual"),
    ("BIENNIAL", "Tous les deux ans", "Biennial"),
    ("IRREG", "Irrégulière", "Irregular"),
    ("NEVER", "Aucune mise à jour prévue", "Never"),
    ("UNKNOWN", "Inconnue", "Unknown"),
)


def theme_choices() -> list[dict]:
    return [{"value": THEME_BASE + code, "label": {"fr": fr, "en": en}}
            for code, fr, en in DATA_THEMES]


def frequency_choices() -> list[dict]:
    return [{"value": FREQUENCY_BASE + code, "label": {"fr": fr, "en": en}}
            for code, fr, en in FREQUENCIES]


def theme_label(uri: str, lang: str = "fr") -> str | None:
    for code, fr, en in DATA_THEMES:
        if THEME_BASE + code == uri:
            return fr if lang == "fr" else en
    return None
