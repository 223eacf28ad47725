"""Malformed API calls answered with a 409 and a message, not a server error.

Some of CKAN core's actions read their parameters before validating them
(``data_dict["id"]``, ``int(data_dict["limit"])``...): called without them, or with a list
where text is expected, they fail with a KeyError or TypeError, which the API turns into a
500 without a word for the client. For those, a chained action checks the parameters the
core action reads first (present, and text or a number as it expects) and refuses the call
with a ValidationError naming each wrong parameter, before core runs. The sweep of every
registered action (tests/security/test_malformed_calls.py) finds them.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan import model

from ..translation import N_
from . import chaining

_ = tk._

TEXT, NUMBER, OBJECT, LIST = "text", "number", "object", "list"
LIST_OF_OBJECTS = "list of objects"
TEXTS = "text or list of text"
ANY = "any"

# action -> {parameter: (expected kind, required)}; a parameter absent from the call is
# refused only when required. Alternatives (one of several names) are tuples of names.
CHECKS: dict[str, dict[Any, tuple[str, bool]]] = {
    # CKAN core
    "organization_member_delete": {"id": (TEXT, True), ("username", "user_id"): (TEXT, True)},
    "group_member_delete": {"id": (TEXT, True), ("username", "user_id"): (TEXT, True)},
    "organization_member_create": {"id": (TEXT, True), "username": (TEXT, True),
                                   "role": (TEXT, True)},
    "group_member_create": {"id": (TEXT, True), "username": (TEXT, True),
                            "role": (TEXT, True)},
    "organization_autocomplete": {"q": (TEXT, True), "limit": (NUMBER, False)},
    "group_autocomplete": {"q": (TEXT, True), "limit": (NUMBER, False)},
    "task_status_update_many": {"data": (LIST_OF_OBJECTS, True)},
    "package_collaborator_delete": {"id": (TEXT, True), "user_id": (TEXT, True)},
    "package_resource_reorder": {"id": (TEXT, True), "order": (TEXTS, True)},
    "resource_view_reorder": {"id": (TEXT, True), "order": (TEXTS, True)},
    "package_create_default_resource_views": {"package": (OBJECT, True)},
    "resource_create_default_resource_views": {"resource": (OBJECT, True),
                                               "package": (OBJECT, False)},
    "user_invite": {"email": (TEXT, True), "group_id": (TEXT, True), "role": (TEXT, True)},
    # CKAN's DataStore
    "datastore_run_triggers": {"resource_id": (TEXT, True)},
    "datastore_search_sql": {"sql": (TEXT, True)},
    # ckanext-harvest
    "harvest_job_list": {"source_id": (TEXT, True), "status": (TEXT, False)},
    "harvest_source_show_status": {"id": (TEXT, True)},
    "harvest_log_list": {"level": (TEXT, False)},
}

# Read by the platform's operators only (see _checked).
SYSADMIN_ONLY = frozenset({"harvest_log_list"})

# Core asserts (a 500) that the object named by ``id`` exists.
LOOKUPS = {
    "organization_member_delete": ("Group", N_("No publisher or group has this identifier.")),
    "group_member_delete": ("Group", N_("No publisher or group has this identifier.")),
    "package_collaborator_delete": ("Package", N_("No dataset has this identifier.")),
}

# Checked at the API's door only (no chained action: these need none in Python).
DOOR_CHECKS: dict[str, dict[Any, tuple[str, bool]]] = {
    "datastore_create": {"aliases": (TEXTS, False)},
    # a full-text query per column is an object
    "datastore_search": {"q": (ANY, False)},
}

# CKAN's GET actions (their chained action must say so again, CKAN does not carry it over).
SIDE_EFFECT_FREE = frozenset({
    "organization_autocomplete", "group_autocomplete", "datastore_search_sql",
    "harvest_job_list", "harvest_source_show_status", "harvest_log_list",
})

# ckanext-harvest registers every public name of its action modules as an action: an
# exception class and mail helpers whose signature is not an action's, which fail with a
# 500 whatever the call. They answer 404: no such action.
NOT_ACTIONS = frozenset({"InactiveSource", "get_mail_extra_vars", "prepare_error_mail",
                         "prepare_summary_mail", "send_error_email", "send_mail",
                         "send_summary_email"})

# The plugins (and settings) without which an action is not registered: no chained action
# may name an action CKAN does not have.
_HARVEST = ("harvest_job_list", "harvest_source_show_status", "harvest_log_list",
            *NOT_ACTIONS)
_DATASTORE = ("datastore_run_triggers", "datastore_search_sql", "datastore_create",
              "datastore_search")

# Actions the sweep does not call (none: every registered action is swept).
NOT_SWEPT: frozenset[str] = frozenset()


def _registered(name: str) -> bool:
    plugins = tk.config.get("ckan.plugins") or []
    if isinstance(plugins, str):
        plugins = plugins.split()
    if name in _HARVEST:
        return "harvest" in plugins
    if name == "datastore_search_sql":
        return "datastore" in plugins and tk.asbool(
            tk.config.get("ckan.datastore.sqlsearch.enabled"))
    if name in _DATASTORE:
        return "datastore" in plugins
    return True


# Search text that core strips as it comes: an explicit null is a wrong type there.
NOT_NULL = frozenset({"q", "fq", "query", "sort"})


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _wrong_kind(value: Any, kind: str) -> bool:
    if kind == TEXT:
        return not isinstance(value, str)
    if kind == NUMBER:
        if isinstance(value, bool):
            return True
        if isinstance(value, int):
            return abs(value) > 2 ** 31
        if isinstance(value, str):
            try:
                return abs(int(value.strip())) > 2 ** 31
            except ValueError:
                return True
        return True
    if kind == OBJECT:
        return not isinstance(value, dict)
    if kind == ANY:
        return False
    if kind == TEXTS:
        return not isinstance(value, str) and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value))
    if kind == LIST_OF_OBJECTS:
        return not isinstance(value, list) or not all(isinstance(v, dict) for v in value)
    return not isinstance(value, list)


_KIND_MESSAGES = {
    TEXT: N_("This parameter must be text."),
    NUMBER: N_("This parameter must be a whole number."),
    OBJECT: N_("This parameter must be an object (a JSON dictionary)."),
    LIST: N_("This parameter must be a list."),
    LIST_OF_OBJECTS: N_("This parameter must be a list of objects (JSON dictionaries)."),
    TEXTS: N_("This parameter must be text or a list of text."),
}


def errors_of(checks: dict, data_dict: Any) -> dict[str, list[str]]:
    """The refused parameters of a call, with their messages (empty when the call is well
    formed as far as the core action's first reads go)."""
    if not isinstance(data_dict, dict):
        return {"": [_("The parameters must be a JSON object.")]}
    errors: dict[str, list[str]] = {}
    for names, (kind, required) in checks.items():
        names = names if isinstance(names, tuple) else (names,)
        given = [n for n in names if not _missing(data_dict.get(n))
                 or (n in NOT_NULL and n in data_dict and data_dict[n] is None)]
        if not given:
            if required:
                errors[names[0]] = [_("Missing value")]
            continue
        for name in given:
            if _wrong_kind(data_dict[name], kind):
                errors[name] = [_(_KIND_MESSAGES[kind])]
    return errors


def _checked(name: str, inner: Optional[Callable]) -> Callable:
    checks = CHECKS[name]

    def step(call_next, context: dict, data_dict: dict) -> Any:
        errors = errors_of(checks, data_dict)
        if errors:
            raise tk.ValidationError(errors)
        if name in SYSADMIN_ONLY and not authz.is_sysadmin(context.get("user")):
            # ckanext-harvest has no auth function for it: its shared registry makes the
            # action its own auth function, which calls itself without end (a 500)
            raise tk.NotAuthorized(_("The harvest log is reserved to the platform's "
                                     "operators."))
        if name in LOOKUPS:
            # core asserts that the object exists
            model_class, message = LOOKUPS[name]
            if getattr(model, model_class).get(data_dict["id"]) is None:
                raise tk.ObjectNotFound(_(message))
        return call_next(context, data_dict)
    action = chaining.around(inner, step)
    if name in SIDE_EFFECT_FREE:
        action = tk.side_effect_free(action)
    return action


def _not_an_action(name: str, inner: Optional[Callable]) -> Callable:
    def step(call_next, context: dict, data_dict: dict) -> Any:
        raise tk.ObjectNotFound(_('"{name}" is not an action of the API.').format(name=name))
    return chaining.around(None, step)


def guard(actions: dict[str, Callable]) -> dict[str, Callable]:
    """``actions`` with the parameter checks around each action of CHECKS (the portal's
    own chained action when it has one, else CKAN's), and the names that are no action
    answering 404."""
    checked = {name: _checked(name, actions.get(name)) for name in CHECKS if _registered(name)}
    refused = {name: _not_an_action(name, actions.get(name)) for name in NOT_ACTIONS
               if _registered(name)}
    return {**actions, **checked, **refused}


# ---------------------------------------------------------------------------------------
# At the API's door: every action, including the extensions' and those added later
# ---------------------------------------------------------------------------------------

# Parameters that name one object wherever an action reads them: text. Core looks them up
# in the database as they come (a list, an object or a number there is a database error).
IDENTIFIERS = ("id", "name", "resource_id", "package_id", "user_id", "username", "group_id",
               "org_id", "source_id", "job_id", "harvest_source_id", "object", "subject",
               "entity_id", "owner_org", "user", "view_id", "activity_id", "object_id",
               "vocabulary_id", "organization_id", "group", "harvest_object_id", "type",
               "q", "fq", "query")
# Sort orders: one text, or several.
SORTS = ("sort",)
# Paging parameters: whole numbers (PostgreSQL's and Solr's integers).
PAGING = ("limit", "offset", "rows", "start", "page", "per_page")

_API_PATH = re.compile(r"^/api/(?:\d/)?action/(?P<name>[^/]+)/?$")


def _auth_leaks() -> frozenset:
    """ckanext-harvest's auth functions that may sit among the actions (see
    publishers.action_classes.harvest_auth_leaks)."""
    if not _registered("harvest_log_list"):
        return frozenset()
    from ..publishers import action_classes
    return action_classes.harvest_auth_leaks()


def call_errors(name: str, data_dict: Any) -> dict[str, list[str]]:
    """What is wrong with an API call of the action ``name`` before any action reads it."""
    checks: dict = {parameter: (TEXT, False) for parameter in IDENTIFIERS}
    checks.update({parameter: (NUMBER, False) for parameter in PAGING})
    checks.update({parameter: (TEXTS, False) for parameter in SORTS})
    checks.update(CHECKS.get(name, {}))
    checks.update(DOOR_CHECKS.get(name, {}))
    errors = errors_of(checks, data_dict)
    if name == "datastore_search" and isinstance(data_dict, dict):
        errors.update(_filters_errors(data_dict))
    return errors


def _filters_errors(data: dict) -> dict[str, list[str]]:
    """DataStore ``filters``: an object (column: value), also as JSON text in a query
    string; core fails on a list (an outside attack's ``filters=[]`` gave a 500)."""
    if "filters" not in data or data["filters"] in (None, ""):
        return {}
    value = data["filters"]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if isinstance(value, dict):
        return {}
    return {"filters": [_("Filters are an object: column names and the values to keep, "
                          "e.g. {\"commune\": \"Muret\"}.")]}


_DUMP_PATH = re.compile(r"^/datastore/dump/[^/]+(?:/geojson)?/?$")
DUMP_FORMATS = ("csv", "tsv", "json", "xml")


def dump_errors(args) -> dict[str, list[str]]:
    """What is wrong with the parameters of a DataStore export (/datastore/dump/<id>)."""
    errors: dict[str, list[str]] = {}
    fmt = args.get("format")
    if fmt is not None and fmt.lower() not in DUMP_FORMATS:
        errors["format"] = [_("Exports are in one of these formats: {formats}.").format(
            formats=", ".join(DUMP_FORMATS))]
    for key in ("limit", "offset"):
        value = args.get(key)
        if value is not None and not (value.isdigit() and int(value) < 2 ** 31):
            errors[key] = [_("A whole number, zero or more, is expected.")]
    errors.update(_filters_errors(args.to_dict()))
    return errors


def check_request():
    """Before-request hook: a NUL character in the address (CKAN and PostgreSQL fail on
    it: 500) and DataStore export parameters core fails on are answered 400 here."""
    from flask import abort

    path, query = tk.request.path, tk.request.query_string or b""
    if "\x00" in path or b"%00" in query.lower() or b"\x00" in query:
        abort(400, description=_("The address holds a character that is not allowed."))
    if _DUMP_PATH.match(path):
        errors = dump_errors(tk.request.args)
        if errors:
            abort(400, description=" ".join(message for messages in errors.values()
                                            for message in messages))
    return None


def _answer(status: int, error: dict, name: str):
    from flask import jsonify

    response = jsonify({
        "help": tk.url_for("api.action", logic_function="help_show", name=name,
                           qualified=True),
        "success": False, "error": error})
    response.status_code = status
    return response


def check_api_call():
    """Before-request hook: an action API call whose parameters core would fail on is
    answered here (409 with the wrong parameters, or 404 for a name that is no action)."""
    match = _API_PATH.match(tk.request.path)
    if match is None or tk.request.method not in ("GET", "POST"):
        return None
    name = match.group("name")
    if name in NOT_ACTIONS or name in _auth_leaks():
        return _answer(404, {"__type": "Not Found Error", "message": _(
            '"{name}" is not an action of the API.').format(name=name)}, name)
    if tk.request.method == "POST" and tk.request.is_json:
        data = tk.request.get_json(silent=True)
        if data is None:
            return None  # CKAN answers a body that is not JSON itself
    elif tk.request.method == "POST" and not tk.request.form and not tk.request.args:
        return None
    else:  # query string or form: text values, checked as such
        data = {**tk.request.args.to_dict(), **tk.request.form.to_dict()}
    if name in ("help_show",) and not isinstance(data, dict):
        return None
    errors = call_errors(name, data)
    if errors:
        return _answer(409, {"__type": "Validation Error", **errors}, name)
    return None


def dictization_error(error):
    """Error handler: CKAN's validation refusing a structure (a list where a list of
    objects is expected...) raises DataError, which the API let through as a 500."""
    if _API_PATH.match(tk.request.path) is None:
        raise error
    name = _API_PATH.match(tk.request.path).group("name")
    return _answer(409, {"__type": "Validation Error", "message": _(
        "The parameters do not have the expected structure: {detail}").format(
            detail=str(error))}, name)
