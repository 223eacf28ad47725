"""Incoming DCAT / DCAT-AP mapped onto the portal's dataset schema (harvesting side).

``map_dataset`` is called by the ``hautegaronne_dcat_ap`` profile's ``parse_dataset``, after
``euro_dcat_ap_3`` has parsed the dataset. It rebuilds every field of ``schemas/dataset.yaml``
from the graph itself, reading what publishers' platforms export in the wild:

* themes: EU data-theme IRIs, or concepts / literals whose label matches an EU theme (French or
  English labels and usual French wordings); unmatched labels become keywords;
* frequency: EU frequency IRIs, Dublin Core ``purl.org/cld/freq/`` terms, or French / English
  free text ("Annuelle", "mensuel", "tous les deux ans"...);
* licence: the URLs (page, PDF, SPDX, EU IRI) and titles of the Licence Ouverte 2.0 and ODbL
  variants, to the portal's licence ids; anything else is reported (``licence_error``) instead of
  being silently relicensed;
* spatial coverage: INSEE IRIs or codes (commune, EPCI SIREN, département) to the territory's
  entities, whose geometry the schema's validators derive;
* temporal coverage, contact point, keywords, language, access rights, conformity to a schema;
* the remote ``dct:identifier`` kept as ``identifier`` (national continuity);
* distributions: download / access URL, title, description, format, media type, size, licence.

Everything else of the stock parse is dropped, except the extras the harvester needs (``uri``,
``issued``, ``modified``). The mapping is deterministic (sorted lists) so that an unchanged
source gives an identical dict.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Iterable, Optional

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, OWL, RDFS, SKOS

from .. import vocabularies
from ..text import fold
from . import file_types, licences, spatial

VCARD = "http://www.w3.org/2006/vcard/ns#"
SCHEMA = "http://schema.org/"
DC_FREQ = "http://purl.org/cld/freq/"
# The file-type table's address without its scheme: publishers write either.
EU_FILE_TYPE = vocabularies.FILE_TYPE_BASE.split("://", 1)[1]
LANGUAGES = {
    "fr": "FRA", "fra": "FRA", "fre": "FRA", "francais": "FRA", "french": "FRA",
    "en": "ENG", "eng": "ENG", "anglais": "ENG", "english": "ENG",
    "oc": "OCI", "oci": "OCI", "occitan": "OCI",
}
ACCESS_RIGHTS = {"PUBLIC", "RESTRICTED", "NON_PUBLIC"}
TAG_MAX = 100




# ------------------------------------------------------------------------------- themes

# Usual wordings of French platforms (normalised) -> EU data theme codes.
THEME_SYNONYMS = {
    "agriculture": "AGRI", "alimentation": "AGRI", "foret": "AGRI", "peche": "AGRI",
    "economie": "ECON", "finances": "ECON", "finance": "ECON", "budget": "ECON",
    "emploi": "ECON", "tourisme": "ECON", "commerce": "ECON", "entreprises": "ECON",
    "education": "EDUC", "culture": "EDUC", "sport": "EDUC", "sports": "EDUC",
    "patrimoine": "EDUC", "loisirs": "EDUC", "enseignement": "EDUC",
    "energie": "ENER",
    "environnement": "ENVI", "eau": "ENVI", "dechets": "ENVI", "biodiversite": "ENVI",
    "climat": "ENVI", "nature": "ENVI",
    "administration": "GOVE", "citoyennete": "GOVE", "gouvernement": "GOVE",
    "vie publique": "GOVE", "elections": "GOVE", "services publics": "GOVE",
    "sante": "HEAL",
    "international": "INTR", "europe": "INTR",
    "justice": "JUST", "securite": "JUST", "prevention": "JUST",
    "amenagement": "REGI", "amenagement du territoire": "REGI", "urbanisme": "REGI",
    "territoire": "REGI", "regions et villes": "REGI", "habitat": "REGI", "logement": "SOCI",
    "population": "SOCI", "societe": "SOCI", "social": "SOCI", "solidarite": "SOCI",
    "solidarites": "SOCI", "action sociale": "SOCI", "demographie": "SOCI",
    "sciences": "TECH", "technologie": "TECH", "numerique": "TECH", "recherche": "TECH",
    "transports": "TRAN", "transport": "TRAN", "mobilite": "TRAN", "mobilites": "TRAN",
    "deplacements": "TRAN", "routes": "TRAN", "voirie": "TRAN",
}


def _theme_index() -> dict[str, str]:
    index = dict(THEME_SYNONYMS)
    for code, french, english in vocabularies.DATA_THEMES:
        index[fold(french)] = code
        index[fold(english)] = code
        index[fold(code)] = code
    return index


_THEMES = _theme_index()
_THEME_CODES = {code for code, _fr, _en in vocabularies.DATA_THEMES}


def theme_code(value: Any, labels: Iterable[str] = ()) -> Optional[str]:
    """The EU theme code of an IRI, a label, or one of a concept's labels."""
    text = str(value).strip()
    if "/data-theme/" in text:
        code = text.rstrip("/").rsplit("/", 1)[-1].upper()
        if code in _THEME_CODES:
            return code
    candidates = [*labels] + ([] if text.startswith(("http://", "https://")) else [text])
    for candidate in candidates:
        key = fold(candidate)
        if key in _THEMES:
            return _THEMES[key]
        # "Transports et mobilités", "Environnement - eau": the first word that matches.
        for part in re.split(r"\bet\b|\band\b|,|;|/", key):
            part = part.strip()
            if part in _THEMES:
                return _THEMES[part]
    return None


# ---------------------------------------------------------------------------- frequency

DC_FREQUENCIES = {
    "continuous": "CONT", "daily": "DAILY", "semiweekly": "WEEKLY", "threetimesaweek": "WEEKLY",
    "weekly": "WEEKLY", "biweekly": "WEEKLY", "semimonthly": "MONTHLY",
    "threetimesamonth": "WEEKLY", "monthly": "MONTHLY", "bimonthly": "MONTHLY",
    "quarterly": "QUARTERLY", "threetimesayear": "QUARTERLY", "semiannual": "ANNUAL_2",
    "annual": "ANNUAL", "biennial": "BIENNIAL", "triennial": "BIENNIAL", "irregular": "IRREG",
}
# EU frequencies the portal does not offer -> the nearest one it offers.
EU_FREQUENCY_NEAREST = {
    "UPDATE_CONT": "CONT", "1MIN": "CONT", "5MIN": "CONT", "10MIN": "CONT", "15MIN": "CONT",
    "30MIN": "CONT", "HOURLY": "CONT", "BIHOURLY": "CONT", "TRIHOURLY": "CONT", "12HRS": "DAILY",
    "DAILY_2": "DAILY", "WEEKLY_2": "WEEKLY", "WEEKLY_3": "WEEKLY", "BIWEEKLY": "WEEKLY",
    "MONTHLY_2": "MONTHLY", "MONTHLY_3": "WEEKLY", "BIMONTHLY": "MONTHLY",
    "ANNUAL_3": "QUARTERLY", "TRIENNIAL": "BIENNIAL", "QUADRENNIAL": "BIENNIAL",
    "QUINQUENNIAL": "BIENNIAL", "DECENNIAL": "BIENNIAL", "BIDECENNIAL": "BIENNIAL",
    "TRIDECENNIAL": "BIENNIAL", "OTHER": "IRREG", "AS_NEEDED": "IRREG", "NOT_PLANNED": "IRREG",
    "OP_DATPRO": "UNKNOWN",
}
# French / English free text (normalised), checked in this order (first match wins).
FREQUENCY_TEXT = (
    (r"\b(temps reel|en continu|continu|continue|continuous|real time)\b", "CONT"),
    (r"\b(quotidien\w*|journalier\w*|chaque jour|tous les jours|daily)\b", "DAILY"),
    (r"\b(hebdomadaire\w*|chaque semaine|toutes les semaines|weekly)\b", "WEEKLY"),
    (r"\b(bimestriel\w*|mensuel\w*|chaque mois|tous les mois|monthly)\b", "MONTHLY"),
    (r"\b(trimestriel\w*|quarterly)\b", "QUARTERLY"),
    (r"\b(semestriel\w*|semiannual|semi annual|biannual)\b", "ANNUAL_2"),
    (r"\b(bisannuel\w*|biennal\w*|tous les deux ans|tous les 2 ans|biennial)\b", "BIENNIAL"),
    (r"\b(annuel\w*|annual\w*|chaque annee|tous les ans|une fois par an|yearly)\b", "ANNUAL"),
    (r"\b(irregulier\w*|ponctuel\w*|a la demande|irregular|as needed)\b", "IRREG"),
    (r"\b(aucune|jamais|pas de mise a jour|never|not planned)\b", "NEVER"),
    (r"\b(inconnu\w*|non renseigne\w*|unknown)\b", "UNKNOWN"),
)
_PORTAL_FREQUENCIES = {code for code, _fr, _en in vocabularies.FREQUENCIES}


def frequency_code(value: Any, labels: Iterable[str] = ()) -> Optional[str]:
    """The portal frequency code of an EU IRI, a Dublin Core term or free text."""
    text = str(value).strip()
    if "/authority/frequency/" in text:
        code = text.rstrip("/").rsplit("/", 1)[-1].upper()
        if code in _PORTAL_FREQUENCIES:
            return code
        return EU_FREQUENCY_NEAREST.get(code)
    if "purl.org/cld/freq/" in text:
        return DC_FREQUENCIES.get(text.rstrip("/").rsplit("/", 1)[-1].lower())
    for candidate in [*labels] + ([] if text.startswith(("http://", "https://")) else [text]):
        key = fold(candidate)
        if key.upper() in _PORTAL_FREQUENCIES:
            return key.upper()
        for pattern, code in FREQUENCY_TEXT:
            if re.search(pattern, key):
                return code
    return None


# ------------------------------------------------------------------------------ licence

def licence_id(value: Any, labels: Iterable[str] = ()) -> Optional[str]:
    """The portal licence id of a licence URL, id, SPDX id, EU IRI or title (the names
    ``licences.json`` lists); None if unknown."""
    for candidate in [str(value), *labels]:
        known = licences.licence_for(candidate)
        if known:
            return known["id"]
    return None


# ------------------------------------------------------------------------------- helpers

def _labels(graph, node) -> list[str]:
    if isinstance(node, Literal):
        return [str(node)]
    found = []
    for predicate in (SKOS.prefLabel, RDFS.label, DCT.title, SKOS.altLabel, FOAF.name):
        found.extend(str(o) for o in graph.objects(node, predicate) if isinstance(o, Literal))
    return found


def _first_literal(graph, subject, *predicates) -> Optional[str]:
    """The first non-empty literal of the first predicate that has one (French first)."""
    for predicate in predicates:
        values = [v for v in graph.objects(subject, predicate)
                  if isinstance(v, Literal) and str(v).strip()]
        if values:
            rank = {"fr": 0, None: 1}
            values.sort(key=lambda v: (rank.get(v.language, 2), str(v)))
            return str(values[0]).strip()
    return None


def _date(value: Any, end: bool = False) -> Optional[str]:
    """A YYYY-MM-DD date from an xsd date, dateTime, gYear, gYearMonth or text."""
    if value is None:
        return None
    text = str(value).strip()
    match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        match = re.match(r"^(\d{2})/(\d{2})/(\d{4})$", text)
        if not match:
            return None
        text = f"{match.group(3)}-{match.group(2)}-{match.group(1)}"
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        if month:
            if end:
                following = datetime.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
                return (following - datetime.timedelta(days=1)).isoformat()
            return datetime.date(int(year), int(month), 1).isoformat()
        return f"{year}-12-31" if end else f"{year}-01-01"
    except ValueError:
        return None


def clean_tag(text: str) -> Optional[str]:
    """A CKAN-valid tag (letters, digits, space, - _ .) or None."""
    cleaned = re.sub(r"[^\w \-.]+", " ", str(text), flags=re.UNICODE)
    cleaned = " ".join(cleaned.split())[:TAG_MAX].strip()
    return cleaned if len(cleaned) >= 2 else None


# ------------------------------------------------------------------------------- mapping

def _themes(graph, dataset_ref) -> tuple[list[str], list[str]]:
    codes, unmatched = [], []
    for node in graph.objects(dataset_ref, DCAT.theme):
        labels = _labels(graph, node) if not isinstance(node, Literal) else []
        code = theme_code(node, labels)
        if code:
            if vocabularies.THEME_BASE + code not in codes:
                codes.append(vocabularies.THEME_BASE + code)
        else:
            unmatched.extend(labels or ([str(node)] if isinstance(node, Literal) else []))
    return sorted(codes), unmatched


def _frequency(graph, dataset_ref) -> Optional[str]:
    for node in graph.objects(dataset_ref, DCT.accrualPeriodicity):
        labels = [] if isinstance(node, Literal) else _labels(graph, node)
        code = frequency_code(node, labels)
        if code:
            return vocabularies.FREQUENCY_BASE + code
    return None


def _licence_of(graph, subject) -> tuple[Optional[str], Optional[str]]:
    """(licence id, unrecognised value) of the dct:license (then dct:rights) of a subject."""
    unknown = None
    for predicate in (DCT.license, DCT.rights):
        for node in graph.objects(subject, predicate):
            labels = [] if isinstance(node, Literal) else _labels(graph, node)
            found = licence_id(node, labels)
            if found:
                return found, None
            if predicate == DCT.license and unknown is None:
                unknown = labels[0] if labels and isinstance(node, BNode) else str(node)
    return None, unknown


def _spatial(graph, dataset_ref) -> list[dict]:
    rows, seen = [], set()
    for node in graph.objects(dataset_ref, DCT.spatial):
        candidates = [str(node)] if not isinstance(node, BNode) else []
        if not isinstance(node, Literal):
            for predicate in (DCT.identifier, SKOS.notation):
                candidates.extend(str(o) for o in graph.objects(node, predicate))
            for same in graph.objects(node, OWL.sameAs):
                candidates.append(str(same))
        for candidate in candidates:
            found = spatial.coverage(candidate.strip())
            if found is not None:
                if found["code"] not in seen:
                    seen.add(found["code"])
                    rows.append({"code": found["code"], "uri": found["uri"]})
                break
    return sorted(rows, key=lambda row: row["code"])


def _temporal(graph, dataset_ref) -> list[dict]:
    starts, ends = [], []
    for node in graph.objects(dataset_ref, DCT.temporal):
        if isinstance(node, Literal):
            parts = str(node).split("/")
            start = _date(parts[0])
            end = _date(parts[-1], end=True)
        else:
            start = _date(graph.value(node, DCAT.startDate)
                          or graph.value(node, URIRef(SCHEMA + "startDate")))
            end = _date(graph.value(node, DCAT.endDate)
                        or graph.value(node, URIRef(SCHEMA + "endDate")), end=True)
        if start:
            starts.append(start)
        if end:
            ends.append(end)
    if not starts and not ends:
        return []
    row = {}
    if starts:
        row["start"] = min(starts)
    if ends:
        row["end"] = max(ends)
    if row.get("start") and row.get("end") and row["end"] < row["start"]:
        row.pop("end")
    return [row]


def _contacts(graph, dataset_ref) -> list[dict]:
    rows = []
    for node in graph.objects(dataset_ref, DCAT.contactPoint):
        name = _first_literal(graph, node, URIRef(VCARD + "fn"),
                              URIRef(VCARD + "organization-name"), FOAF.name)
        email = None
        for value in graph.objects(node, URIRef(VCARD + "hasEmail")):
            email = str(value)
            break
        if email and email.lower().startswith("mailto:"):
            email = email[7:]
        row = {}
        if name:
            row["name"] = name
        if email and re.match(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$", email.strip()):
            row["email"] = email.strip()
        if row:
            rows.append(row)
    return sorted(rows, key=lambda r: (r.get("name") or "", r.get("email") or ""))[:1] \
        if len(rows) > 1 else rows


def _conformity(graph, dataset_ref) -> list[dict]:
    rows = []
    for node in graph.objects(dataset_ref, DCT.conformsTo):
        if not isinstance(node, URIRef) or not str(node).startswith(("http://", "https://")):
            continue
        row = {"url": str(node)}
        title = _first_literal(graph, node, DCT.title, RDFS.label)
        if title:
            row["name"] = title
        version = graph.value(node, OWL.versionInfo)
        if version:
            row["version"] = str(version)
        rows.append(row)
    return sorted(rows, key=lambda r: r["url"])


def _choice(graph, dataset_ref, predicate, base: str, allowed: Iterable[str],
            aliases: Optional[dict] = None) -> Optional[str]:
    allowed = set(allowed)
    for node in graph.objects(dataset_ref, predicate):
        code = str(node).rstrip("/").rsplit("/", 1)[-1]
        if aliases:
            code = aliases.get(fold(code), code)
        if code.upper() in allowed:
            return base + code.upper()
    return None


def _format(graph, distribution) -> Optional[str]:
    """The distribution's format as the portal stores it (a type of the EU file-type list),
    or None: the schema refuses any other, and an unknown format must not cost the
    harvested dataset (it is then detected from the file's extension)."""
    text = _format_text(graph, distribution)
    found = file_types.find(text)
    return found.label if found else None


def _format_text(graph, distribution) -> Optional[str]:
    for node in graph.objects(distribution, DCT["format"]):
        text = str(node).strip()
        if EU_FILE_TYPE in text:
            return text.rstrip("/").rsplit("/", 1)[-1]  # the code: file_types.find knows it
        if isinstance(node, Literal) and text:
            return text.upper().lstrip(".") if len(text) <= 10 else text
        labels = _labels(graph, node)
        if labels:
            return labels[0]
    return None


def _mimetype(graph, distribution) -> Optional[str]:
    for node in graph.objects(distribution, DCAT.mediaType):
        text = str(node).strip()
        media_type = vocabularies.media_type_of_iri(text)
        if media_type:
            return media_type
        if "/" in text and not text.startswith("http"):
            return text
    return None


def _resources(graph, dataset_ref) -> list[dict]:
    resources = []
    for distribution in graph.objects(dataset_ref, DCAT.distribution):
        url = graph.value(distribution, DCAT.downloadURL) or \
            graph.value(distribution, DCAT.accessURL)
        resource: dict[str, Any] = {"url": str(url) if url else ""}
        if isinstance(distribution, URIRef):
            resource["uri"] = str(distribution)
        name = _first_literal(graph, distribution, DCT.title)
        if name:
            resource["name"] = name
        description = _first_literal(graph, distribution, DCT.description)
        if description:
            resource["description"] = description
        fmt = _format(graph, distribution)
        if fmt:
            resource["format"] = fmt
        mimetype = _mimetype(graph, distribution)
        if mimetype:
            resource["mimetype"] = mimetype
        size = graph.value(distribution, DCAT.byteSize)
        if size is not None:
            try:
                resource["size"] = int(float(str(size)))
            except ValueError:
                pass
        found, _unknown = _licence_of(graph, distribution)
        if found:
            resource["license"] = found
        resources.append(resource)
    return sorted(resources, key=lambda r: (r.get("uri") or "", r["url"], r.get("name") or ""))


# Extras kept from the stock parse (the harvester's own keys are added by the harvester).
KEPT_EXTRAS = ("uri", "issued", "modified")


def map_dataset(graph, dataset_ref, dataset_dict: dict) -> dict:
    """Rebuild ``dataset_dict`` (in place, and returned) for the portal's dataset schema."""
    parsed = dict(dataset_dict)
    extras = {e["key"]: e["value"] for e in parsed.get("extras") or []
              if isinstance(e, dict) and e.get("key") in KEPT_EXTRAS}
    for key in KEPT_EXTRAS:
        if parsed.get(key) and key not in extras and isinstance(parsed[key], str):
            extras[key] = parsed[key]
    if isinstance(dataset_ref, URIRef):
        extras["uri"] = str(dataset_ref)

    title = _first_literal(graph, dataset_ref, DCT.title) or parsed.get("title") or ""
    notes = _first_literal(graph, dataset_ref, DCT.description) or parsed.get("notes")
    result: dict[str, Any] = {"title": title, "notes": notes or title}

    identifier = _first_literal(graph, dataset_ref, DCT.identifier)
    result["identifier"] = identifier or (str(dataset_ref)
                                          if isinstance(dataset_ref, URIRef) else None)

    themes, unmatched = _themes(graph, dataset_ref)
    if themes:
        result["theme"] = themes
    keywords = [str(k) for k in graph.objects(dataset_ref, DCAT.keyword)] + unmatched
    tags = sorted({tag for tag in (clean_tag(k) for k in keywords) if tag}, key=str.lower)
    if tags:
        result["tag_string"] = ",".join(tags)

    frequency = _frequency(graph, dataset_ref)
    if frequency:
        result["frequency"] = frequency

    licence, unknown = _licence_of(graph, dataset_ref)
    if licence is None:
        # Else the licence its distributions share.
        found = {_licence_of(graph, d)[0] for d in graph.objects(dataset_ref, DCAT.distribution)}
        found.discard(None)
        if len(found) == 1:
            licence, unknown = found.pop(), None
    if licence:
        result["license_id"] = licence
    else:
        result["licence_error"] = unknown or ""

    for name, value in (("spatial_coverage", _spatial(graph, dataset_ref)),
                        ("temporal_coverage", _temporal(graph, dataset_ref)),
                        ("contact", _contacts(graph, dataset_ref)),
                        ("conforms_to_schema", _conformity(graph, dataset_ref))):
        if value:
            result[name] = value

    language = _choice(graph, dataset_ref, DCT.language,
                       vocabularies.LANGUAGE_BASE, {"FRA", "ENG", "OCI"},
                       {k: v for k, v in LANGUAGES.items()})
    if language:
        result["language"] = language
    access = _choice(graph, dataset_ref, DCT.accessRights,
                     vocabularies.ACCESS_RIGHT_BASE, ACCESS_RIGHTS)
    if access:
        result["access_rights"] = access

    landing = graph.value(dataset_ref, DCAT.landingPage)
    if isinstance(landing, URIRef):
        extras["landing_page"] = str(landing)
    for key in ("issued", "modified"):
        value = graph.value(dataset_ref, DCT[key])
        if value is not None:
            extras[key] = str(value)

    result["resources"] = _resources(graph, dataset_ref)
    for resource in result["resources"]:
        # A distribution under the dataset's licence inherits it (the schema's convention).
        if resource.get("license") and resource["license"] == result.get("license_id"):
            del resource["license"]
    result["extras"] = [{"key": k, "value": v} for k, v in sorted(extras.items())]
    dataset_dict.clear()
    dataset_dict.update(result)
    return dataset_dict
