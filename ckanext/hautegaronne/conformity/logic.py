"""Actions, auth functions, validators and template helpers of conformity.

Who checks: whoever may update the resource (the publisher's editors and admins; bound
sysadmins only as members, the publishers' rule for ``resource_update``). Who reads a
report: whoever may see the resource, so a private dataset's reports stay with its
publisher's members.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from . import catalogue, reports

_ = tk._

PUBLIC_KEYS = ("status", "schema", "checked_at", "requested_at", "rows", "error_count",
               "errors", "stopped", "message")


def _resource_id(data_dict: dict) -> str:
    resource_id = data_dict.get("id") or data_dict.get("resource_id")
    if not resource_id:
        raise tk.ValidationError({"id": [_("Missing value")]})
    return resource_id


@tk.side_effect_free
def conformity_show(context: dict, data_dict: dict) -> Optional[dict]:
    """The resource's last conformity report (None when it was never checked)."""
    resource_id = _resource_id(data_dict)
    tk.check_access("hautegaronne_conformity_show", context, {"id": resource_id})
    found = reports.report(resource_id)
    return None if found is None else {k: found.get(k) for k in PUBLIC_KEYS if k in found}


def conformity_check(context: dict, data_dict: dict) -> dict:
    """Queue a new check of the resource against the schema it declares."""
    resource_id = _resource_id(data_dict)
    tk.check_access("hautegaronne_conformity_check", context, {"id": resource_id})
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": resource["package_id"]})
    if reports.declared_schema(resource, dataset) is None:
        raise tk.ValidationError({"schema_name": [_(
            "The resource declares no schema: choose one in the resource's form first.")]})
    if not reports.is_tabular(resource):
        raise tk.ValidationError({"format": [_(
            "Only CSV, TSV, XLS and XLSX files are checked against a Table Schema.")]})
    reports.request_check(resource, dataset, force=True)
    return conformity_show({"ignore_auth": True}, {"id": resource_id})


def _fresh(context: dict) -> dict:
    """The caller only: CKAN's rules cache the objects they read in their context."""
    return {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}


@tk.auth_sysadmins_check  # bound sysadmins answer to resource_update's rule, as members
def _auth_check(context: dict, data_dict: dict) -> dict:
    try:
        tk.check_access("resource_update", _fresh(context), {"id": _resource_id(data_dict)})
    except tk.NotAuthorized:
        return {"success": False, "msg": _(
            "Only the publisher's editors and admins check the conformity of its resources.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def _auth_show(context: dict, data_dict: dict) -> dict:
    try:
        tk.check_access("resource_show", _fresh(context), {"id": _resource_id(data_dict)})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return {"success": False, "msg": _("You cannot see this resource.")}
    return {"success": True}


def schema_choice(key: tuple, data: dict, errors: dict, context: dict) -> Any:
    """A declared schema: a name of the catalogue (unless a Table Schema address is
    given), at one of its versions (empty: the latest). The same rule for a resource's
    ``schema_name`` (siblings ``schema_version``, ``schema_url``) and a dataset's
    ``conforms_to_schema`` entry's ``name`` (siblings ``version``, ``url``)."""
    def text(value) -> str:  # a sibling refused by its own validators may be anything
        return value.strip() if isinstance(value, str) else ""

    prefix = key[-1][:-len("name")]
    name = text(data.get(key))
    sibling = lambda field: text(data.get(key[:-1] + (prefix + field,)))  # noqa: E731
    if not name or sibling("url") or not catalogue.schemas():
        return
    known = catalogue.versions_of(name)
    version = sibling("version")
    if not known:
        errors[key].append(_(
            "This schema is not in the schema.data.gouv.fr catalogue: choose one in the list, "
            "or give the address of its Table Schema."))
    elif version and version not in known:
        errors.setdefault(key[:-1] + (prefix + "version",), []).append(_(
            "This schema has no version {version}; its versions: {versions}.").format(
                version=version, versions=", ".join(known)))


BLOCKING_STATUSES = ("not-conforming", "error", "unfinished")


def _resources(data: dict) -> dict:
    """The resources (id: name) the dataset will have: those in the data validated, and
    its stored ones. CKAN's package_update validates only the resources that changed (an
    unchanged one is copied as it is, and the dataset form sends none), so the data alone
    misses them. A stored resource removed by the same update still counts: the publisher
    removes it first, then publishes."""
    found: dict = {}
    for field, resource_id in data.items():
        if len(field) == 3 and field[0] == "resources" and field[2] == "id" \
                and isinstance(resource_id, str) and resource_id:
            found[resource_id] = data.get(("resources", field[1], "name"))
    dataset_id = data.get(("id",))
    if isinstance(dataset_id, str) and dataset_id:
        try:
            stored = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
        except tk.ObjectNotFound:  # a dataset being created
            stored = {}
        for resource in stored.get("resources") or []:
            found.setdefault(resource["id"], resource.get("name"))
    return found


def blocks_publication(key: tuple, data: dict, errors: dict, context: dict) -> Any:
    """With the choice on, a public dataset has no resource whose last check did not find
    it conforming (a check still to come is not a refusal: the job makes the dataset
    private if it fails, ``reports.enforce_blocking``)."""
    def flag(value) -> str:  # CKAN's "missing" refuses str()
        return "" if value is tk.missing or value is None else str(value).lower()

    if flag(data.get(key)) != "true" or flag(data.get(("private",))) in ("true", "1"):
        return
    failing = []
    for resource_id, name in _resources(data).items():
        found = reports.report(resource_id)
        if found and found.get("status") in BLOCKING_STATUSES:
            failing.append(name or resource_id)
    if failing:
        errors[key].append(_(
            "The dataset cannot be public while these resources do not conform to their "
            "schema: {names}. Correct them, or make the dataset private.").format(
                names=", ".join(map(str, failing))))


def get_actions() -> dict:
    return {"hautegaronne_conformity_show": conformity_show,
            "hautegaronne_conformity_check": conformity_check}


def get_auth_functions() -> dict:
    return {"hautegaronne_conformity_show": _auth_show,
            "hautegaronne_conformity_check": _auth_check}


def get_validators() -> dict:
    return {"hautegaronne_schema_choice": schema_choice,
            "hautegaronne_conformity_blocks_publication": blocks_publication}


def _report_for(resource_id: str) -> Optional[dict]:
    try:
        return conformity_show({}, {"id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def _can_check(resource_id: str) -> bool:
    """Whether the user may ask for a check of this resource, and there is something to
    check (a tabular resource declaring a schema, its own or its dataset's): a newcomer
    pressed the button on a workbook without a schema and got an error."""
    if not tk.h.check_access("hautegaronne_conformity_check", {"id": resource_id}):
        return False
    resource = model.Resource.get(resource_id)
    if resource is None:
        return False
    resource_dict = {**(resource.extras or {}), "format": resource.format, "id": resource.id}
    dataset = tk.get_action("package_show")({"ignore_auth": True},
                                            {"id": resource.package_id})
    return (reports.declared_schema(resource_dict, dataset) is not None
            and reports.is_tabular(resource_dict))


def get_helpers() -> dict:
    return {"hautegaronne_schema_choices": lambda field=None: catalogue.choices(),
            "hautegaronne_conformity_report": _report_for,
            "hautegaronne_conformity_can_check": _can_check}
