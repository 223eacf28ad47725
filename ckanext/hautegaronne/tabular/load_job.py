"""The portal's load of a resource into the DataStore: the job ``xloader_submit`` enqueues.

xloader's own job downloads links with a plain ``requests.get`` (which follows redirects and
resolves the name again: a public address that redirects to a private one, or a name that
changes its answer, made the worker fetch an internal service into the public DataStore),
then re-encodes CSV files row by row in Python. The portal's ``xloader_submit`` keeps
xloader's submission contract (same auth, same task status, same IXloader hooks, same
``xloader_hook`` reports, xloader's job log) but enqueues this job, which:

* downloads links through the harvester's guarded session (``harvest/fetch.py``: every
  connection, redirects included, only to vetted public addresses), uploads from the portal
  itself, within ``ckanext.xloader.max_content_length``;
* loads CSV and TSV with one PostgreSQL COPY (``fast_copy``), types French numbers and dates
  in one table rewrite, publishes the table, then has a background job fill its full-text
  column (``full_text``: a full-text search is refused in French until it is complete);
* leaves what that path does not take, and spreadsheets, to xloader's own loaders
  (``load_csv``, then ``load_table``), on the file it downloaded;
* reports every failure, a timeout included (``ckanext.xloader.job_timeout``), as the
  resource's load status, in French when the cause is known (``status.load_problem``).
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import tempfile
import zipfile

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import requests

from ..harvest import fetch
# The job's messages are stored in the load status: written in the portal's default
# language whatever process writes them (the worker has no web request), as the
# harvester's reports are.
from ..harvest.messages import _
from . import column_types, fast_copy, full_text, status
log = logging.getLogger(__name__)

CHUNK = 64 * 1024
TEXT_FORMATS = {"csv": None, "text/csv": None, "tsv": "\t",
                "text/tab-separated-values": "\t"}
RUNNING = ("pending", "running", "running_but_viewable")


class LoadError(Exception):
    """A load that cannot go on; the message is what the publisher reads (French)."""


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _job_timeout() -> int:
    return int(tk.config.get("ckanext.xloader.job_timeout") or 3600)


def _max_bytes() -> int:
    return int(tk.config.get("ckanext.xloader.max_content_length") or 1_000_000_000)


# --- submission ---------------------------------------------------------------------------

@tk.chained_action
def xloader_submit(original_action, context: dict, data_dict: dict) -> bool:
    """Submit a resource to be loaded into the DataStore by the portal's job (see the
    module); same parameters and answer as xloader's: True once a load is enqueued."""
    from ckanext.xloader.interfaces import IXloader

    tk.check_access("xloader_submit", context, data_dict)
    resource_id = data_dict.get("resource_id")
    if not resource_id:
        raise tk.ValidationError({"resource_id": [tk._("Missing value")]})
    try:
        resource = tk.get_action("resource_show")(context, {"id": resource_id})
    except tk.ObjectNotFound:
        return False
    for plugin in p.PluginImplementations(IXloader):
        if not plugin.can_upload(resource_id):
            log.info("Plugin %s rejected resource %s", type(plugin).__name__, resource_id)
            return False
    task = _task(resource_id)
    if task and task.get("state") in RUNNING and _job_alive(task):
        log.info("A load of %s is already queued or running", resource_id)
        return False
    now = str(datetime.datetime.utcnow())
    job = tk.enqueue_job(
        load_resource, [{"resource_id": resource_id, "task_created": now,
                         "original_url": resource.get("url"),
                         "ignore_hash": bool(data_dict.get("ignore_hash"))}],
        title=f"hautegaronne load: resource {resource_id}",
        rq_kwargs={"timeout": _job_timeout()})
    _save_task(resource_id, "pending", {"job_id": job.id}, error={})
    return True


def _task(resource_id: str) -> dict | None:
    try:
        return tk.get_action("task_status_show")({"ignore_auth": True}, {
            "entity_id": resource_id, "task_type": "xloader", "key": "xloader"})
    except tk.ObjectNotFound:
        return None


def _job_alive(task: dict) -> bool:
    """Whether the task's job is still queued or running (a worker that died leaves a
    pending task whose job is gone: a new load may start)."""
    from ckan.lib.redis import connect_to_redis
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    job_id = json.loads(task.get("value") or "{}").get("job_id")
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=connect_to_redis())
    except NoSuchJobError:
        return False
    return job.get_status(refresh=True) in ("queued", "started", "scheduled", "deferred")


def _save_task(resource_id: str, state: str, value: dict, error) -> None:
    from ckan import model

    task = _task(resource_id) or {}
    task.update({"entity_id": resource_id, "entity_type": "resource", "task_type": "xloader",
                 "key": "xloader", "state": state, "value": json.dumps(value),
                 "error": json.dumps(error), "last_updated": str(datetime.datetime.utcnow())})
    tk.get_action("task_status_update")(
        {"session": model.meta.create_local_session(), "ignore_auth": True}, task)


# --- the job ------------------------------------------------------------------------------

def load_resource(job_input: dict) -> None:
    """The job: load the resource, report its outcome (never raises: a failure is the
    resource's load status, and the worker goes on)."""
    from rq import get_current_job
    from rq.timeouts import JobTimeoutException

    resource_id = job_input["resource_id"]
    job_id = get_current_job().id
    job_input["load_id"] = job_id
    logger = _job_logger(job_id, job_input)
    _report(job_input, "running")
    try:
        _load(job_input, logger)
    except JobTimeoutException:
        message = status.GUARD_PREFIX + _(
            "The load took longer than the {seconds} seconds allowed and was stopped: upload a "
            "smaller file, or ask the portal's administrators.").format(seconds=_job_timeout())
        _fail(job_input, job_id, logger, message, f"Job timed out after {_job_timeout()}s")
    except LoadError as error:
        _fail(job_input, job_id, logger, status.GUARD_PREFIX + str(error), str(error))
    except Exception as error:  # noqa: BLE001 - xloader's and PostgreSQL's errors, reported
        log.exception("Load of %s failed", resource_id)
        _fail(job_input, job_id, logger, str(error), repr(error))
    else:
        _xloader_db().mark_job_as_completed(job_id, {"resource_id": resource_id})
        logger.info("Load complete")


def _fail(job_input: dict, job_id: str, logger, message: str, detail: str) -> None:
    logger.error("Load failed: %s", detail)
    if job_input.get("table_touched"):
        _drop_partial_table(job_input["resource_id"])
        full_text.forget(job_input["resource_id"])
    _report(job_input, "error", error={"message": message})
    _xloader_db().mark_job_as_errored(job_id, detail)


def _drop_partial_table(resource_id: str) -> None:
    """Nothing half loaded: a table this load left (empty or partial) goes."""
    try:
        tk.get_action("datastore_delete")({"ignore_auth": True, "user": _site_user()},
                                          {"resource_id": resource_id, "force": True})
    except (tk.ObjectNotFound, tk.ValidationError):
        pass
    except Exception:  # noqa: BLE001 - the status must still be written
        log.exception("Could not drop the partial table of %s", resource_id)


def _xloader_db():
    from ckanext.xloader import db

    db.init(tk.config)
    return db


def _job_logger(job_id: str, job_input: dict) -> logging.Logger:
    """A logger writing to xloader's job log, which the publisher's load page shows."""
    from ckanext.xloader.jobs import StoringHandler

    db = _xloader_db()
    db.add_pending_job(job_id, job_type="hautegaronne_load", api_key="",
                       metadata={"resource_id": job_input["resource_id"]})
    handler = StoringHandler(job_id, job_input)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(f"hautegaronne.load.{job_id}")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger


def _report(job_input: dict, state: str, error=None, typed: bool = False) -> None:
    """The outcome through xloader's own ``xloader_hook`` action (task status, IXloader's
    after_upload, default views), as xloader's job reports it."""
    context = {"ignore_auth": True, "user": _site_user(), column_types.TYPED: typed}
    tk.get_action("xloader_hook")(context, {
        "metadata": {"resource_id": job_input["resource_id"],
                     "task_created": job_input.get("task_created"),
                     "original_url": job_input.get("original_url")},
        "status": state, "error": json.dumps(error) if error else None})


def _load(job_input: dict, logger: logging.Logger) -> None:
    resource = _resource(job_input["resource_id"])
    if resource.get("url_type") in ("datastore",):
        logger.info("DataStore resource: written through the API, nothing to load")
        return
    handle = tempfile.NamedTemporaryFile(suffix=_suffix(resource), delete=False)
    try:
        file_hash = _download(resource, handle, logger)
        handle.close()
        if (resource.get("hash") == file_hash and resource.get("datastore_active")
                and not job_input.get("ignore_hash")):
            logger.info("The file has not changed since its last load (hash %s)", file_hash)
            _report(job_input, "complete", typed=True)
            return
        _refuse_unpacking_past_the_limit(handle.name)
        load_file(handle.name, resource, job_input, logger, file_hash)
    finally:
        handle.close()
        os.unlink(handle.name)


def load_file(path: str, resource: dict, job_input: dict, logger: logging.Logger,
              file_hash: str, timings: dict | None = None,
              full_text_now: bool = False) -> None:
    """Load the downloaded file into the resource's table and publish it. CSV and TSV go
    through PostgreSQL's COPY (fast_copy) and are typed; the table is published (readable,
    filterable, its views made) before its full text, which a background job fills
    (full_text; ``full_text_now`` runs it here instead). ``timings`` receives each phase's
    seconds."""
    from ckanext.xloader import loader
    from ckanext.xloader.job_exceptions import LoaderError

    clock = _Clock(timings)
    load_id = job_input.get("load_id") or job_input.get("task_created") or file_hash
    full_text.forget(resource["id"])
    fmt = (resource.get("format") or "").lower()
    fields = None
    staged = False
    job_input["table_touched"] = True  # from here, a failure drops what was loaded
    if fmt in TEXT_FORMATS:
        # searches of the full text wait for it from the table's creation (CKAN marks the
        # resource active then)
        full_text.mark_pending(resource["id"], load_id)
        try:
            fields = fast_copy.load(path, resource["id"], logger, delimiter=TEXT_FORMATS[fmt])
            clock("COPY (PostgreSQL decodes the file)")
            fast_copy.finish(resource["id"], fields, logger)
            clock("typing of numbers and dates (one rewrite)")
            typed = staged = True
        except fast_copy.RefusedFile as refusal:
            raise LoadError(str(refusal))
        except fast_copy.NotForFastPath as reason:
            logger.info("Left to xloader's loader: %s", reason)
            full_text.forget(resource["id"])  # xloader's loader fills it itself
    if fields is None:
        typed = False
        # xloader's loader deletes a table it finds as a user CKAN 2.12 does not know
        # (user ''): the table goes first, as the site user
        _drop_partial_table(resource["id"])
        try:
            fields = loader.load_csv(path, resource_id=resource["id"],
                                     mimetype=resource.get("format"), logger=logger)
        except LoaderError as error:
            if fmt in TEXT_FORMATS:
                # its table loader would pad or cut ragged rows: nothing silently lost
                raise
            logger.info("xloader's CSV loader failed (%s); trying its table loader", error)
            loader.load_table(path, resource_id=resource["id"],
                              mimetype=resource.get("format"), logger=logger)
            fields = None
    loader.calculate_record_count(resource_id=resource["id"], logger=logger)
    clock("row count (ANALYZE)")
    full_text_pending = staged
    if staged and not full_text_now and _rows_at_most(resource["id"], _inline_full_text_rows()):
        # a small table's full text takes seconds: done before publication, so that no
        # search of it is ever refused
        full_text.fill(resource["id"], load_id, fields, timings)
        full_text_pending = False
        clock("full text (within the load: small table)")
    _report(job_input, "running_but_viewable", typed=typed)
    if fields is not None and not staged:
        loader.create_column_indexes(fields=fields, resource_id=resource["id"],
                                     logger=logger)
    tk.get_action("resource_patch")({"ignore_auth": True, "user": _site_user()},
                                    {"id": resource["id"], "hash": file_hash,
                                     # as xloader records it (no excerpt loads here)
                                     "datastore_contains_all_records_of_source_file": True})
    _report(job_input, "complete", typed=True)
    clock("publication (status, views, search index)")
    if full_text_pending:
        logger.info("Table published; its full text is filled by a background job")
        if full_text_now:
            full_text.fill(resource["id"], load_id, fields, timings)
        else:
            full_text.enqueue(resource["id"], load_id, fields)


def _inline_full_text_rows() -> int:
    return tk.config.get("ckanext.hautegaronne.datastore.full_text_inline_rows")


def _rows_at_most(resource_id: str, limit: int) -> bool:
    """Whether the table holds at most ``limit`` rows (counts no further than limit + 1)."""
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_write_engine

    table = '"' + resource_id.replace('"', '""') + '"'
    with get_write_engine().connect() as connection:
        rows = connection.execute(sa.text(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT :limit) AS head"),
            {"limit": limit + 1}).scalar()
    return rows <= limit


class _Clock:
    """Records the seconds since the previous call under each phase's name."""

    def __init__(self, timings: dict | None):
        import time

        self.timings, self.time = timings, time.perf_counter
        self.last = self.time()

    def __call__(self, phase: str) -> None:
        now = self.time()
        if self.timings is not None:
            self.timings[phase] = now - self.last
        self.last = now


def _resource(resource_id: str) -> dict:
    """The resource, once its creation is committed: a load is enqueued while CKAN is still
    saving the resource, and a worker may be quicker."""
    import time

    for _attempt in range(20):
        try:
            return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
        except tk.ObjectNotFound:
            time.sleep(0.5)
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})


def _suffix(resource: dict) -> str:
    fmt = (resource.get("format") or "").lower()
    return "." + {"text/csv": "csv", "text/tab-separated-values": "tsv"}.get(fmt, fmt or "csv")


def _download(resource: dict, target, logger: logging.Logger) -> str:
    """Write the resource's file to ``target``; returns its MD5 (xloader's hash). Uploads
    come from the portal itself (the address is the portal's, built by CKAN); links go
    through the guarded session."""
    from ckanext.xloader import utils

    url = resource.get("url") or ""
    if resource.get("url_type") == "upload":
        session = requests.Session()
        url = utils.modify_input_url(url)
        headers = {"Authorization": utils.get_xloader_user_apitoken()}
    else:
        try:
            fetch.check_url(url)
        except fetch.FetchError as refusal:
            raise LoadError(_("The file's address was refused: {reason}").format(
                reason=str(refusal)))
        session = fetch.guarded_session()
        session.max_redirects = tk.config.get("ckanext.hautegaronne.harvest.max_redirects")
        headers = {}
    logger.info("Fetching from: %s", url)
    limit = _max_bytes()
    digest = hashlib.md5(usedforsecurity=False)
    length = 0
    timeout = float(tk.config.get("ckanext.hautegaronne.harvest.timeout"))
    try:
        with session.get(url, headers=headers, stream=True, timeout=(timeout, timeout)) as response:
            if response.status_code >= 400:
                raise LoadError(_("The server holding the file answered with an error "
                                  "({status}): check that the address opens the file "
                                  "itself.").format(status=response.status_code))
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _too_large(limit)
            for chunk in response.iter_content(CHUNK):
                length += len(chunk)
                if length > limit:
                    raise _too_large(limit)
                target.write(chunk)
                digest.update(chunk)
    except fetch.FetchError as refusal:
        raise LoadError(_("The file's address was refused: {reason}").format(
            reason=str(refusal)))
    except requests.Timeout:
        raise LoadError(_("The server holding the file did not answer in time: check the "
                          "address, or upload the file instead of linking it."))
    except requests.TooManyRedirects:
        raise LoadError(_("Too many redirects (more than {count}) from {url}.").format(
            count=session.max_redirects, url=url))
    except requests.ConnectionError as error:
        refused = _guard_refusal(error)
        if refused:
            raise LoadError(_("The file's address was refused: {reason}").format(
                reason=refused))
        raise LoadError(_("Could not connect to {url}: {error}").format(url=url, error=error))
    finally:
        session.close()
    target.flush()
    logger.info("Downloaded %d bytes", length)
    return digest.hexdigest()


def _refuse_unpacking_past_the_limit(path: str) -> None:
    """A spreadsheet (XLSX, ODS) is a zip archive: the size limit applies to what it
    unpacks to, which the loader reads. An outside attack's 1.26 MB workbook unpacked to
    289 MB and held the one worker every publisher shares for five minutes."""
    if not zipfile.is_zipfile(path):
        return
    limit = _max_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not readable as an archive: the loader says what the file is
    if unpacked > limit:
        raise LoadError(_(
            "This spreadsheet unpacks to more than the size the portal loads into its data "
            "service ({size} MB): it stays downloadable; publish its table as CSV to get a "
            "table view and the data API.").format(size=limit // (1024 * 1024) or 1))


def _too_large(limit: int) -> LoadError:
    return LoadError(_(
        "The file is larger than the size the portal loads into its data service ({size} "
        "MB): it stays downloadable, but it has no table view nor data API.").format(
            size=limit // (1024 * 1024) or 1))


def _guard_refusal(error: BaseException) -> str | None:
    """The address guard's message, when a connection was refused by it (a redirect to a
    private address, a name that now resolves to one)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, fetch.FetchError):
            return str(error)
        for arg in getattr(error, "args", ()):
            if isinstance(arg, BaseException):
                found = _guard_refusal(arg)
                if found:
                    return found
        error = error.__cause__ or error.__context__ or getattr(error, "reason", None)
    return None
