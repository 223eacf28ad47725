"""The EU high-value dataset categories (``categories.csv``, see PROVENANCE.md there)."""
from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import NamedTuple, Optional

BASE = "http://data.europa.eu/bna/"
SCHEME = BASE + "asd487ae75"
SCHEME_TITLES = {"fr": "Catégories de données de forte valeur",
                 "en": "High-value dataset categories"}
# The ELI of Implementing Regulation (EU) 2023/138, the applicable legislation of every
# high-value dataset (DCAT-AP HVD asks for this exact IRI).
LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
LEGISLATION_TITLE = "Règlement d'exécution (UE) 2023/138 de la Commission"
# The keyword data.gouv.fr marks its high-value datasets with (udata's harvesters).
TAG = "hvd"


class Category(NamedTuple):
    iri: str
    broader: Optional[str]
    label_fr: str
    label_en: str

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr


@functools.cache
def categories() -> dict[str, Category]:
    """Every concept by IRI, in the file's order."""
    text = resources.files(__package__).joinpath("categories.csv").read_text(encoding="utf-8")
    found = {}
    for row in csv.DictReader(text.splitlines()):
        iri = BASE + row["code"]
        found[iri] = Category(iri, BASE + row["broader"] if row["broader"] else None,
                              row["label_fr"], row["label_en"])
    return found


def find(value: Optional[str]) -> Optional[Category]:
    """A concept by IRI or by code (``c_4b74ea13``)."""
    if not value:
        return None
    text = str(value).strip()
    return categories().get(text) or categories().get(BASE + text.lower())


def top_level() -> list[Category]:
    """The six categories of the regulation's Annex."""
    return [c for c in categories().values() if c.broader is None]


def is_most_detailed(category: Category) -> bool:
    return not any(c.broader == category.iri for c in categories().values())


def top_of(category: Category) -> Category:
    while category.broader is not None:
        category = categories()[category.broader]
    return category


def choices() -> list[dict]:
    """The form's choices: the most detailed concepts, labelled with their category."""
    return [{"value": c.iri,
             "label": {"fr": f"{top_of(c).label_fr} : {c.label_fr}",
                       "en": f"{top_of(c).label_en}: {c.label_en}"}}
            for c in categories().values() if is_most_detailed(c)]
