"""Text folded for comparison, one way for every concern: the territory's names, the
harvested vocabularies' labels, licence titles and addresses. Standard library only (the
territory reader uses it)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: Any) -> str:
    """Lower case, no accents, ligatures spelt out, words separated by single spaces
    ("L'Isle-en-Dodon" -> "l isle en dodon", "Licence Ouverte v2.0" -> "licence ouverte v2 0")."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).split())
