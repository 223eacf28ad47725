"""Text folded for comparison, one way for every concern (the territory's names, the
harvested vocabularies' labels, licence titles and addresses, reuse search), and the URL
names made from titles (publishers, reuses)."""
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


def slug(text: Any) -> str:
    """A URL name for a title, as CKAN makes one (``munge_title_to_name``: its characters
    and length), from the folded text so that "L'Isle-en-Dodon" gives "l-isle-en-dodon"
    and "Œuvres" "oeuvres" (CKAN's munge drops the apostrophe and the ligature)."""
    from ckan.lib.munge import munge_title_to_name  # CKAN only when a slug is asked for:
    # the territory reader, which shares this module, runs without CKAN too
    return munge_title_to_name(fold(text))
