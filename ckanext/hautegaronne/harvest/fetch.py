"""Safe fetching of remote catalogues.

Only ``http``/``https`` URLs; the host must resolve to public addresses only (no loopback,
private, link-local, reserved or multicast range) unless the administrator lists it in
``ckanext.hautegaronne.harvest.allowed_private_hosts`` (host names, addresses or networks).

The check and the connection use the same name resolution: the connections of the fetching
session (``GuardedAdapter``) resolve the host themselves, vet every address it resolves to,
and connect to a vetted address, while the request keeps the original host name for the
``Host`` header, TLS SNI and certificate verification. A name that changes its answer
between a check and the connection (DNS rebinding) is thus judged on the address actually
connected to. Every redirect is followed by hand and opens its connection the same way; a
redirect loop or more than ``max_redirects`` redirects stop the fetch. Proxies from the
environment are not used (the proxy, not the harvester, would resolve the name). The body
is read within ``timeout`` seconds (a total deadline, not only per read) and up to
``max_size_mb``.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from typing import NamedTuple, Optional
from urllib.parse import urljoin, urlsplit

import ckan.plugins.toolkit as tk
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from .messages import _

ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
          "application/n-triples;q=0.7, application/xml;q=0.5, */*;q=0.1")
CHUNK = 64 * 1024

# The resolver every check and connection goes through (``socket.getaddrinfo``'s signature).
resolver = socket.getaddrinfo


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


def _clean_host(host: str) -> str:
    return (host or "").strip("[]").lower().rstrip(".")


def vetted_addresses(host: str, port: int) -> list[tuple]:
    """Resolve ``host`` once and return its ``(family, address)`` pairs, or raise FetchError
    when it does not resolve or when any of its addresses is not public and not allowed."""
    host = _clean_host(host)
    names, networks = allowed_private_hosts()
    try:
        infos = resolver(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("Unknown host name: {host}").format(host=host))
    vetted = []
    for family, _type, _proto, _name, sockaddr in infos:
        text = sockaddr[0]
        address = ipaddress.ip_address(text.split("%")[0])
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        allowed = host in names or any(address in network for network in networks)
        if not allowed and (not address.is_global or address.is_multicast):
            raise FetchError(_(
                "The address {host} ({ip}) belongs to this machine or to a private network: "
                "refused (an administrator can allow it with "
                "ckanext.hautegaronne.harvest.allowed_private_hosts).").format(
                    host=host, ip=address))
        if (family, text) not in vetted:
            vetted.append((family, text))
    if not vetted:
        raise FetchError(_("Unknown host name: {host}").format(host=host))
    return vetted


def _port(parts) -> int:
    try:
        return parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise FetchError(_("Invalid port in the address: {url}").format(url=parts.geturl()))


def _check_form(url: str):
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(_("Only http and https addresses can be harvested: {url}").format(url=url))
    if not _clean_host(parts.hostname or ""):
        raise FetchError(_("The address has no host name: {url}").format(url=url))
    _port(parts)
    return parts


def check_url(url: str) -> list[tuple]:
    """Raise FetchError unless ``url`` may be fetched; return the vetted addresses."""
    parts = _check_form(url)
    return vetted_addresses(parts.hostname, _port(parts))


class _GuardedConnectionMixin:
    """Opens the socket to an address vetted by ``vetted_addresses`` (one resolution); the
    connection's ``host`` stays the name, for the Host header, SNI and certificates."""

    def _new_conn(self) -> socket.socket:
        last_error: Optional[OSError] = None
        for _family, address in vetted_addresses(self._dns_host, self.port):
            try:
                return urllib3_connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except socket.timeout as error:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. "
                          f"(connect timeout={self.timeout})") from error
            except OSError as error:
                last_error = error
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections only reach vetted addresses."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPConnectionPool,
                                                   "https": _GuardedHTTPSConnectionPool}


def guarded_session(session: Optional[requests.Session] = None) -> requests.Session:
    """``session`` (or a new one) with the guarded adapter and without environment proxies."""
    session = session or requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch(url: str, session: Optional[requests.Session] = None) -> Fetched:
    """GET ``url`` within the limits; raise FetchError with a report-ready message."""
    timeout = float(_setting("timeout", 30))
    max_bytes = int(float(_setting("max_size_mb", 50)) * 1024 * 1024)
    max_redirects = int(_setting("max_redirects", 5))
    session = guarded_session(session)
    seen: list[str] = []
    current = url
    deadline = time.monotonic() + timeout
    try:
        while True:
            _check_form(current)
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
