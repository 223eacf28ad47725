"""Fixtures of the harvesting tests: a loopback HTTP server serving catalogues written for
the tests, a commune's organisation, harvest sources, and jobs run synchronously (the same
gather / fetch / import functions the queue consumers call)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Union

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

DATA = Path(__file__).parent / "data"
HARVESTER = "hautegaronne_dcat"

Route = Union[tuple, Callable]


class CatalogServer:
    """Routes: path -> (status, headers, body) or a callable(handler) returning one."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path
                server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                if route is None:
                    status, headers, body = 404, {}, b"not found"
                elif callable(route):
                    result = route(self)
                    if result is None:
                        return
                    status, headers, body = result
                else:
                    status, headers, body = route
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body, content_type="application/rdf+xml; charset=utf-8",
              status=200, headers=None) -> str:
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def catalog_server():
    server = CatalogServer()
    yield server
    server.close()


def read_data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def make_org(name="colomiers", title="Colomiers", insee="31149", siren="213101496",
             kind="commune", **fields) -> dict:
    data = {"name": name, "title": title, "type": kind, "publisher_type": kind,
            "siren": siren, "contact_name": f"Mairie de {title}",
            "contact_email": f"mairie@{name}.example.org", **fields}
    if kind == "commune":
        data["insee_code"] = insee
    return tk.get_action("organization_create")(site_context(), data)


@pytest.fixture
def commune(clean_all):
    return make_org()


def make_source(org: dict, url: str, name="catalogue-colomiers", source_type=HARVESTER,
                config: str = "") -> dict:
    return tk.get_action("harvest_source_create")(site_context(), {
        "name": name, "title": f"Catalogue {org['title']}", "url": url,
        "source_type": source_type, "owner_org": org["id"], "frequency": "MANUAL",
        "config": config or None,
    })


def run_job(source: dict) -> dict:
    """Create a job and run its gather, fetch and import stages synchronously, as the
    consumers do, then mark it finished (``harvest_jobs_run``). Returns the job report:
    ``{"stats": {...}, "gather_errors": [...], "object_errors": [...], "objects": [...]}``."""
    context = site_context()
    job_dict = tk.get_action("harvest_job_create")(dict(context),
                                                   {"source_id": source["id"], "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(source["source_type"])
    object_ids = queue.gather_stage(harvester, job)
    for object_id in object_ids if isinstance(object_ids, list) else []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    return job_report(job_dict["id"])


def job_report(job_id: str) -> dict:
    model.Session.remove()
    context = site_context()
    job = tk.get_action("harvest_job_show")(dict(context), {"id": job_id})
    report = tk.get_action("harvest_job_report")(dict(context), {"id": job_id})
    objects = (model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == job_id)
               .all())
    object_errors = [e["message"] for errors in report["object_errors"].values()
                     for e in errors["errors"]]
    return {"job": job, "status": job["status"], "stats": job["stats"],
            "gather_errors": [e["message"] for e in report["gather_errors"]],
            "object_errors": object_errors,
            "objects": {o.guid: o.report_status for o in objects if o.report_status}}


def org_datasets(org: dict, include_private=True) -> dict:
    """The organisation's datasets by identifier (from the database, not the index)."""
    result = {}
    for package in (model.Session.query(model.Package)
                    .filter(model.Package.owner_org == org["id"])
                    .filter(model.Package.type == "dataset")
                    .filter(model.Package.state != "deleted")):
        if package.private and not include_private:
            continue
        dataset = tk.get_action("package_show")(site_context(), {"id": package.id})
        result[dataset.get("identifier") or dataset["id"]] = dataset
    return result


def wait_for(predicate, timeout=120.0, interval=0.5):
    """Poll ``predicate`` (for processes outside the test) until true or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
