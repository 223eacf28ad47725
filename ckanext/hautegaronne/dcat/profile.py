"""The DCAT-AP profile of the portal: ckanext-dcat's ``euro_dcat_ap_3``, extended.

Registered as ``hautegaronne_dcat_ap`` under the ``ckan.rdf.profiles`` entry point and
configured alone (``ckanext.dcat.rdf.profiles = hautegaronne_dcat_ap``): it subclasses the
stock ``EuropeanDCATAP3Profile``, as ckanext-dcat's own profiles extend each other, and
only calls its public profile methods. It completes and corrects the stock DCAT-AP 3 graph
so that it validates against the official
DCAT-AP 3.0.1 shapes and carries what national catalogues read (see
``docs``: data.gouv.fr reads the publisher e-mail as ``foaf:mbox``, themes only with a
``skos:prefLabel``, licences by URL, geometry as WKT or GeoJSON literals...).
"""
from __future__ import annotations

import datetime
import functools
import json
from typing import Any, Optional

import shapely.geometry
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.dcat.profiles import (ADMS, DCAT, DCT, FOAF, GEOJSON_IMT, GSP, OWL, RDF, SKOS,
                                   SPDX, VCARD, XSD, EuropeanDCATAP3Profile)
from ckanext.dcat.utils import resource_uri
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, Namespace

from .. import territory, validation, vocabularies
from ..publishers import types as publisher_types
from ..hvd import vocabulary as hvd
from ..standard.dataset import without_mirrored_extras
from ..conformity import reports as conformity_reports
from . import file_types, licences, parse, spatial

ORG = Namespace("http://www.w3.org/ns/org#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
HVD_LEGISLATION = URIRef(hvd.LEGISLATION)
HVD_SCHEME = URIRef(hvd.SCHEME)
# The documentation of the data API every DataStore table of the portal is served by.
DATASTORE_API_DOCUMENTATION = URIRef(
    "https://docs.ckan.org/en/2.12/maintaining/datastore.html#the-datastore-api")
LANGUAGE_FRA = URIRef(vocabularies.LANGUAGE_BASE + "FRA")
THEME_SCHEME = URIRef(vocabularies.THEME_BASE.rstrip("/"))
CONCEPT_SCHEMES = {
    THEME_SCHEME: ("Thèmes de données", "Data theme"),
    URIRef(vocabularies.FREQUENCY_BASE.rstrip("/")): ("Fréquences", "Frequency"),
    URIRef(vocabularies.FILE_TYPE_BASE.rstrip("/")): ("Types de fichiers", "File type"),
}

PROFILE_NAME = "hautegaronne_dcat_ap"
# The stock profiles this one includes (a subclass of euro_dcat_ap_3): listed with it,
# they would render every dataset twice, and leave their own form of what it replaces.
INCLUDED_PROFILES = {"euro_dcat_ap", "euro_dcat_ap_2", "euro_dcat_ap_3"}


def check_profiles_setting(profiles: Optional[str]) -> None:
    """Refuses at start-up a ``ckanext.dcat.rdf.profiles`` that lists this profile after a
    stock profile it already includes (the chain of earlier versions of the portal)."""
    names = (profiles or "").split()
    if PROFILE_NAME in names and INCLUDED_PROFILES & set(names):
        raise RuntimeError(
            f"ckanext.dcat.rdf.profiles = {profiles}: {PROFILE_NAME} already includes "
            f"{', '.join(sorted(INCLUDED_PROFILES & set(names)))}; list it alone "
            f"(ckanext.dcat.rdf.profiles = {PROFILE_NAME})")


def organization_fields(org: dict) -> dict[str, Any]:
    """Organisation fields, whether scheming made them top-level or they are extras."""
    fields = {e.get("key"): e.get("value") for e in org.get("extras") or []}
    fields.update({k: v for k, v in org.items() if k != "extras"})
    return fields


def _group_fields(group) -> dict[str, Any]:
    """An organisation's fields from its row: scheming stores its fields as extras."""
    fields = dict(group.extras or {})
    fields.update(id=group.id, name=group.name, title=group.title, type=group.type,
                  description=group.description, image_url=group.image_url,
                  state=group.state)
    return fields


def _organization_row(org_id: str) -> Optional[dict]:
    """A publisher read from its row (``organization_show`` would also count its datasets
    in Solr, a third of the time of a dataset's RDF)."""
    group = model.Session.query(model.Group).filter(
        model.Group.id == org_id, model.Group.is_organization.is_(True)).first()
    return _group_fields(group) if group is not None else None


def _departement_row() -> Optional[dict]:
    """The département's own organisation, if it publishes on the portal: of the
    ``departement`` type, else a generic organisation with its SIREN (its affiliated
    bodies share that SIREN but have their own type)."""
    siren = territory.territory().departement["siren"]
    active = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active")
    found = active.filter(sa.or_(
        model.Group.extras["publisher_type"].astext == "departement",
        model.Group.type == "departement",  # not migrated yet (publishers migrate)
    )).order_by(model.Group.title, model.Group.name).first()
    if found is None:
        candidates = active.filter(model.Group.type == "organization",
                                   model.Group.extras["siren"].astext == siren)
        found = next((g for g in candidates.order_by(model.Group.title, model.Group.name)
                      if (g.extras or {}).get("publisher_type") in (None, "", "departement")),
                     None)
    return _group_fields(found) if found is not None else None


def _json_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [parsed]
    return []


def _iri(address: Any) -> URIRef:
    """The IRI of an address typed by a user: the characters an IRI cannot hold (legal in an
    e-mail's local part like ``{`` or ``|``, or in a value saved before the validators
    refused it) are percent-encoded, so that no stored value makes a feed fail as a whole."""
    text = str(address).strip()
    return URIRef(validation.NOT_IN_IRI.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), text))


def _mailto(email: str) -> URIRef:
    return _iri(email if email.startswith("mailto:") else "mailto:" + email)


def _wkt(geojson: dict) -> str:
    """WKT of a GeoJSON geometry (shapely's)."""
    return shapely.geometry.shape(geojson).wkt


@functools.lru_cache(maxsize=1024)
def _location_triples(code: str) -> Optional[tuple]:
    found = spatial.coverage(code)
    if found is None:
        return None
    location = URIRef(found["uri"])
    polygon = spatial.polygon(code)
    # The polygon, as WKT and GeoJSON literals on the location itself: data.gouv.fr reads
    # IANA-typed GeoJSON literals of the location; ckanext-dcat 2.4.4's parser breaks on a
    # locn:geometry that is not a literal, which is the only form DCAT-AP 3.0.1 accepts
    # (a locn:Geometry node): the polygon stays off locn:geometry, the bbox is dcat:bbox.
    return (
        (location, RDF.type, DCT.Location),
        (location, SKOS.prefLabel, Literal(found["text"], lang="fr")),
        (location, DCT.identifier, Literal(found["code"])),
        (location, GSP.asWKT, Literal(_wkt(polygon), datatype=GSP.wktLiteral)),
        (location, GSP.asGeoJSON, Literal(json.dumps(polygon, separators=(",", ":")),
                                          datatype=GEOJSON_IMT)),
        (location, DCAT.bbox, Literal(_wkt(found["bbox"]), datatype=GSP.wktLiteral)),
        (location, DCAT.centroid, Literal(_wkt(found["centroid"]),
                                          datatype=GSP.wktLiteral)),
    )


# The dates euro_dcat_ap_3 renders from a dataset and from a resource: key, fallback key.
DATASET_DATES = ((DCT.issued, "issued", "metadata_created"),
                 (DCT.modified, "modified", "metadata_modified"))
RESOURCE_DATES = ((DCT.issued, "issued", "created"),
                  (DCT.modified, "modified", "metadata_modified"))


def _iso_dates(record: dict, dates: tuple) -> list[tuple]:
    """The (predicate, literal) pairs of a record's date-times, as euro_dcat_ap_3 renders
    them (``dct:issued``/``dct:modified``, ``xsd:dateTime``) but parsed by the standard
    library rather than dateutil (a fifth of the stock profile's time). Empty unless every
    date of the record is an ISO 8601 date-time (CKAN's own timestamps): the stock profile
    keeps the others."""
    if any(extra.get("key") in (key, "dcat_" + key)
           for extra in record.get("extras") or [] for _, key, _ in dates):
        return []
    pairs = []
    for predicate, key, fallback in dates:
        value = record.get(key) or record.get(fallback)
        if not value:
            continue
        if not isinstance(value, str) or "T" not in value:
            return []
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return []
        pairs.append((predicate, Literal(parsed.isoformat(), datatype=XSD.dateTime)))
    return pairs


def _without(record: dict, dates: tuple) -> dict:
    view = dict(record)
    for _, key, fallback in dates:
        view.pop(key, None)
        view.pop(fallback, None)
    return view


def _has_data_api(dataset_dict: dict) -> bool:
    """Whether a resource of the dataset is in the DataStore, served by its data API."""
    return any(resource.get("datastore_active") for resource in dataset_dict.get("resources") or [])


def _item_coverage(item: Any) -> Optional[dict]:
    """The territory entity of a ``spatial_coverage`` item, if it is one."""
    if not isinstance(item, dict):
        return None
    return spatial.coverage(item.get("code") or item.get("uri") or "")


class HauteGaronneDCATAPProfile(EuropeanDCATAP3Profile):
    """``euro_dcat_ap_3``, completed and corrected for the portal and national catalogues.

    State lives on the instance: a serializer that keeps one instance for a page (the
    portal's, ``adapter.PortalSerializer``) reads each publisher once and describes shared
    nodes (publishers, locations, licences) once; ckanext-dcat's own serializer, which
    instantiates the profiles for every dataset, gets the same graph at its usual cost.
    Method names of its own must not shadow the stock profile's (tests/dcat/test_adapter).
    """

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        super().__init__(graph, dataset_type=dataset_type,
                         compatibility_mode=compatibility_mode)
        self._page_url: Optional[str] = None
        self._organizations: dict[str, Optional[dict]] = {}
        self._departement: Optional[dict] = None
        self._departement_read = False
        self._agents: dict[str, URIRef] = {}
        self._described: set = set()

    # ---------------------------------------------------------------- parsing (harvest)

    def parse_dataset(self, dataset_dict: dict, dataset_ref) -> dict:
        """Incoming DCAT as ``euro_dcat_ap_3`` reads it, mapped onto the portal's dataset
        schema (see ``dcat/parse.py``)."""
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        return parse.map_dataset(self.g, dataset_ref, dataset_dict)

    # ---------------------------------------------------------------- dataset

    def _stock_view(self, dataset_dict: dict) -> dict:
        """The dataset as the stock profile needs to see it: what this profile replaces is
        left out so that the stock profile does not render it only for this one to remove
        it (measured by bench/dcat_serialize.py): the organisation (the stock fallback
        publisher agent) when the publisher is known, the geometries of the territory's
        entities (added once per graph by ``add_location``), and the date-times (parsed
        here faster than by the stock profile)."""
        view = dict(dataset_dict)
        if not _has_data_api(view):
            view.pop("hvd_category", None)  # high-value in the feed once it has its API
        if view.get("owner_org") and self._organization(view["owner_org"]) is not None:
            view.pop("organization", None)
        items = view.get("spatial_coverage")
        if isinstance(items, list):
            view["spatial_coverage"] = [
                {"uri": found["uri"]} if found is not None else item
                for item, found in ((item, _item_coverage(item)) for item in items)]
        if _iso_dates(dataset_dict, DATASET_DATES):
            view = _without(view, DATASET_DATES)
        view["resources"] = [
            _without(resource, RESOURCE_DATES) if _iso_dates(resource, RESOURCE_DATES)
            else resource for resource in dataset_dict.get("resources") or []]
        return view

    def graph_from_dataset(self, dataset_dict: dict, dataset_ref) -> None:
        g = self.g
        # The coverage extras package_show adds for CKAN clients repeat the portal's own
        # fields, which this profile renders (standard/dataset.py): not a second time.
        dataset_dict = without_mirrored_extras(dataset_dict)
        # Distribution IRIs, computed once for the stock part and this one.
        dataset_dict = dict(dataset_dict, resources=[
            dict(resource, uri=resource.get("uri") or resource_uri(resource))
            for resource in dataset_dict.get("resources") or []])
        super().graph_from_dataset(self._stock_view(dataset_dict), dataset_ref)

        for predicate, literal in _iso_dates(dataset_dict, DATASET_DATES):
            g.add((dataset_ref, predicate, literal))

        # dct:identifier: always a literal, stable (the kept identifier, else the CKAN id).
        g.remove((dataset_ref, DCT.identifier, None))
        g.add((dataset_ref, DCT.identifier,
               Literal(dataset_dict.get("identifier") or dataset_dict["id"])))

        # Landing page: the dataset page.
        if dataset_dict.get("name") and not dataset_dict.get("url"):
            page = URIRef(self._dataset_page(dataset_dict["name"]))
            g.add((dataset_ref, DCAT.landingPage, page))
            g.add((page, RDF.type, FOAF.Document))

        org = None
        if dataset_dict.get("owner_org"):
            org = self._organization(dataset_dict["owner_org"])
        self._publisher(dataset_dict, dataset_ref, org)
        self._contact_point(dataset_dict, dataset_ref, org)
        self._themes(dataset_ref)
        self._spatial_coverage(dataset_dict, dataset_ref)
        self._conformity(dataset_dict, dataset_ref)
        licence = licences.find_licence(dataset_dict.get("license_id"))
        if licence:
            self._licence(dataset_ref, licence)
        category = hvd.find(dataset_dict.get("hvd_category"))
        if category is not None and not _has_data_api(dataset_dict):
            # Declared high-value, but no table in the DataStore yet, so no API serves its
            # data: DCAT-AP HVD 3.0.0 makes the API mandatory ("A HVD dataset has an API"),
            # so the feed describes it as an ordinary dataset until a resource is loaded.
            category = None
        for resource in dataset_dict["resources"]:
            self._distribution(resource, dataset_dict, licence, category)
        if category is not None:
            self._high_value(dataset_dict, dataset_ref, category, licence)
        # A dataset's own RDF (/dataset/<name>.ttl) is a document of its own: the concept
        # schemes its concepts are in are described there too, as in the catalog.
        self._concept_schemes()

    def _concept_schemes(self) -> None:
        """The EU vocabularies the feed uses, described as DCAT-AP asks of a concept scheme
        (their own SKOS exports title them with dc:, not dct:title), once per graph."""
        if CONCEPT_SCHEMES.keys() <= self._described:
            return
        g = self.g
        for scheme, (french, english) in CONCEPT_SCHEMES.items():
            self._described.add(scheme)
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, DCT.title, Literal(french, lang="fr")))
            g.add((scheme, DCT.title, Literal(english, lang="en")))

    def _organization(self, org_id: str) -> Optional[dict]:
        if org_id not in self._organizations:
            self._organizations[org_id] = _organization_row(org_id)
        return self._organizations[org_id]

    def _departement_org(self) -> Optional[dict]:
        if not self._departement_read:
            self._departement = _departement_row()
            self._departement_read = True
        return self._departement

    def _dataset_page(self, name: str) -> str:
        """The dataset page's URL (``url_for`` once per profile: it costs as much as the
        rest of this profile's work on a dataset). Dataset names are URL-safe."""
        if self._page_url is None:
            self._page_url = tk.url_for("dataset.read", id="__name__", qualified=True)
        return self._page_url.replace("__name__", name)

    def _publisher(self, dataset_dict: dict, dataset_ref, org: Optional[dict]) -> None:
        if org is None:
            return
        g = self.g
        agent = self.publisher_agent(org)
        for old in list(g.objects(dataset_ref, DCT.publisher)):
            if old != agent:
                # euro_dcat_ap_3's fallback agent (its homepage is the logo URL).
                g.remove((dataset_ref, DCT.publisher, old))
                g.remove((old, None, None))
        g.add((dataset_ref, DCT.publisher, agent))

    def publisher_agent(self, org: dict, uri: Optional[str] = None):
        """The organisation as a foaf:Agent (its page's URL): name, SIREN, ADMS type,
        e-mail (``foaf:mbox``), website. Described once per graph."""
        g = self.g
        key = uri or org["name"]
        if key in self._agents:
            return self._agents[key]
        agent = self._agents[key] = URIRef(
            uri or tk.url_for("organization.read", id=org["name"], qualified=True))
        if (agent, RDF.type, FOAF.Agent) in g:
            # Described by another instance on the same graph (ckanext-dcat's serializer
            # instantiates the profile per dataset): its identifier node is not repeated.
            return agent
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, RDF.type, FOAF.Organization))
        g.add((agent, FOAF.name, Literal(org.get("title") or org["name"])))
        siren = org.get("siren")
        if siren:
            g.add((agent, DCT.identifier, Literal(siren)))
            identifier = BNode()
            g.add((agent, ADMS.identifier, identifier))
            g.add((identifier, RDF.type, ADMS.Identifier))
            g.add((identifier, SKOS.notation, Literal(siren)))
            g.add((identifier, ADMS.schemaAgency, Literal("INSEE (répertoire SIRENE)")))
            g.add((agent, ORG.identifier, Literal(siren)))
        adms_type = org.get("adms_type") or publisher_types.adms_type(org.get("publisher_type"))
        if adms_type:
            g.add((agent, DCT.type, URIRef(adms_type)))
        email = org.get("contact_email") or org.get("email")
        if email:
            g.add((agent, FOAF.mbox, _mailto(email)))
        website = org.get("website")
        if website:
            g.add((agent, FOAF.homepage, _iri(website)))
            g.add((_iri(website), RDF.type, FOAF.Document))
        return agent

    def _contact_point(self, dataset_dict: dict, dataset_ref, org: Optional[dict]) -> None:
        g = self.g
        contacts = [c for c in dataset_dict.get("contact") or [] if isinstance(c, dict)
                    and (c.get("name") or c.get("email"))]
        if contacts or org is None or not (org.get("contact_email") or org.get("contact_name")):
            return
        # No contact of its own: the publisher's contact.
        for old in list(g.objects(dataset_ref, DCAT.contactPoint)):
            g.remove((dataset_ref, DCAT.contactPoint, old))
            g.remove((old, None, None))
        node = BNode()
        g.add((dataset_ref, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        g.add((node, RDF.type, VCARD.Organization))
        g.add((node, VCARD.fn, Literal(org.get("contact_name") or org.get("title"))))
        if org.get("contact_email"):
            g.add((node, VCARD.hasEmail, _mailto(org["contact_email"])))

    def _themes(self, dataset_ref) -> None:
        g = self.g
        described = self._described
        for theme in list(g.objects(dataset_ref, DCAT.theme)):
            if theme in described:
                continue
            described.add(theme)
            label = vocabularies.theme_label(str(theme), "fr")
            if label and (theme, SKOS.prefLabel, None) not in g:
                g.add((theme, RDF.type, SKOS.Concept))
                g.add((theme, SKOS.prefLabel, Literal(label, lang="fr")))
                g.add((theme, SKOS.inScheme, THEME_SCHEME))

    def _spatial_coverage(self, dataset_dict: dict, dataset_ref) -> None:
        items = dataset_dict.get("spatial_coverage")
        if not isinstance(items, list):
            return
        for item in items:
            found = _item_coverage(item)
            if found is not None:
                self.add_location(dataset_ref, DCT.spatial, found["code"])

    def add_location(self, subject, predicate, code: str) -> Optional[URIRef]:
        """An entity of the territory as a dct:Location: INSEE IRI, name, polygon (WKT and
        GeoJSON), bbox and centroid, described once per graph (the same node for every
        dataset of the page that covers it)."""
        g = self.g
        triples = _location_triples(code)
        if triples is None:
            return None
        location = triples[0][0]
        g.add((subject, predicate, location))
        described = self._described
        if location not in described:
            described.add(location)
            for triple in triples:
                g.add(triple)
        return location

    def _conformity(self, dataset_dict: dict, dataset_ref) -> None:
        g = self.g
        for item in dataset_dict.get("conforms_to_schema") or []:
            if not isinstance(item, dict) or not item.get("url"):
                continue
            standard = _iri(item["url"])
            g.add((dataset_ref, DCT.conformsTo, standard))
            g.add((standard, RDF.type, DCT.Standard))
            if item.get("name"):
                g.add((standard, DCT.title, Literal(item["name"])))
            if item.get("version"):
                g.add((standard, OWL.versionInfo, Literal(item["version"])))

    def _licence(self, subject, licence: dict) -> None:
        """The licence as its IRI in the EU licence list (what the MQA counts as a licence
        from a vocabulary), titled with data.gouv.fr's own title of it (what udata's DCAT
        harvester and ckanext-dcat's parser match a licence node by, the IRI being unknown
        to them), and linked to the licence's page (``skos:exactMatch``)."""
        g = self.g
        node = URIRef(licence["eu_uri"])
        g.add((subject, DCT.license, node))
        described = self._described
        if node not in described:
            described.add(node)
            g.add((node, RDF.type, DCT.LicenseDocument))
            g.add((node, DCT.type, URIRef(licence["adms_type"])))
            g.add((node, DCT.title, Literal(licence["title"])))
            g.add((node, RDFS.label, Literal(licence["title"])))
            g.add((node, SKOS.exactMatch, URIRef(licence["url"])))
            g.add((node, DCT.identifier, Literal(licence["spdx_id"])))

    def _typed(self, node, rdf_type) -> None:
        """``node a rdf_type``, added once per graph."""
        described = self._described
        if (node, rdf_type) not in described:
            described.add((node, rdf_type))
            self.g.add((node, RDF.type, rdf_type))

    def _distribution(self, resource: dict, dataset_dict: dict, dataset_licence,
                      category: Optional[hvd.Category] = None) -> None:
        g = self.g
        distribution = _iri(resource["uri"])
        for predicate, literal in _iso_dates(resource, RESOURCE_DATES):
            g.add((distribution, predicate, literal))
        # Licence: the resource's own, else the dataset's. (A ConjunctiveGraph lookup is
        # costly: only a resource with a licence of its own has stock triples to clean.)
        if resource.get("license"):
            for old in list(g.objects(distribution, DCT.license)):
                if not isinstance(old, URIRef) or licences.find_licence(str(old)) is None:
                    g.remove((old, None, None))
        g.remove((distribution, DCT.license, None))
        licence = licences.find_licence(resource.get("license")) or dataset_licence
        if licence:
            self._licence(distribution, licence)
            self._rights(distribution, licence)
        if category is not None:
            g.add((distribution, DCATAP.applicableLegislation, HVD_LEGISLATION))
            g.add((distribution, DCATAP.hvdCategory, URIRef(category.iri)))
        self._no_checksum(distribution)
        # Download URL for files (uploads and direct links).
        url = resource.get("url")
        if url and (resource.get("url_type") == "upload" or resource.get("format")):
            g.add((distribution, DCAT.downloadURL, _iri(url)))
        # Format and media type as IRIs of the EU and IANA vocabularies.
        # (A value outside the vocabulary, saved before the schema refused it, is left out:
        # DCAT-AP refuses a literal format.)
        g.remove((distribution, DCT["format"], None))
        file_type = file_types.find(resource.get("format"))
        if file_type:
            node = URIRef(file_type.iri)
            g.add((distribution, DCT["format"], node))
            self._typed(node, DCT.MediaTypeOrExtent)
        mimetype = (resource.get("mimetype") or "").strip()
        g.remove((distribution, DCAT.mediaType, None))
        if mimetype and "/" in mimetype and " " not in mimetype:
            node = _iri(vocabularies.media_type_iri(mimetype))
            g.add((distribution, DCAT.mediaType, node))
            self._typed(node, DCT.MediaType)
        # Schema conformity, per distribution: only a resource whose last check found it
        # conforming, to the version checked (conformity.reports).
        checked = conformity_reports.conforming_schema(resource.get("id"))
        if checked is not None:
            standard = _iri(checked["url"])
            g.add((distribution, DCT.conformsTo, standard))
            self._typed(standard, DCT.Standard)
            g.add((standard, DCT.title, Literal(checked.get("title") or checked["name"])))
            if checked.get("version"):
                g.add((standard, OWL.versionInfo, Literal(checked["version"])))
        if resource.get("datastore_active") and category is None:
            self._data_api(distribution, resource, licence)

    def _no_checksum(self, distribution) -> None:
        """No spdx:checksum. DCAT-AP types its value xsd:hexBinary, which data.gouv.fr's
        DCAT harvester (udata 17.18) reads as bytes and refuses: every dataset with a
        loaded file (the DataStore loads write an MD5 in ``hash``) failed there, the
        high-value one included (an outside review). An untyped value would break
        DCAT-AP instead; the checksum is optional in both, so it is left out."""
        for checksum in list(self.g.objects(distribution, SPDX.checksum)):
            self.g.remove((checksum, None, None))
            self.g.remove((distribution, SPDX.checksum, checksum))

    def _data_api(self, distribution, resource: dict, licence) -> None:
        """A resource loaded into the DataStore is also served by its data API: a
        dcat:DataService, the distribution's access service (tabular.* and README)."""
        g = self.g
        site = tk.config.get("ckan.site_url", "").rstrip("/")
        description = URIRef(f"{site}/datastore/api_info/{resource['id']}")
        service = URIRef(f"{description}#service")
        g.add((distribution, DCAT.accessService, service))
        g.add((service, RDF.type, DCAT.DataService))
        title = resource.get("name") or resource["id"]
        g.add((service, DCT.title, Literal(f"API de données : {title}", lang="fr")))
        endpoint = URIRef(f"{site}/api/3/action/datastore_search")
        g.add((service, DCAT.endpointURL, endpoint))
        g.add((service, DCAT.endpointDescription, description))
        for node in (endpoint, description):
            g.add((node, RDF.type, RDFS.Resource))
        for dataset_ref in g.subjects(DCAT.distribution, distribution):
            g.add((service, DCAT.servesDataset, dataset_ref))
        if licence:
            self._licence(service, licence)

    def _rights(self, subject, licence: dict) -> None:
        """``dct:rights``: the reuse conditions in words, a dct:RightsStatement shared by
        the distributions under the same licence (legal information of DCAT-AP HVD, the
        MQA's "rights")."""
        site = tk.config.get("ckan.site_url", "").rstrip("/")
        node = URIRef(f"{site}/mentions-legales#licence-{licence['id']}")
        self.g.add((subject, DCT.rights, node))
        if node not in self._described:
            self._described.add(node)
            self.g.add((node, RDF.type, DCT.RightsStatement))
            self.g.add((node, RDFS.label, Literal(
                f"Réutilisation libre et gratuite sous {licence['title']}"
                + (", sous réserve de mentionner la source" if licence.get("hvd_compatible")
                   else ", sous réserve de mentionner la source et de partager "
                        "les bases dérivées à l'identique"), lang="fr")))

    def _hvd_concept(self, category: "hvd.Category") -> URIRef:
        """An HVD category as a described skos:Concept of the EU vocabulary."""
        node = URIRef(category.iri)
        if node not in self._described:
            self._described.add(node)
            g = self.g
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.prefLabel, Literal(category.label_fr, lang="fr")))
            g.add((node, SKOS.prefLabel, Literal(category.label_en, lang="en")))
            g.add((node, SKOS.inScheme, HVD_SCHEME))
            if category.broader:
                g.add((node, SKOS.broader, URIRef(category.broader)))
            if HVD_SCHEME not in self._described:
                self._described.add(HVD_SCHEME)
                g.add((HVD_SCHEME, RDF.type, SKOS.ConceptScheme))
                for lang, title in hvd.SCHEME_TITLES.items():
                    g.add((HVD_SCHEME, DCT.title, Literal(title, lang=lang)))
            if HVD_LEGISLATION not in self._described:
                self._described.add(HVD_LEGISLATION)
                g.add((HVD_LEGISLATION, RDF.type, ELI.LegalResource))
                g.add((HVD_LEGISLATION, DCT.title, Literal(hvd.LEGISLATION_TITLE, lang="fr")))
        return node

    def _high_value(self, dataset_dict: dict, dataset_ref, category: "hvd.Category",
                    licence) -> None:
        """What DCAT-AP HVD asks of a high-value dataset: the applicable legislation and
        the category on the dataset, its distributions and its data service (the portal's
        DataStore API: endpoint, documentation, contact point, licence and rights), for a
        dataset with at least one resource in the DataStore (``graph_from_dataset``). The
        category's top level is also a theme, described: udata (data.gouv.fr) tags a
        dataset "hvd" from such a theme, and DCAT-AP wants every theme a skos:Concept."""
        g = self.g
        g.add((dataset_ref, DCATAP.applicableLegislation, HVD_LEGISLATION))
        g.add((dataset_ref, DCATAP.hvdCategory, self._hvd_concept(category)))
        g.add((dataset_ref, DCAT.theme, self._hvd_concept(hvd.top_of(category))))

        site = tk.config.get("ckan.site_url", "").rstrip("/")
        page = self._dataset_page(dataset_dict["name"]) if dataset_dict.get("name") else \
            f"{site}/dataset/{dataset_dict['id']}"
        service = URIRef(page + "#api")
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCT.title, Literal(
            f"API de données : {dataset_dict.get('title') or dataset_dict['id']}", lang="fr")))
        endpoint = URIRef(f"{site}/api/3/action/datastore_search")
        # CKAN's documentation of the DataStore API (help_show answered a Python docstring)
        description = DATASTORE_API_DOCUMENTATION
        g.add((service, DCAT.endpointURL, endpoint))
        g.add((service, DCAT.endpointDescription, description))
        for node in (endpoint, description):
            self._typed(node, RDFS.Resource)
        g.add((service, FOAF.page, DATASTORE_API_DOCUMENTATION))
        # DCAT-AP HVD 2.2.0's shapes spell the documentation property foaf:Page (their
        # release's typo, fixed in 3.0.0): both, so that either release validates.
        g.add((service, FOAF.Page, DATASTORE_API_DOCUMENTATION))
        self._typed(DATASTORE_API_DOCUMENTATION, FOAF.Document)
        g.add((service, DCAT.servesDataset, dataset_ref))
        g.add((service, DCATAP.applicableLegislation, HVD_LEGISLATION))
        g.add((service, DCATAP.hvdCategory, URIRef(category.iri)))
        contacts = list(g.objects(dataset_ref, DCAT.contactPoint))
        if not contacts and tk.config.get("ckanext.hautegaronne.contact_email"):
            # HVD requires the API's contact: without the dataset's or its publisher's,
            # the portal's, which operates the API
            node = BNode()
            g.add((node, RDF.type, VCARD.Kind))
            g.add((node, RDF.type, VCARD.Organization))
            g.add((node, VCARD.fn, Literal(tk.config.get("ckan.site_title") or site)))
            g.add((node, VCARD.hasEmail,
                   _mailto(tk.config.get("ckanext.hautegaronne.contact_email"))))
            contacts = [node]
        for contact in contacts:
            g.add((service, DCAT.contactPoint, contact))
            # DCAT-AP HVD's range constraints: addresses are rdfs:Resource.
            for address in g.objects(contact, VCARD.hasEmail):
                self._typed(address, RDFS.Resource)
        for distribution in g.objects(dataset_ref, DCAT.distribution):
            for address in g.objects(distribution, DCAT.accessURL):
                self._typed(address, RDFS.Resource)
        if licence:
            self._licence(service, licence)
            self._rights(service, licence)
        for resource in dataset_dict.get("resources") or []:
            if resource.get("datastore_active"):
                g.add((_iri(resource["uri"]), DCAT.accessService, service))

    # ---------------------------------------------------------------- catalog

    def graph_from_catalog(self, catalog_dict: Optional[dict], catalog_ref) -> None:
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        g.bind("org", ORG)
        catalog_dict = catalog_dict or {}
        departement = territory.territory().departement

        # Language as the EU language IRI, homepage typed.
        for old in list(g.objects(catalog_ref, DCT.language)):
            g.remove((catalog_ref, DCT.language, old))
        g.add((catalog_ref, DCT.language, LANGUAGE_FRA))
        g.add((LANGUAGE_FRA, RDF.type, DCT.LinguisticSystem))
        homepage = catalog_dict.get("homepage") or tk.config.get("ckan.site_url")
        for old in list(g.objects(catalog_ref, FOAF.homepage)):
            g.remove((catalog_ref, FOAF.homepage, old))
        if homepage:
            g.add((catalog_ref, FOAF.homepage, URIRef(homepage)))
            g.add((URIRef(homepage), RDF.type, FOAF.Document))

        if not any(g.objects(catalog_ref, DCT.description)):
            g.add((catalog_ref, DCT.description, Literal(
                tk.config.get("ckan.site_description") or tk._(
                    "The open data of the Département de la Haute-Garonne, its bodies, its "
                    "communes and its intercommunalities."), lang="fr")))

        # Publisher: the département, or the publisher of a per-publisher catalog.
        org = catalog_dict.get("publisher_org") or self._departement_org()
        if org is None:
            org = {
                "name": "departement",
                "title": tk.config.get("ckanext.hautegaronne.departement_name"),
                "siren": departement["siren"],
                "publisher_type": "departement",
            }
            agent = URIRef(tk.config.get("ckan.site_url", "").rstrip("/") + "/#publisher")
            agent = self.publisher_agent(org, str(agent))
        else:
            agent = self.publisher_agent(org)
        g.add((catalog_ref, DCT.publisher, agent))

        # Spatial coverage and theme taxonomy.
        self.add_location(catalog_ref, DCT.spatial,
                          catalog_dict.get("spatial_code") or departement["code"])
        g.add((catalog_ref, DCAT.themeTaxonomy, THEME_SCHEME))
        self._concept_schemes()
