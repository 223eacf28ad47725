"""The portal's home page and CKAN's home view.

CKAN's home view searches four full datasets (each with the tracking plugin's three
queries) and the default facets, for the templates that show them, before rendering
``home/index.html``. The portal's home page shows neither: its counts, themes and lists
come from the ``hautegaronne_*`` helpers. So that search is turned into the one the
portal's home page needs (the count, formats and themes with their counts, the latest
datasets' index fields: ``helpers.home_search_params``) and its results are kept for the
helpers of the same request, which would otherwise search again. On a catalogue of 1,000
datasets the view's search was a third of the home page's time (bench/page_cost.py).
"""
from __future__ import annotations

from typing import Any

import flask

from . import facets, helpers

# What identifies CKAN's own home search (ckan/views/home.py) among the searches of the
# home page: its endpoint and its sort.
_HOME_ENDPOINT = "home.index"
_HOME_SORT = "view_recent desc"
_PENDING = "_hautegaronne_home_search"


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    if (flask.has_request_context() and flask.request.endpoint == _HOME_ENDPOINT
            and search_params.get("sort") == _HOME_SORT and not flask.g.get(_PENDING)):
        search_params.update(helpers.home_search_params())
        setattr(flask.g, _PENDING, True)
    return search_params


def after_dataset_search(search_results: dict[str, Any],
                         search_params: dict[str, Any]) -> dict[str, Any]:
    if flask.has_request_context() and flask.g.pop(_PENDING, False):
        helpers.remember_home_search(search_results)
    return facets.label_facets(search_results)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    return facets.index_fields(pkg_dict)


def dataset_facets(facets_dict: dict, package_type: str) -> dict:
    """The search page's facets (facets.py); other dataset types keep theirs."""
    if package_type != "dataset":
        facets_dict.pop("groups", None)
        return facets_dict
    return facets.dataset_facets(facets_dict)


def organization_facets(facets_dict: dict) -> dict:
    """A publisher's page: the same facets, less those that would only name itself."""
    return facets.dataset_facets(facets_dict, publisher_page=True)
