"""What a publisher reads about the load of a resource into the DataStore, in French.

ckanext-xloader reports its jobs' errors in English technical terms (exception texts);
``load_problem`` turns the known cases into a sentence that says what to do, and keeps the
original text as the detail. Links are refused before any job when their address is not
one the harvester would fetch either (``guard_link``, the same SSRF guard as harvesting).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Optional

import ckan.model as model
import sqlalchemy as sa
import ckan.plugins.toolkit as tk

from ..harvest import fetch

_ = tk._

# (pattern in xloader's error text, French explanation)
_KNOWN_PROBLEMS = (
    (r"Data too large|larger than", lambda: _(
        "The file is larger than the size the portal loads into its data service: it stays "
        "downloadable, but it has no table view nor data API.")),
    (r"timed out|time out|Timeout", lambda: _(
        "The server holding the file did not answer in time: check the address, or upload "
        "the file instead of linking it.")),
    (r"bad HTTP response|status_code|404|403|500", lambda: _(
        "The server holding the file answered with an error: check that the address opens "
        "the file itself.")),
    (r"at most 1600 columns|too many columns", lambda: _(
        "The table has more than 1,600 columns, more than the data service accepts: split "
        "it into several files.")),
    (r"field definition|not a valid field name|duplicate", lambda: _(
        "A column name is empty, repeated or invalid: give every column a distinct name on "
        "the first row.")),
    (r"extra data|missing data|more values than|unterminated|quote|delimiter|malformed", lambda: _(
        "Some rows do not have as many cells as the header, or a quote is not closed: fix "
        "the file (same number of separators on every row) and load it again.")),
    (r"empty|no data|No rows|has no header", lambda: _(
        "The file is empty or has no header row.")),
    (r"format|not supported|Could not load|Could not determine|Unable to", lambda: _(
        "The file could not be read as a table (CSV, TSV, XLS or XLSX): check its format.")),
)


def _raw_error(status: dict) -> str:
    error = status.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return str(error or "")


def load_problem(status: Optional[dict]) -> Optional[str]:
    """The French explanation of a failed load, or None when the load did not fail."""
    if not status or status.get("status") != "error":
        return None
    raw = _raw_error(status)
    if raw.startswith(GUARD_PREFIX):
        return raw[len(GUARD_PREFIX):]
    for pattern, message in _KNOWN_PROBLEMS:
        if re.search(pattern, raw, re.IGNORECASE):
            return message()
    return _("The file could not be loaded into the data service.")


def load_detail(status: Optional[dict]) -> str:
    """xloader's own text of the error (technical, in English), shown as the detail."""
    raw = _raw_error(status or {})
    return "" if raw.startswith(GUARD_PREFIX) else raw


# Marks the errors this module records itself (already in French).
GUARD_PREFIX = "hautegaronne: "


def guard_link(resource_id: str) -> bool:
    """Whether xloader may load the resource. An empty upload is refused (xloader would
    make an empty table of it); uploads are otherwise fetched by the worker from the portal
    itself; links only when the harvester's address guard accepts them. A refusal gets an
    error status saying why, in French, on the resource."""
    resource = model.Resource.get(resource_id)
    if resource is None:
        return True
    if resource.url_type == "upload":
        if resource.size == 0:
            _record_refusal(resource_id, _("The file is empty or has no header row."))
            return False
        return True
    try:
        fetch.check_url(resource.url or "")
    except fetch.FetchError as refusal:
        _record_refusal(resource_id, _("The file's address was refused: {reason}").format(
            reason=str(refusal)))
        return False
    return True


def _record_refusal(resource_id: str, message: str) -> None:
    """Store the refusal (in French) as xloader's task status. xloader asks ``can_upload``
    while CKAN is committing the resource, so the shared session cannot be used: a session
    of its own."""
    error = json.dumps({"message": GUARD_PREFIX + message})
    with sa.orm.Session(model.meta.engine) as session:
        task = session.query(model.TaskStatus).filter_by(
            entity_id=resource_id, task_type="xloader", key="xloader").first()
        if task is None:
            task = model.TaskStatus(entity_id=resource_id, entity_type="resource",
                                    task_type="xloader", key="xloader")
            session.add(task)
        task.value = json.dumps({"job_id": None})
        task.state = "error"
        task.error = error
        task.last_updated = datetime.datetime.utcnow()
        session.commit()
