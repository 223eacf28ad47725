"""Safe fetching of remote catalogues.

Only ``http``/``https`` URLs; the host must resolve to public addresses only (no loopback,
private, link-local, reserved or multicast range) unless the administrator lists it in
``ckanext.hautegaronne.harvest.allowed_private_hosts`` (host names, addresses or networks).
Every redirect is followed by hand and checked the same way; a redirect loop or more than
``max_redirects`` redirects stop the fetch. The body is read within ``timeout`` seconds (a
total deadline, not only per read) and up to ``max_size_mb``.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from typing import NamedTuple, Optional
from urllib.parse import urljoin, urlsplit

import ckan.plugins.toolkit as tk
import requests

from .messages import _

ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
          "application/n-triples;q=0.7, application/xml;q=0.5, */*;q=0.1")
CHUNK = 64 * 1024


class FetchError(Exception):
    """A remote document could not be fetched (the message is for the job report)."""


class Fetched(NamedTuple):
    body: bytes
    content_type: Optional[str]
    url: str


def _setting(key: str, default):
    return tk.config.get(f"ckanext.hautegaronne.harvest.{key}", default)


def allowed_private_hosts() -> tuple[set[str], list]:
    names, networks = set(), []
    for item in str(_setting("allowed_private_hosts", "") or "").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            names.add(item.lower().rstrip("."))
    return names, networks


def check_url(url: str) -> None:
    """Raise FetchError unless ``url`` may be fetched."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(_("Only http and https addresses can be harvested: {url}").format(url=url))
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise FetchError(_("The address has no host name: {url}").format(url=url))
    names, networks = allowed_private_hosts()
    if host in names:
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise FetchError(_("Invalid port in the address: {url}").format(url=url))
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("Unknown host name: {host}").format(host=host))
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        if any(address in network for network in networks):
            continue
        if not address.is_global or address.is_multicast:
            raise FetchError(_(
                "The address {host} ({ip}) belongs to this machine or to a private network: "
                "refused (an administrator can allow it with "
                "ckanext.hautegaronne.harvest.allowed_private_hosts).").format(
                    host=host, ip=address))


def fetch(url: str, session: Optional[requests.Session] = None) -> Fetched:
    """GET ``url`` within the limits; raise FetchError with a report-ready message."""
    timeout = float(_setting("timeout", 30))
    max_bytes = int(float(_setting("max_size_mb", 50)) * 1024 * 1024)
    max_redirects = int(_setting("max_redirects", 5))
    session = session or requests.Session()
    seen: list[str] = []
    current = url
    deadline = time.monotonic() + timeout
    try:
        while True:
            check_url(current)
            if current in seen:
                raise FetchError(_("Redirect loop: {url} redirects back to itself.")
                                 .format(url=seen[0]))
            if len(seen) > max_redirects:
                raise FetchError(_("Too many redirects (more than {count}) from {url}.")
                                 .format(count=max_redirects, url=url))
            seen.append(current)
            response = session.get(current, stream=True, allow_redirects=False,
                                   timeout=(timeout, timeout), headers={"Accept": ACCEPT})
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                response.close()
                if not location:
                    raise FetchError(_("The server answered a redirect without address for "
                                       "{url}.").format(url=current))
                current = urljoin(current, location)
                continue
            if response.status_code >= 400:
                response.close()
                raise FetchError(_("The server answered {status} {reason} for {url}.").format(
                    status=response.status_code, reason=response.reason or "", url=current))
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                response.close()
                raise FetchError(_("The document of {url} is larger than {size} MB.").format(
                    url=current, size=max_bytes // (1024 * 1024)))
            chunks, length = [], 0
            for chunk in response.iter_content(CHUNK):
                length += len(chunk)
                if length > max_bytes:
                    response.close()
                    raise FetchError(_("The document of {url} is larger than {size} MB.")
                                     .format(url=current, size=max_bytes // (1024 * 1024)))
                if time.monotonic() > deadline:
                    response.close()
                    raise requests.Timeout()
                chunks.append(chunk)
            return Fetched(b"".join(chunks), response.headers.get("Content-Type"), current)
    except requests.Timeout:
        raise FetchError(_("No complete answer from {url} within {seconds} seconds.").format(
            url=current, seconds=int(timeout)))
    except requests.ConnectionError as error:
        raise FetchError(_("Could not connect to {url}: {error}").format(url=current,
                                                                         error=error))
    except requests.RequestException as error:
        raise FetchError(_("Could not fetch {url}: {error}").format(url=current, error=error))
