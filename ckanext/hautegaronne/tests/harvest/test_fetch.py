"""The address guard holds at connection time: the address connected to is the address that
was checked (DNS rebinding), on every redirect hop, for http and https (Host header, SNI and
certificate keep the name).

Names ending in ``.test`` (reserved, unknown to any DNS) are answered by a test resolver put
in place of the harvester's own ``fetch.resolver``: a fetch that succeeds on such a name
proves that the connection went through the checked answer, not through a second lookup.
"""
from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import ckan.plugins.toolkit as tk

from ckanext.hautegaronne.harvest import fetch

from .conftest import make_source, org_datasets, read_data, run_job

pytestmark = [pytest.mark.usefixtures("with_plugins")]

PUBLIC = "93.184.215.14"  # a global address: passes the check, never connected to here


class NameResolver:
    """Answers for ``*.test`` names (a list of answers is used in turn, the last one
    repeating); other names go to the system resolver. Counts the lookups."""

    def __init__(self, answers: dict):
        self.answers = {name: list(a) if isinstance(a, list) else [a]
                        for name, a in answers.items()}
        self.lookups: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        if host not in self.answers:
            return socket.getaddrinfo(host, port, *args, **kwargs)
        queue = self.answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def resolver(monkeypatch):
    def install(answers: dict) -> NameResolver:
        test_resolver = NameResolver(answers)
        monkeypatch.setattr(fetch, "resolver", test_resolver)
        return test_resolver
    return install


def _port(catalog_server) -> int:
    return catalog_server.httpd.server_address[1]


def _record_host(catalog_server, path: str, body: str = "<rdf/>"):
    seen = []

    def route(handler):
        seen.append(handler.headers.get("Host"))
        return 200, {"Content-Type": "application/rdf+xml"}, body

    catalog_server.routes[path] = route
    return seen


def test_a_name_resolving_to_loopback_is_refused(catalog_server, resolver):
    port = _port(catalog_server)
    catalog_server.serve("/catalog.rdf", "<rdf/>")
    resolver({"catalogue.colomiers.test": "127.0.0.1"})
    for url in (f"http://localhost:{port}/catalog.rdf",
                f"http://catalogue.colomiers.test:{port}/catalog.rdf"):
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(url)
        assert "allowed_private_hosts" in str(error.value), url
    assert catalog_server.hits == {}


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts",
                         "catalogue.colomiers.test localhost")
def test_allowed_names_are_fetched_through_the_checked_address(catalog_server, resolver):
    port = _port(catalog_server)
    hosts = _record_host(catalog_server, "/catalog.rdf")
    lookups = resolver({"catalogue.colomiers.test": "127.0.0.1"})
    document = fetch.fetch(f"http://catalogue.colomiers.test:{port}/catalog.rdf")
    assert document.body == b"<rdf/>"
    # the request names the host; the one lookup is the one that was checked and used
    assert hosts == [f"catalogue.colomiers.test:{port}"]
    assert lookups.lookups == ["catalogue.colomiers.test"]
    assert fetch.fetch(f"http://localhost:{port}/catalog.rdf").body == b"<rdf/>"


def test_dns_rebinding_after_the_check_is_refused_at_connection(catalog_server, resolver):
    """The name answers a public address to a first check, then loopback (the rebinding):
    the connection is judged on the address it would actually reach."""
    port = _port(catalog_server)
    catalog_server.serve("/catalog.rdf", "<rdf/>")
    resolver({"rebind.test": [PUBLIC, "127.0.0.1"]})
    url = f"http://rebind.test:{port}/catalog.rdf"
    assert fetch.check_url(url) == [(socket.AF_INET, PUBLIC)]
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(url)
    assert "127.0.0.1" in str(error.value)
    assert catalog_server.hits == {}


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts",
                         "catalogue.colomiers.test")
def test_every_redirect_hop_is_checked_at_connection(catalog_server, resolver):
    port = _port(catalog_server)
    resolver({"catalogue.colomiers.test": "127.0.0.1", "interne.test": "127.0.0.1"})
    catalog_server.routes["/catalog.rdf"] = (
        302, {"Location": f"http://interne.test:{port}/secret"}, b"")
    catalog_server.serve("/secret", "secret")
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f"http://catalogue.colomiers.test:{port}/catalog.rdf")
    assert "interne.test" in str(error.value)
    assert catalog_server.hits == {"/catalog.rdf": 1}


@pytest.fixture
def tls_server(tmp_path):
    """An https server on loopback whose certificate names catalogue.colomiers.test only;
    records the SNI names it receives."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=catalogue.colomiers.test",
         "-addext", "subjectAltName=DNS:catalogue.colomiers.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    server_names: list = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = b"<rdf/>"
            self.send_response(200)
            self.send_header("Content-Type", "application/rdf+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"port": httpd.server_address[1], "cert": str(cert), "server_names": server_names}
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts",
                         "catalogue.colomiers.test")
def test_https_keeps_the_name_for_sni_and_the_certificate(tls_server, resolver):
    import requests

    resolver({"catalogue.colomiers.test": "127.0.0.1"})
    session = requests.Session()
    session.verify = tls_server["cert"]
    url = f"https://catalogue.colomiers.test:{tls_server['port']}/catalog.rdf"
    assert fetch.fetch(url, session=session).body == b"<rdf/>"
    assert tls_server["server_names"] == ["catalogue.colomiers.test"]


def test_a_source_on_localhost_is_refused_unless_allowed(monkeypatch, commune, catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf")).replace(
        "127.0.0.1", "localhost")
    with pytest.raises(tk.ValidationError) as refused:  # when the source is saved
        make_source(commune, url)
    assert "allowed_private_hosts" in refused.value.error_dict["url"][0]
    # and when a source saved while the name was allowed is harvested
    key = "ckanext.hautegaronne.harvest.allowed_private_hosts"
    monkeypatch.setitem(tk.config, key, "localhost")
    source = make_source(commune, url)
    monkeypatch.setitem(tk.config, key, "")
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("localhost" in e and "allowed_private_hosts" in e
               for e in report["gather_errors"]), report["gather_errors"]
    assert org_datasets(commune) == {} and catalog_server.hits == {}


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "localhost")
def test_a_source_on_an_allowed_name_is_harvested(commune, catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf")).replace(
        "127.0.0.1", "localhost")
    report = run_job(make_source(commune, url))
    assert report["gather_errors"] == [] and report["stats"].get("added") == 4
    assert len(org_datasets(commune)) == 4


class DribblingServer:
    """A loopback server that answers every connection with ``head`` at once, then sends
    ``dribble`` one byte every ``interval`` seconds (until the client hangs up)."""

    def __init__(self, head: bytes, dribble: bytes, interval: float = 1.5):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.head, self.dribble, self.interval = head, dribble, interval
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        with connection:
            try:
                connection.recv(65536)  # the request
                connection.sendall(self.head)
                for byte in self.dribble:
                    if self.stopped.wait(self.interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return  # the client hung up

    def close(self):
        self.stopped.set()
        self.listener.close()


SLOW_BODY = b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>"


@pytest.mark.parametrize("phase", ["status line and headers", "body"])
@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.timeout", "2")
def test_the_deadline_holds_for_the_whole_exchange(phase):
    # A hostile source sends one byte every 1.5 s, each within the 2 s allowed per read:
    # only a deadline on the whole exchange stops it (measured before it: 99 s and 210 s).
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/rdf+xml\r\n"
              b"Content-Length: %d\r\n\r\n" % len(SLOW_BODY))
    if phase == "body":
        server = DribblingServer(answer, SLOW_BODY)
    else:
        server = DribblingServer(b"", answer + SLOW_BODY)
    try:
        started = time.monotonic()
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(f"http://127.0.0.1:{server.port}/catalog.rdf")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert "Pas de réponse complète" in str(error.value) and "2 secondes" in str(error.value)
    # 2 s allowed; 3 s more for a loaded machine
    assert elapsed < 2 + 3, f"the fetch took {elapsed:.1f} s"
