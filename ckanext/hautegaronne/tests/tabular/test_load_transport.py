"""What the jobs worker downloads, and for how long: links go through the harvester's
address guard on every connection (a redirect to a private address is not followed), and a
load that goes past ``ckanext.xloader.job_timeout`` ends with a French status, the worker
going on. Servers on the loopback play the publishers' hosts; ``localhost`` is the one host
name the portal is told to allow, so 127.0.0.1 is still private for it."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from ..publishers import helpers as h
from . import loading

ALLOW_LOCALHOST = {"ckanext.hautegaronne.harvest.allowed_private_hosts": "localhost"}


@contextmanager
def _serving(handler_class):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _Secret(BaseHTTPRequestHandler):
    """An internal service: it must never be asked anything by the worker."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.hits.append(self.path)
        body = "secret;valeur\r\nmot de passe;hunter2\r\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _redirecting_to(target: str):
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.server.hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass
    return Redirect


class _Trickle(BaseHTTPRequestHandler):
    """A host that sends its file a line every half second, for a minute."""

    def do_GET(self):  # noqa: N802
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        try:
            self.wfile.write(b"commune;comptage\r\n")
            for n in range(120):
                self.wfile.write(f"Roques;{n}\r\n".encode())
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def _publisher(base_url: str) -> dict:
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    return {"url": base_url, "token": h.token(editor), "dataset": h.dataset(org, resources=[])}


def _link(publisher: dict, url: str) -> dict:
    body = loading.call(publisher["url"], "resource_create", publisher["token"],
                        package_id=publisher["dataset"]["id"], name="Comptages", url=url,
                        format="CSV")
    assert body["success"], body
    return body["result"]


def _load_page(publisher: dict, resource_id: str) -> str:
    import html

    response = requests.get(
        f"{publisher['url']}/dataset/{publisher['dataset']['name']}/resource_data/{resource_id}",
        headers={"Authorization": publisher["token"]}, timeout=60)
    assert response.status_code == 200
    return html.unescape(response.text)


@pytest.mark.loading_settings(ALLOW_LOCALHOST)
def test_a_redirect_to_a_private_address_is_not_followed(loading_services):
    base_url, worker = loading_services
    publisher = _publisher(base_url)
    with _serving(_Secret) as secret:
        internal = f"http://127.0.0.1:{secret.server_address[1]}/export.csv"
        with _serving(_redirecting_to(internal)) as public:
            resource = _link(publisher, f"http://localhost:{public.server_address[1]}/c.csv")
            status = loading.wait_for_load(base_url, publisher["token"], resource["id"])
            assert public.hits == ["/c.csv"]  # the worker asked the linked host...
            assert secret.hits == []  # ...and never the private address it redirected to
    assert status["status"] == "error", status
    page = _load_page(publisher, resource["id"])
    assert "L'adresse du fichier a été refusée" in page and "127.0.0.1" in page
    shown = loading.call(base_url, "resource_show", publisher["token"], id=resource["id"])
    assert not shown["result"].get("datastore_active")
    assert worker.poll() is None


@pytest.mark.loading_settings(dict(ALLOW_LOCALHOST, **{"ckanext.xloader.job_timeout": 15}))
def test_a_load_past_the_time_limit_is_stopped_with_a_french_status(loading_services):
    base_url, worker = loading_services
    publisher = _publisher(base_url)
    with _serving(_Trickle) as slow:
        resource = _link(publisher, f"http://localhost:{slow.server_address[1]}/lent.csv")
        status = loading.wait_for_load(base_url, publisher["token"], resource["id"], timeout=90)
    assert status["status"] == "error", status
    page = _load_page(publisher, resource["id"])
    assert "a duré plus que les 15 secondes permises" in page
    assert worker.poll() is None
    # the worker takes the next load (same time limit, ample for it): a good file arrives
    good = loading.upload(base_url, publisher["token"], publisher["dataset"]["id"],
                          loading.CORPUS / "comptages-utf-8.csv", "CSV")
    assert loading.wait_for_load(base_url, publisher["token"], good["id"])["status"] == "complete"
