"""EU controlled vocabularies used by the dataset schema, with French labels.

Codes come from the EU Publications Office authority tables
(http://publications.europa.eu/resource/authority/); labels are the
portal's own wording.
"""
from __future__ import annotations

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
THEME_BASE = EU_AUTHORITY + "data-theme/"
FREQUENCY_BASE = EU_AUTHORITY + "frequency/"

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
