"""Unpublishing a dataset, and publishing it again, each in one confirmed step.

CKAN's "Unpublish" button sat next to "Update" and turned the dataset into a draft in one
click, without a word; editing that draft then opened the empty resource stage of a new
dataset. Here unpublishing asks first (a page of its own, which CKAN's confirm-action
dialog replaces when scripts run), says what happened, and the draft's page offers to
publish it again as it was.
"""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.common import current_user

__all__ = ["publishing", "get_blueprints"]

publishing = Blueprint("hautegaronne_publishing", __name__)


def _editable_dataset(id: str) -> dict:
    context = {"user": current_user.name}
    try:
        tk.check_access("package_update", context, {"id": id})
        return tk.get_action("package_show")(context, {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to change this dataset."))


def _set_state(dataset: dict, state: str) -> None:
    tk.get_action("package_patch")({"user": current_user.name},
                                   {"id": dataset["id"], "state": state})


@publishing.route("/dataset/depublier/<id>", methods=["GET", "POST"])
def unpublish(id: str):
    dataset = _editable_dataset(id)
    if tk.request.method == "GET":
        return tk.render("hautegaronne/publishing/unpublish.html", {"pkg": dataset})
    if dataset["state"] == "active":
        _set_state(dataset, "draft")
    tk.h.flash_success(tk._(
        "« {title} » is unpublished: it no longer appears in searches, on its publisher's "
        "page or in the catalogues harvested by data.gouv.fr. Its page stays visible to "
        "the publisher's members, who can publish it again.").format(title=dataset["title"]))
    return tk.redirect_to("dataset.read", id=dataset["name"])


@publishing.route("/dataset/republier/<id>", methods=["POST"])
def republish(id: str):
    dataset = _editable_dataset(id)
    if dataset["state"] != "active":
        try:
            _set_state(dataset, "active")
        except tk.ValidationError as error:
            tk.h.flash_error(tk._("The dataset could not be published again: {errors}").format(
                errors="; ".join(f"{field} : {', '.join(map(str, messages))}"
                                 for field, messages in error.error_summary.items())))
            return tk.redirect_to("dataset.edit", id=dataset["name"])
    tk.h.flash_success(tk._("« {title} » is published again.").format(title=dataset["title"]))
    return tk.redirect_to("dataset.read", id=dataset["name"])


def get_blueprints() -> list[Blueprint]:
    return [publishing]
