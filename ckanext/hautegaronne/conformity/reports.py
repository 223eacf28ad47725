"""Conformity reports: which schema a resource declares, the background job that checks
it, and where its report is kept.

A report is a CKAN ``task_status`` row of the resource (``task_type`` ``conformity``):
writing it does not update the resource, so a check never triggers another check, and a
report is replaced only by the next one (``pending`` while a job waits). The job never
raises: whatever fails (schema unreachable, unreadable file, a bug) ends in a report whose
status says it in French, so the worker keeps running and no report is lost.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import tempfile
import traceback
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from . import catalogue, validate
from ..harvest import fetch
from ..harvest.messages import _

log = logging.getLogger(__name__)
TASK_TYPE = "conformity"


def _setting(key: str):
    """A conformity limit; its default is declared in config_declaration.yaml."""
    return tk.config.get(f"ckanext.hautegaronne.conformity.{key}")


def declared_schema(resource: dict, dataset: dict) -> Optional[dict]:
    """The schema a resource declares: its own (catalogue name and version, or a Table
    Schema address), else its dataset's first one. None when none is declared."""
    own = {key: (resource.get(f"schema_{key}") or "").strip() for key in ("name", "version", "url")}
    if not any(own.values()):
        declared = [item for item in dataset.get("conforms_to_schema") or []
                    if isinstance(item, dict) and (item.get("name") or item.get("url"))]
        if not declared:
            return None
        own = {key: (declared[0].get(key) or "").strip() for key in ("name", "version", "url")}
    if own["name"]:
        found = catalogue.find(own["name"], own["version"] or None)
        if found is not None:
            return {"name": found.name, "title": found.title, "version": found.version,
                    "url": own["url"] or found.url}
    if own["url"]:
        return {"name": own["name"] or own["url"], "title": own["name"] or own["url"],
                "version": own["version"], "url": own["url"]}
    return {"name": own["name"], "title": own["name"], "version": own["version"], "url": ""}


def is_tabular(resource: dict) -> bool:
    return (resource.get("format") or "").strip().upper().lstrip(".") in validate.TABULAR_FORMATS


def fingerprint(resource: dict, schema: Optional[dict]) -> str:
    """What a check depends on: a change of any of these asks for a new check."""
    return json.dumps([resource.get("url"), resource.get("last_modified"), resource.get("size"),
                       resource.get("format"), schema], sort_keys=True, default=str)


def report(resource_id: str) -> Optional[dict]:
    task = model.Session.query(model.TaskStatus).filter_by(
        entity_id=resource_id, task_type=TASK_TYPE, key="report").first()
    if task is None:
        return None
    try:
        return json.loads(task.value)
    except ValueError:
        return None


def conforming_schema(resource_id: Optional[str]) -> Optional[dict]:
    """The schema (name, title, version, url) a resource was last found conforming to, or
    None (never checked, pending, not conforming, unfinished)."""
    found = report(resource_id) if resource_id else None
    if not found or found.get("status") != "conforming" or not (found.get("schema") or {}).get("url"):
        return None
    return found["schema"]


def save(resource_id: str, content: dict) -> None:
    """Store a report (a session of its own: the hooks run while CKAN commits)."""
    with sa.orm.Session(model.meta.engine) as session:
        task = session.query(model.TaskStatus).filter_by(
            entity_id=resource_id, task_type=TASK_TYPE, key="report").first()
        if task is None:
            task = model.TaskStatus(entity_id=resource_id, entity_type="resource",
                                    task_type=TASK_TYPE, key="report")
            session.add(task)
        task.value = json.dumps(content, ensure_ascii=False, default=str)
        task.state = content.get("status")
        task.error = ""
        task.last_updated = datetime.datetime.utcnow()
        session.commit()


def request_check(resource: dict, dataset: dict, force: bool = False) -> bool:
    """Queue a check of the resource when it declares a schema and is tabular, and when
    its file or schema changed since the last report (always with ``force``)."""
    schema = declared_schema(resource, dataset)
    if schema is None or not is_tabular(resource):
        return False
    stamp = fingerprint(resource, schema)
    last = report(resource["id"])
    if not force and last is not None and last.get("fingerprint") == stamp:
        return False
    if last is not None and last.get("fingerprint") == stamp and _still_queued(last):
        # the same check already waits or runs: an outside attack queued five of a
        # 300-second check in one second, holding the one worker every publisher shares
        return True
    save(resource["id"], {"status": "pending", "schema": schema, "fingerprint": stamp,
                          "requested_at": _now()})
    tk.enqueue_job(run_check, [resource["id"]], title=f"conformity {resource['id']}",
                   rq_kwargs={"timeout": int(float(_setting("max_seconds"))) * 3})
    return True


def _still_queued(last: dict) -> bool:
    """Whether the last report is a check requested and not yet done, within the time its
    job may take (a job lost with its worker does not block new checks for ever)."""
    if last.get("status") not in ("pending", "running") or not last.get("requested_at"):
        return False
    try:
        requested = datetime.datetime.fromisoformat(last["requested_at"])
    except (TypeError, ValueError):
        return False
    allowed = datetime.timedelta(seconds=int(float(_setting("max_seconds"))) * 3)
    return datetime.datetime.utcnow() - requested < allowed


def _now() -> str:
    """UTC, without offset: as CKAN stores its dates (h.render_datetime reads them)."""
    return datetime.datetime.utcnow().replace(microsecond=0).isoformat()


def _local_copy(resource: dict) -> tuple[str, bool]:
    """The file to read: an upload's stored file, else the link downloaded through the
    guarded fetch into a temporary file (True: to delete after)."""
    if resource.get("url_type") == "upload":
        from ckan.lib.uploader import get_resource_uploader
        return get_resource_uploader(resource).get_path(resource["id"]), False
    body = fetch.fetch(resource.get("url") or "").body
    fd, path = tempfile.mkstemp(suffix="." + resource["format"].lower())
    with os.fdopen(fd, "wb") as out:
        out.write(body)
    return path, True


def run_check(resource_id: str) -> None:
    """The background job: check the resource, store its report. Never raises."""
    outcome: dict = {"checked_at": _now()}
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
        dataset = tk.get_action("package_show")({"ignore_auth": True},
                                                {"id": resource["package_id"]})
        schema = declared_schema(resource, dataset)
        outcome.update(schema=schema, fingerprint=fingerprint(resource, schema))
        outcome.update(check(resource, schema))
    except tk.ObjectNotFound:
        return  # deleted since: nothing to report on
    except Exception:  # a bug must not lose the report nor stop the worker
        log.error("conformity check of %s failed:\n%s", resource_id, traceback.format_exc())
        outcome.update(status="error", message=_(
            "The check could not be completed because of an error of the portal; the "
            "platform's team has been told. Ask for a new check later."))
    save(resource_id, outcome)
    # Only a completed check that found errors unpublishes: a check that could not run (an
    # unreachable schema or file, a bug) says nothing of the data.
    if outcome.get("status") == "not-conforming":
        try:
            enforce_blocking(resource_id)
        except Exception:
            log.error("conformity: could not make the dataset of %s private:\n%s",
                      resource_id, traceback.format_exc())


def enforce_blocking(resource_id: str) -> None:
    """A public dataset that publishes conforming data only becomes private when one of its
    resources is found not conforming (its publisher is told by the report)."""
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": resource["package_id"]})
    if str(dataset.get("conformity_blocks_publication")).lower() != "true" or dataset.get("private"):
        return
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("package_patch")({"ignore_auth": True, "user": site_user},
                                   {"id": dataset["id"], "private": True})
    found = report(resource_id) or {}
    found["message"] = " ".join(filter(None, [found.get("message"), _(
        "The dataset publishes conforming data only: it was made private until its "
        "resources conform.")]))
    save(resource_id, found)


def check(resource: dict, schema: Optional[dict]) -> dict:
    if schema is None:
        return {"status": "error", "message": _("The resource declares no schema.")}
    if not schema.get("url"):
        return {"status": "error", "message": _(
            "The schema {name} version {version} is not in the schema catalogue: choose one "
            "of its versions, or give the address of the Table Schema.").format(
                name=schema.get("name"), version=schema.get("version") or "?")}
    fmt = (resource.get("format") or "").strip().upper().lstrip(".")
    if fmt not in validate.TABULAR_FORMATS:
        return {"status": "error", "message": _(
            "Only CSV, TSV, XLS and XLSX files are checked against a Table Schema.")}
    try:
        descriptor = catalogue.load_table_schema(schema["url"])
    except catalogue.CatalogueError as problem:
        return {"status": "error", "message": _("The schema could not be read: {reason}")
                .format(reason=str(problem))}
    try:
        path, temporary = _local_copy(resource)
    except fetch.FetchError as problem:
        return {"status": "error", "message": _("The file could not be read: {reason}")
                .format(reason=str(problem))}
    try:
        return validate.validate_file(
            path, fmt, descriptor, max_rows=int(_setting("max_rows")),
            max_seconds=float(_setting("max_seconds")),
            max_errors=int(_setting("max_errors")))
    finally:
        if temporary:
            os.unlink(path)
