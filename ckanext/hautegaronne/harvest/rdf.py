"""Safe parsing of remote RDF documents.

* RDF/XML is first read by a bare expat parser that refuses any entity declaration (entity
  expansion, "billion laughs") and any external DTD or entity (XXE); rdflib's own SAX parser
  then only sees documents without entities.
* JSON-LD documents must carry their ``@context`` inline: rdflib would otherwise fetch remote
  contexts itself, outside the fetching limits and the address guard. Any reference to another
  document is refused before rdflib sees the document: a string context, in lists at any
  depth, ``@import``, scoped contexts of term definitions, contexts of nested node objects.
* Other formats than RDF/XML, Turtle, N-Triples, N3, TriG and JSON-LD are refused (no RDFa /
  HTML parsing).
* A graph larger than ``ckanext.hautegaronne.harvest.max_triples`` triples is refused.
"""
from __future__ import annotations

import json
import re
from typing import Optional
from xml.parsers import expat

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFParser, RDFParserException

from .messages import _

FORMATS = {
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
    "application/n-triples": "nt", "text/plain": "nt", "text/n3": "n3",
    "application/trig": "trig",
    "application/ld+json": "json-ld", "application/json": "json-ld",
}
SUFFIXES = {".rdf": "xml", ".xml": "xml", ".owl": "xml", ".ttl": "turtle", ".nt": "nt",
            ".n3": "n3", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld"}
ALIASES = {"rdf": "xml", "rdfxml": "xml", "rdf/xml": "xml", "pretty-xml": "xml", "ttl": "turtle",
           "jsonld": "json-ld", "ntriples": "nt", "n-triples": "nt"}
ALLOWED = {"xml", "turtle", "nt", "n3", "trig", "json-ld"}


class RDFError(Exception):
    """A document that cannot be harvested (the message is for the job report)."""


def guess_format(declared: Optional[str], content_type: Optional[str], url: str,
                 body: bytes) -> str:
    """The rdflib format: the source's configured one, the Content-Type, the URL, the body."""
    if declared:
        fmt = ALIASES.get(declared.lower(), declared.lower())
        if fmt not in ALLOWED:
            raise RDFError(_("Unsupported RDF format: {format}").format(format=declared))
        return fmt
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in FORMATS:
        return FORMATS[mime]
    path = url.split("?")[0].split("#")[0].lower()
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix):
            return fmt
    head = body.lstrip()[:1]
    if head == b"<":
        return "xml"
    if head in (b"{", b"["):
        return "json-ld"
    return "turtle"


def _charset(content_type: Optional[str]) -> str:
    match = re.search(r"charset=([\w.-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def check_xml(body: bytes) -> None:
    """Refuse XML with entity declarations or external DTDs; refuse malformed XML."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def entity(*_args):
        raise RDFError(_("The XML document declares entities (entity expansion or external "
                         "entities): refused."))

    def doctype(_name, system_id, public_id, _internal):
        if system_id or public_id:
            raise RDFError(_("The XML document refers to an external DTD: refused."))

    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = entity
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(body, True)
    except expat.ExpatError as error:
        raise RDFError(_("The document is not well-formed XML: {error}").format(error=error))


def _remote_context(context) -> bool:
    """Whether a context value (what ``@context`` holds) refers to another document: a string
    (an IRI, relative or not), at any depth of lists, an ``@import``, a wrapped ``@context``,
    or a term definition's scoped context that does."""
    if isinstance(context, str):
        return True
    if isinstance(context, list):
        return any(_remote_context(item) for item in context)
    if isinstance(context, dict):
        if "@import" in context:
            return True
        if "@context" in context and _remote_context(context["@context"]):
            return True
        # term definitions: strings there are IRIs, not references; their own @context counts
        return any(_remote_contexts(value) for key, value in context.items()
                   if key != "@context")
    return False


def _remote_contexts(value) -> bool:
    """Whether any ``@context`` of a JSON-LD document (top level, node objects, term
    definitions) refers to a remote document. ``@import`` anywhere counts, too."""
    if isinstance(value, dict):
        if "@import" in value:
            return True
        for key, item in value.items():
            if key == "@context":
                if _remote_context(item):
                    return True
            elif _remote_contexts(item):
                return True
    elif isinstance(value, list):
        return any(_remote_contexts(item) for item in value)
    return False


def parse(body: bytes, fmt: str, content_type: Optional[str] = None) -> RDFParser:
    """An RDFParser (the configured profiles) holding the parsed document."""
    if fmt == "xml":
        check_xml(body)
        data = body
    else:
        try:
            data = body.decode(_charset(content_type))
        except (LookupError, UnicodeDecodeError) as error:
            raise RDFError(_("The document could not be decoded: {error}").format(error=error))
        if fmt == "json-ld":
            try:
                document = json.loads(data)
                remote = _remote_contexts(document)
            except RecursionError:
                raise RDFError(_("The JSON-LD document is nested too deeply to be read."))
            except ValueError as error:
                raise RDFError(_("The document is not valid JSON: {error}").format(error=error))
            if remote:
                raise RDFError(_("The JSON-LD document refers to a remote @context: the "
                                 "harvester only reads documents with an inline context."))
    parser = RDFParser()
    try:
        parser.parse(data, _format=fmt)
    except RDFParserException as error:
        raise RDFError(_("The document could not be read as RDF ({format}): {error}")
                       .format(format=fmt, error=str(error)[:500]))
    except Exception as error:  # rdflib parsers raise many kinds of errors
        raise RDFError(_("The document could not be read as RDF ({format}): {error}")
                       .format(format=fmt, error=str(error)[:500]))
    limit = int(tk.config.get("ckanext.hautegaronne.harvest.max_triples"))
    if len(parser.g) > limit:
        raise RDFError(_("The document holds {count} triples, more than the limit of {limit}.")
                       .format(count=len(parser.g), limit=limit))
    return parser
