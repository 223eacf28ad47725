"""What the plugin registers with CKAN: actions, auth functions, validators and template
helpers, each gathered from the explicit dicts of the concerns that own them.

A name given by two concerns is an error when CKAN starts (``DuplicateRegistration``):
with a plain dict merge the later concern would silently replace the earlier one's
function. A concern that deliberately wraps another's function (the harvest rules around
the publishers' dataset rules) does it by name, before the merge.
"""
from __future__ import annotations

from typing import Callable, Mapping

import ckan.plugins.toolkit as tk

from . import helpers as portal_helpers
from . import validation
from .conformity import logic as conformity
from .dcat import actions as dcat_actions
from .dcat import helpers as dcat_helpers
from .harvest import actions as harvest_actions
from .harvest import auth as harvest_auth
from .harvest import guard as harvest_guard
from .harvest import helpers as harvest_helpers
from .dataset import helpers as dataset_helpers
from .dataset import identity_extras
from .dataset import search_outage_guard
from .dataset import structure
from .dataset import validators as dataset_validators
from .logic import chaining
from .logic import malformed_calls
from .hvd import helpers as hvd_helpers
from .hvd import validators as hvd_validators
from .quality import helpers as quality_helpers
from .operations import search_outage
from .publishers import auth as publisher_auth
from .publishers import bound as bound_sysadmins
from .publishers import directory as publisher_directory
from .publishers import identity as publisher_identity
from .publishers import private_datasets
from .publishers import schema as publisher_schema
from .publishers import validators as publisher_validators
from .publishing import helpers as publishing_helpers
from .publishing import members as publishing_members
from .publishing import validators as publishing_validators
from .reuses import helpers as reuse_helpers
from .reuses import logic as reuse_logic
from .standard import actions as standard_actions
from .tabular import actions as tabular_actions
from .tabular import auth as tabular_auth
from .tabular import data_api as tabular_data_api
from .tabular import helpers as tabular_helpers
from .previews import charts as preview_charts
from .tabular import views as tabular_views
from .theme import facets as search_facets
from .theme import helpers as theme_helpers
from .theme import usage as dataset_usage
from .theme import pagination as theme_pagination
from .theme import results as search_results


class DuplicateRegistration(RuntimeError):
    """Two concerns register the same name."""


def merge(kind: str, concerns: Mapping[str, Mapping[str, Callable]]) -> dict[str, Callable]:
    """The union of the concerns' dicts (concern name -> {name: function}); a name in two
    of them raises ``DuplicateRegistration`` naming both."""
    merged: dict[str, Callable] = {}
    owners: dict[str, str] = {}
    for concern, entries in concerns.items():
        for name, function in entries.items():
            if name in owners:
                raise DuplicateRegistration(
                    f"ckanext-hautegaronne: the {kind} {name!r} is registered by both "
                    f"{owners[name]!r} and {concern!r}; each name must come from one concern")
            owners[name] = concern
            merged[name] = function
    return merged


def validators() -> dict[str, Callable]:
    return merge("validator", {
        "validation": validation.get_validators(),
        "publishers": publisher_validators.get_validators(),
        "publisher schema": publisher_schema.get_validators(),
        "dataset": dataset_validators.get_validators(),
        "high-value datasets": hvd_validators.get_validators(),
        "reuses": reuse_logic.get_validators(),
        "publishing": publishing_validators.get_validators(),
        "conformity": conformity.get_validators(),
    })


def chain_auth(outer: Callable, inner: Callable) -> Callable:
    """One chained auth function running ``outer`` with ``inner`` as its next rule (both
    chained rules of the same name, from two concerns)."""
    @tk.chained_auth_function
    def auth(next_auth, context: dict, data_dict=None):
        return outer(lambda ctx, data=None: inner(next_auth, ctx, data), context, data_dict)
    for flag in ("auth_sysadmins_check", "auth_allow_anonymous_access", "auth_audit_exempt"):
        if getattr(outer, flag, False) or getattr(inner, flag, False):
            setattr(auth, flag, True)
    return auth


def auth_functions() -> dict[str, Callable]:
    bound = bound_sysadmins.get_auth_functions()
    reuses = reuse_logic.get_auth_functions()
    # On an organisation the bound-sysadmin rule decides first; on a reuse group it lets
    # the reuses' moderation rule decide.
    for name in ("group_update", "group_delete"):
        bound[name] = chain_auth(bound[name], reuses.pop(name))
    return merge("auth function", {
        "publishers": harvest_auth.with_source_rules(publisher_auth.get_auth_functions()),
        "harvest": harvest_auth.get_auth_functions(),
        "bound sysadmins": bound,
        "reuses": reuses,
        "tabular data": tabular_auth.get_auth_functions(),
        "conformity": conformity.get_auth_functions(),
    })


def chain(outer: Callable, inner: Callable) -> Callable:
    """One chained action running ``outer`` around ``inner`` (both chained actions of the
    same name, from two concerns): ``outer`` calls ``inner`` where it would call CKAN's."""
    return chaining.around(inner, outer)


def actions() -> dict[str, Callable]:
    standard = standard_actions.get_actions()
    identity = publisher_identity.get_actions()
    bound = bound_sysadmins.get_actions()
    # Organisations posted with a publisher type as CKAN type are made standard first, so
    # that the rules after it (bound sysadmins, official identity) read the standard form.
    standard["organization_create"] = chain(standard["organization_create"],
                                            bound.pop("organization_create"))
    standard["organization_update"] = chain(standard["organization_update"],
                                            identity.pop("organization_update"))
    merged = merge("action", {
        "dcat": dcat_actions.get_actions(),
        "dataset search outage": search_outage_guard.get_actions(),
        "harvest": harvest_actions.get_actions(),
        "publisher identity": identity,
        "bound sysadmins": bound,
        "private datasets": private_datasets.get_actions(),
        "search outage": search_outage.get_actions(),
        "standard API": standard,
        "reuses": reuse_logic.get_actions(),
        "tabular data": tabular_actions.get_actions(),
        "publishing": publishing_members.get_actions(),
        "conformity": conformity.get_actions(),
    })
    return malformed_calls.guard(structure.guard(harvest_guard.guard(identity_extras.guard(
        standard_actions.accept_shown_datasets(merged)))))


def helpers() -> dict[str, Callable]:
    return merge("template helper", {
        "portal": portal_helpers.get_helpers(),
        "theme": theme_helpers.get_helpers(),
        "dataset": dataset_helpers.get_helpers(),
        "pagination": theme_pagination.get_helpers(),
        "dcat": dcat_helpers.get_helpers(),
        "high-value datasets": hvd_helpers.get_helpers(),
        "metadata quality": quality_helpers.get_helpers(),
        "harvest": harvest_helpers.get_helpers(),
        "reuses": reuse_helpers.get_helpers(),
        "tabular data": tabular_helpers.get_helpers(),
        "tabular views": tabular_views.get_helpers(),
        "chart view": preview_charts.get_helpers(),
        "data API": tabular_data_api.get_helpers(),
        "search facets": search_facets.get_helpers(),
        "search results": search_results.get_helpers(),
        "dataset usage": dataset_usage.get_helpers(),
        "publisher directory": publisher_directory.get_helpers(),
        "publishing": publishing_helpers.get_helpers(),
        "conformity": conformity.get_helpers(),
    })


def check() -> None:
    """Builds every registration (CKAN asks for some only when first needed): a duplicate
    fails the start-up, not a later request."""
    validators()
    auth_functions()
    actions()
    helpers()
