"""ckanext-harvest actions that check no authorisation themselves.

``harvest_source_reindex`` (a read-only action anyone may call, which rewrites a source's
search index entry) and ``harvest_abort_failed_jobs`` (which aborts the running jobs of
every source) never call ``check_access``: anonymous callers were served. These chained
actions check the rules of ``auth`` first. Internal calls pass as before: with
``ignore_auth``, with the context of an action that checked the same rule
(``harvest_source_clear``, ``harvest_jobs_run``...), or from ``harvest_sources_reindex``,
which checks its own rule (sysadmins) and then reindexes each source with a context that
names no user.
"""
from __future__ import annotations

import contextvars
from typing import Any

import ckan.plugins.toolkit as tk

_within_sources_reindex = contextvars.ContextVar("within_sources_reindex", default=False)


@tk.chained_action
@tk.side_effect_free
def harvest_source_reindex(original_action, context: dict, data_dict: dict) -> Any:
    if _within_sources_reindex.get():
        # authorised by harvest_sources_reindex's own check (the copy shares the context's
        # auth audit, which CKAN checks after the action)
        tk.check_access("harvest_source_reindex", dict(context, ignore_auth=True), data_dict)
    else:
        tk.check_access("harvest_source_reindex", context, data_dict)
    return original_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def harvest_sources_reindex(original_action, context: dict, data_dict: dict) -> Any:
    tk.check_access("harvest_sources_reindex", context, data_dict)
    token = _within_sources_reindex.set(True)
    try:
        return original_action(context, data_dict)
    finally:
        _within_sources_reindex.reset(token)


@tk.chained_action
def harvest_abort_failed_jobs(original_action, context: dict, data_dict: dict) -> Any:
    tk.check_access("harvest_abort_failed_jobs", context, data_dict)
    return original_action(context, data_dict)


def get_actions() -> dict:
    return {"harvest_source_reindex": harvest_source_reindex,
            "harvest_sources_reindex": harvest_sources_reindex,
            "harvest_abort_failed_jobs": harvest_abort_failed_jobs}
