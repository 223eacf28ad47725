"""E-mail and web addresses: one rule each, shared by the publishers' fields (contact,
website) and the datasets' fields (contact point, schema URL), typed in a form, sent to the
API or harvested. Registered under the names the schemas use (``hautegaronne_publisher_email``
and ``hautegaronne_publisher_url`` for organisations, ``hautegaronne_email`` and
``hautegaronne_url`` for datasets).

* an e-mail address: one ``@`` between a local part (letters, digits and the usual
  ``.!#$%&'*+/=?^_`{|}~-`` signs) and a domain name; a ``mailto:`` prefix, as DCAT writes
  contact points, is removed; at most 254 characters;
* a web address: ``http://`` or ``https://``, a domain name, an optional port, then a path,
  query or fragment without spaces, ``<``, ``>``, ``"`` or backquotes. No user name or
  password, no bare host (``localhost``) or IP address: a public web address.

A domain name: labels of letters (accented ones included: internationalised names), digits
and inner hyphens, at least two of them, the last one (the top-level domain) of letters.

Also the guards every field of the schemas starts with, whatever a client sends (found by
the hostile-input sweep, ``tests/security/test_hostile_input.py``): ``text`` (text, not a
list, an object or a boolean, and no control character: PostgreSQL refuses NUL, XML refuses
the others, so the RDF/XML feed would break), ``resource_url`` (a link a browser and an RDF
serializer can take: no ``javascript:`` or ``data:``), ``media_type`` and ``byte_size``.
"""
from __future__ import annotations

import math
import re
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["is_empty", "email", "web_address", "is_email", "is_web_address", "text", "text_or_list",
           "text_problem",
           "resource_url", "media_type", "byte_size"]

_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_DOMAIN = rf"(?:{_LABEL}\.)+[^\W\d_]{{2,63}}"
_EMAIL = re.compile(rf"[\w.!#$%&'*+/=?^`{{|}}~-]+@{_DOMAIN}")
_WEB_ADDRESS = re.compile(rf"https?://{_DOMAIN}(?::\d{{1,5}})?(?:[/?#][^\s<>\"`]*)?",
                          re.IGNORECASE)
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
MAX_EMAIL = 254


def is_empty(value: Any) -> bool:
    """What the portal's validators take for "not given": missing, None or "" (the one
    definition every concern's validators use)."""
    return value is tk.missing or value is None or value == ""


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


shown = _shown  # a refused value as messages quote it


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None


def is_web_address(text: str) -> bool:
    if _WEB_ADDRESS.fullmatch(text) is None:
        return False
    port = re.match(r"[a-z]+://[^/?#:]+:(\d+)", text, re.IGNORECASE)
    return port is None or int(port.group(1)) <= 65535


def email(value: Any) -> Any:
    """An e-mail address (a ``mailto:`` prefix removed); empty values are left to the
    schema's other validators."""
    if is_empty(value):
        return value
    text = str(value).strip()
    if _MAILTO.match(text):
        text = text[len("mailto:"):]
    if not is_email(text):
        raise tk.Invalid(tk._('Invalid e-mail address: "{value}" (expected e.g. '
                              'opendata@mairie-roques.fr).').format(value=_shown(value)))
    return text


def web_address(value: Any) -> Any:
    """A public web address starting with http:// or https://."""
    if is_empty(value):
        return value
    text = str(value).strip()
    if not is_web_address(text):
        raise tk.Invalid(tk._('Invalid web address: "{value}"; enter a full address '
                              'starting with https:// (e.g. https://www.mairie-roques.fr).')
                         .format(value=_shown(value)))
    return text


# ---------------------------------------------------------------------------------------
# Guards against hostile or malformed input
# ---------------------------------------------------------------------------------------

# C0 controls but tab, line feed and carriage return; DEL; lone surrogates (which JSON can
# carry but no UTF-8 text can); the noncharacters XML refuses.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def text_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return tk._("Text is expected here, not a list, an object or a true/false value.")
    if isinstance(value, float) and not math.isfinite(value):
        return tk._("Text is expected here, not an infinite or undefined number.")
    if _FORBIDDEN.search(str(value)):
        return tk._("Control characters (such as NUL) are not accepted: remove them from "
                    "the text.")
    return None


def _shown_again(value: Any) -> str:
    """A refused value as the form shows it again: text without the forbidden characters
    (it also keeps scheming's JSON of repeating subfields serializable)."""
    if isinstance(value, (list, dict)):
        import json
        value = json.dumps(value, ensure_ascii=False, default=str)
    return _FORBIDDEN.sub("", str(value))


def text(key, data, errors, context) -> None:
    """First validator of a text field: a number becomes its text; a list, an object, a
    boolean, an infinite number or a control character (NUL...) is refused with a message on
    the field and stops its other validators (which could fail on them, or store them)."""
    value = data.get(key)
    if value is tk.missing or value is None or value == "":
        return
    problem = text_problem(value)
    if problem is not None:
        errors[key].append(problem)
        data[key] = _shown_again(value)
        raise tk.StopOnError
    data[key] = str(value)


def text_or_list(key, data, errors, context) -> None:
    """Like ``text``, but a list of texts is also accepted (``tag_string``)."""
    value = data.get(key)
    if isinstance(value, list):
        problems = [p for p in map(text_problem, value) if p]
        if problems:
            errors[key].append(problems[0])
            data[key] = _shown_again(value)
            raise tk.StopOnError
        data[key] = [str(v) for v in value]
        return
    text(key, data, errors, context)


_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
RESOURCE_URL_SCHEMES = ("http", "https", "ftp", "ftps")
# What an IRI may not contain (RFC 3987; rdflib refuses them): the DCAT feeds write the
# link as an IRI.
NOT_IN_IRI = re.compile(r"[\s<>\"{}|\\^`]")


def _has_public_host(link: str) -> bool:
    """An address's host is a host name or an IP address, with a valid port: not
    ``javascript%3Aalert(1)`` (``http://javascript%3Aalert(1)``, which data.gouv.fr's
    harvester refuses as an invalid URL, and with it the whole dataset)."""
    import ipaddress
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 - raises on a port that is not a number up to 65535
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None:
        return False
    if re.fullmatch(rf"{_LABEL}(?:\.{_LABEL})*", host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resource_url(value: Any) -> Any:
    """The link of a resource: an http(s) or ftp(s) address, or the name of an uploaded
    file; no other scheme (``javascript:``, ``data:``...) and no character an address cannot
    hold (spaces, ``<``, ``>``, quotes...)."""
    if value is tk.missing or value is None or value == "":
        return value
    link = str(value)
    scheme = _URL_SCHEME.match(link)
    if ((scheme and scheme.group(1).lower() not in RESOURCE_URL_SCHEMES)
            or NOT_IN_IRI.search(link) or (scheme and not _has_public_host(link))):
        raise tk.Invalid(tk._('Invalid link: "{value}"; enter an address starting with https:// '
                              '(or http://, ftp://), or upload a file.').format(value=_shown(value)))
    return link


_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}",
                         re.IGNORECASE)


def media_type(value: Any) -> Any:
    """A media type as IANA registers them: type/subtype (``text/csv``)."""
    if value is tk.missing or value is None or value == "":
        return value
    text_value = str(value).strip()
    if not _MEDIA_TYPE.fullmatch(text_value):
        raise tk.Invalid(tk._('Invalid media type: "{value}" (expected e.g. text/csv or '
                              'application/json).').format(value=_shown(value)))
    return text_value


MAX_BYTE_SIZE = 2**63 - 1  # PostgreSQL's bigint


def byte_size(value: Any) -> Any:
    """A size in bytes: a whole number from 0 to what the database holds."""
    if value is tk.missing or value is None:
        return value
    if isinstance(value, str) and not value.strip():
        # A form's empty field: no size (the database column is a bigint, not text).
        return None
    message = tk._("The size is a whole number of bytes (e.g. 1234).")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise tk.Invalid(message)
    if isinstance(value, float):
        if not value.is_integer():
            raise tk.Invalid(message)
        value = int(value)
    try:
        size = int(str(value).strip())
    except ValueError:
        raise tk.Invalid(message)
    if not 0 <= size <= MAX_BYTE_SIZE:
        raise tk.Invalid(message)
    return size


def get_validators() -> dict:
    """The guards shared by the dataset's and the publishers' schemas."""
    return {"hautegaronne_text": text}
