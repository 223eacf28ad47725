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
environment are not used (the proxy, not the harvester, would resolve the name). The whole
exchange (connections, headers, body, every redirect hop) ends within ``timeout`` seconds:
a server that sends a byte now and then cannot hold the gather consumer (``Deadline``).
The body is read up to ``max_size_mb``.

The guarded session also serves ckanext-dcat's stock harvesters (``guard.py``), whose
requests are given ``timeout`` per read when they set none.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
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


class UnknownHost(FetchError):
    """The host name does not resolve (now: a source's name may resolve later)."""


class Fetched(NamedTuple):
    body: bytes
    content_type: Optional[str]
    url: str


def _setting(key: str):
    """A harvest option; its default is declared in config_declaration.yaml."""
    return tk.config.get(f"ckanext.hautegaronne.harvest.{key}")


def allowed_private_hosts() -> tuple[set[str], list]:
    names, networks = set(), []
    for item in str(_setting("allowed_private_hosts") or "").split():
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
        raise UnknownHost(_("Unknown host name: {host}").format(host=host))
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
        raise UnknownHost(_("Unknown host name: {host}").format(host=host))
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


class Deadline:
    """The total time of one fetch, held on every socket it opens.

    A per-read timeout restarts with each byte received: a server sending one byte every
    second or so (status line, headers or body) would hold the fetch for as long as it
    likes. At the deadline, a timer thread shuts the fetch's sockets down, which ends any
    read blocked on them; the fetch then reports the timeout. Sockets are watched through
    a duplicate descriptor (shutting one down ends the connection itself), since TLS
    wrapping detaches the original socket object.
    """

    _current = threading.local()

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    @classmethod
    def current(cls) -> Optional["Deadline"]:
        return getattr(cls._current, "deadline", None)

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            watched = sock.dup()
            self._watched.append(watched)
            if self.expired:
                _shut(watched)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._watched:
                _shut(sock)

    def __enter__(self) -> "Deadline":
        Deadline._current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()
        Deadline._current.deadline = None
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


class _GuardedConnectionMixin:
    """Opens the socket to an address vetted by ``vetted_addresses`` (one resolution); the
    connection's ``host`` stays the name, for the Host header, SNI and certificates. Within
    a fetch, the connection waits at most until its deadline, which watches the socket."""

    def _new_conn(self) -> socket.socket:
        last_error: Optional[OSError] = None
        deadline = Deadline.current()
        for _family, address in vetted_addresses(self._dns_host, self.port):
            timeout = self.timeout
            if deadline is not None:
                timeout = deadline.remaining() if not isinstance(timeout, (int, float)) \
                    else min(timeout, deadline.remaining())
            try:
                if deadline is not None and timeout <= 0:
                    raise socket.timeout()
                sock = urllib3_connection.create_connection(
                    (address, self.port), timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
                if deadline is not None:
                    deadline.watch(sock)
                return sock
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
    """A requests adapter whose connections only reach vetted addresses, and whose requests
    wait at most ``ckanext.hautegaronne.harvest.timeout`` per connection or read when the
    caller set no timeout (ckanext-dcat's harvesters set none)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPConnectionPool,
                                                   "https": _GuardedHTTPSConnectionPool}

    def send(self, request, timeout=None, **kwargs):
        if timeout is None:
            seconds = float(_setting("timeout"))
            timeout = (seconds, seconds)
        return super().send(request, timeout=timeout, **kwargs)


def guarded_session(session: Optional[requests.Session] = None,
                    adapter_class: type = GuardedAdapter) -> requests.Session:
    """``session`` (or a new one) with the guarded adapter and without environment proxies."""
    session = session or requests.Session()
    session.trust_env = False
    adapter = adapter_class()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch(url: str, session: Optional[requests.Session] = None) -> Fetched:
    """GET ``url`` within the limits; raise FetchError with a report-ready message."""
    timeout = float(_setting("timeout"))
    max_bytes = int(float(_setting("max_size_mb")) * 1024 * 1024)
    max_redirects = int(_setting("max_redirects"))
    # A session of its own: a pooled connection opened before this fetch would not be
    # watched by its deadline.
    own_session = session is None
    session = guarded_session(session)
    seen: list[str] = []

    def timed_out() -> FetchError:
        return FetchError(_("No complete answer from {url} within {seconds} seconds.")
                          .format(url=seen[-1] if seen else url, seconds=int(timeout)))

    with Deadline(timeout) as deadline:
        try:
            fetched = _get(session, url, max_bytes, max_redirects, seen, deadline)
        except FetchError:
            raise
        except Exception as error:
            current = seen[-1] if seen else url
            if deadline.expired or isinstance(error, requests.Timeout):
                # whatever the shut-down socket made of the read (reset, truncated answer)
                raise timed_out()
            if isinstance(error, requests.ConnectionError):
                raise FetchError(_("Could not connect to {url}: {error}").format(
                    url=current, error=error))
            if isinstance(error, requests.RequestException):
                raise FetchError(_("Could not fetch {url}: {error}").format(
                    url=current, error=error))
            raise
        finally:
            if own_session:
                session.close()
        if deadline.expired:  # a body cut short by the deadline is no document
            raise timed_out()
    return fetched


def _get(session: requests.Session, url: str, max_bytes: int, max_redirects: int,
         seen: list[str], deadline: Deadline) -> Fetched:
    """``fetch``'s exchange, redirect by redirect (``seen``: the URLs requested)."""
    current = url
    while True:
        _check_form(current)
        if current in seen:
            raise FetchError(_("Redirect loop: {url} redirects back to itself.")
                             .format(url=seen[0]))
        if len(seen) > max_redirects:
            raise FetchError(_("Too many redirects (more than {count}) from {url}.")
                             .format(count=max_redirects, url=url))
        seen.append(current)
        wait = max(deadline.remaining(), 0.001)
        response = session.get(current, stream=True, allow_redirects=False,
                               timeout=(wait, wait), headers={"Accept": ACCEPT})
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
            if deadline.expired:
                response.close()
                raise requests.Timeout()
            chunks.append(chunk)
        return Fetched(b"".join(chunks), response.headers.get("Content-Type"), current)
