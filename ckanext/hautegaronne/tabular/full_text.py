"""The full-text stage of a load: CKAN's ``_full_text`` column, filled after the table is
published.

Building the French tsvector of every row is most of a large load (on 1,000,000 rows, about
nine tenths of it). The portal's load (load_job) therefore publishes the typed table first
(``datastore_active``, filters, sort, the table view work), records this stage as pending,
and enqueues ``fill``, a background job that fills ``_full_text`` by batches of rows, each
committed, then builds the full-text indexes (CKAN's own ``create_indexes``).

The column holds what CKAN's ``populate_full_text_trigger`` would put there: the
``to_tsvector`` (the database's default configuration, French) of the row's non-empty cells
as text, in column order, joined by spaces (``row_expression``; a test compares both).

While the stage is not complete, a full-text search (``q`` as text, ``full_text``) of the
table would silently miss rows: ``datastore_search`` refuses it with a French message
(``check_search``); filters and sort keep working. A failure of the stage
leaves the table readable and says so, in the load status and in that message.

The stage's state is a task status of the resource (``TASK_TYPE``), carrying the id of the
load that started it: a reload replaces it, and a stage left running by an earlier load
stops at its next batch.
"""
from __future__ import annotations

import datetime
import json
import logging
import time
from typing import Optional

import ckan.plugins.toolkit as tk
import sqlalchemy as sa

log = logging.getLogger(__name__)

TASK_TYPE = "hautegaronne_full_text"
KEY = "full_text"
PENDING, RUNNING, COMPLETE, ERROR = "pending", "running", "complete", "error"
BATCH_ROWS = 50_000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- the stage's state ---------------------------------------------------------------------

def state(resource_id: str) -> Optional[dict]:
    """{"state", "load", "done", "total", "error"} of the resource's full-text stage, or None
    when its table was not loaded by the portal's staged load."""
    from ckan import model

    with sa.orm.Session(model.meta.engine) as session:
        task = session.query(model.TaskStatus).filter_by(
            entity_id=resource_id, task_type=TASK_TYPE, key=KEY).first()
        if task is None:
            return None
        value = json.loads(task.value or "{}")
        return dict(value, state=task.state, error=task.error or "")


def _save(resource_id: str, state_: str, value: dict, error: str = "") -> None:
    """Write the stage's state in a session of its own (a worker, a request being saved)."""
    from ckan import model

    with sa.orm.Session(model.meta.engine) as session:
        task = session.query(model.TaskStatus).filter_by(
            entity_id=resource_id, task_type=TASK_TYPE, key=KEY).first()
        if task is None:
            task = model.TaskStatus(entity_id=resource_id, entity_type="resource",
                                    task_type=TASK_TYPE, key=KEY)
            session.add(task)
        task.state = state_
        task.value = json.dumps(value)
        task.error = error
        task.last_updated = datetime.datetime.utcnow()
        session.commit()


def forget(resource_id: str) -> None:
    """A new load starts: the stage of the previous one no longer applies (and stops)."""
    from ckan import model

    with sa.orm.Session(model.meta.engine) as session:
        session.query(model.TaskStatus).filter_by(
            entity_id=resource_id, task_type=TASK_TYPE, key=KEY).delete()
        session.commit()


def mark_pending(resource_id: str, load_id: str) -> None:
    """Before the table is published: searches wait for the stage from the first moment."""
    _save(resource_id, PENDING, {"load": load_id, "done": 0, "total": None})


# --- what readers are told -----------------------------------------------------------------

def search_refusal(stage: Optional[dict]) -> Optional[str]:
    """Why a full-text search of the table cannot be answered yet (French), or None."""
    _ = tk._
    if not stage or stage["state"] == COMPLETE:
        return None
    if stage["state"] == ERROR:
        return _("The full-text search of this table could not be prepared: its rows can be "
                 "filtered and sorted by column, but not searched as text until the publisher "
                 "loads the file again.")
    return _("The full-text search of this table is being prepared ({progress}): its rows can "
             "already be filtered and sorted by column; try the text search again in a few "
             "minutes.").format(progress=_progress(stage))


def stage_message(stage: Optional[dict]) -> Optional[str]:
    """The full-text stage as the load status tells it (French), or None."""
    _ = tk._
    if not stage:
        return None
    if stage["state"] == COMPLETE:
        return _("Full-text search of the table is ready.")
    if stage["state"] == ERROR:
        return _("The table is loaded and readable, but its full-text search could not be "
                 "prepared: load the file again to retry.")
    return _("The table is loaded and readable; its full-text search is being prepared "
             "({progress}).").format(progress=_progress(stage))


def _progress(stage: dict) -> str:
    _ = tk._
    done, total = stage.get("done") or 0, stage.get("total")
    if not total:
        return _("waiting for its turn")
    return _("{percent} per cent of the rows").format(percent=min(100, done * 100 // total))


def check_search(data_dict: dict) -> None:
    """Refuse, in French, a full-text search of a table whose full text is not complete."""
    query = data_dict.get("q")
    if not (isinstance(query, str) and query.strip()) and not data_dict.get("full_text"):
        return
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if not isinstance(resource_id, str):
        return
    refusal = search_refusal(state(resource_id))
    if refusal:
        raise tk.ValidationError({"q": [refusal]})


# --- the job ---------------------------------------------------------------------------------

def row_expression(columns: list[str]) -> str:
    """SQL of the row's full text as CKAN's trigger computes it (``string_agg`` of the
    non-null cells as text, joined by spaces, NULL when there is none), without its JSON
    round trip. Cells are int8, numeric, date or text here, whose JSON text is their text
    output with DateStyle ISO (``fill`` sets it)."""
    cells = ", ".join(f"{_quote(c)}::text" for c in columns)
    if not cells:
        return "NULL::tsvector"
    return (f"CASE WHEN num_nonnulls({', '.join(_quote(c) for c in columns)}) > 0 "
            f"THEN to_tsvector(concat_ws(' ', {cells})) END")


def _create_indexes(engine, resource_id: str) -> None:
    """CKAN's full-text indexes of the table (``_full_text`` and each text column), as
    datastore_create makes them, built once on the complete column."""
    from ckanext.datastore.backend.postgres import create_indexes

    with engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL maintenance_work_mem TO '256MB'"))
        create_indexes({"connection": connection}, {"resource_id": resource_id})


def enqueue(resource_id: str, load_id: str, fields: list[dict]) -> None:
    from . import load_job

    tk.enqueue_job(fill, [resource_id, load_id, fields],
                   title=f"hautegaronne full text: resource {resource_id}",
                   rq_kwargs={"timeout": load_job._job_timeout()})


def fill(resource_id: str, load_id: str, fields: list[dict],
         timings: Optional[dict] = None) -> bool:
    """The job: fill the table's full text by batches, then build its full-text indexes.
    Returns whether the stage completed (False when a later load replaced it, or on a
    failure, recorded as the stage's state: never raises)."""
    started = time.perf_counter()
    try:
        done = _fill(resource_id, load_id, fields, timings)
    except Exception as error:  # noqa: BLE001 - PostgreSQL's errors, recorded
        log.exception("Full text of %s failed", resource_id)
        stage = state(resource_id)
        if stage and stage.get("load") == load_id:
            _save(resource_id, ERROR, {k: stage.get(k) for k in ("load", "done", "total")},
                  error=repr(error))
        return False
    if timings is not None:
        timings["full text (background)"] = time.perf_counter() - started
    return done


def _current(resource_id: str, load_id: str) -> Optional[dict]:
    stage = state(resource_id)
    return stage if stage and stage.get("load") == load_id else None


def _fill(resource_id: str, load_id: str, fields: list[dict],
          timings: Optional[dict]) -> bool:
    from ckanext.datastore.backend.postgres import get_write_engine

    engine = get_write_engine()
    if _current(resource_id, load_id) is None:
        return False
    table = _quote(resource_id)
    columns = [f["id"] for f in fields]
    with engine.connect() as connection:
        low, high = connection.execute(sa.text(f"SELECT min(_id), max(_id) FROM {table}")).one()
    total = (high - low + 1) if low is not None else 0
    expression = row_expression(columns)
    done = 0
    _save(resource_id, RUNNING, {"load": load_id, "done": 0, "total": total})
    start = low or 0
    while low is not None and start <= high:
        if _current(resource_id, load_id) is None:
            log.info("Full text of %s: replaced by a later load, stopped", resource_id)
            return False
        with engine.begin() as connection:
            connection.execute(sa.text("SET LOCAL DateStyle TO ISO"))
            connection.execute(sa.text(
                f"UPDATE {table} SET _full_text = {expression} "
                f"WHERE _id >= :start AND _id < :end"), {"start": start, "end": start + BATCH_ROWS})
        start += BATCH_ROWS
        done = min(total, start - low)
        _save(resource_id, RUNNING, {"load": load_id, "done": done, "total": total})
    filled = time.perf_counter()
    if _current(resource_id, load_id) is None:
        return False
    _create_indexes(engine, resource_id)
    if timings is not None:
        timings["full-text indexes"] = time.perf_counter() - filled
    if _current(resource_id, load_id) is None:
        return False
    _save(resource_id, COMPLETE, {"load": load_id, "done": total, "total": total})
    return True
