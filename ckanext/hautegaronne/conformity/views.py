"""The resource page's "check again" button: a POST to the check action, then back to the
resource page (the report shows the check as pending)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

conformity = Blueprint("hautegaronne_conformity", __name__)


@conformity.route("/dataset/<id>/resource/<resource_id>/conformite", methods=["POST"])
def check(id: str, resource_id: str):
    try:
        tk.get_action("hautegaronne_conformity_check")({}, {"id": resource_id})
        tk.h.flash_success(tk._("The conformity check is queued; this page shows its report "
                                "once it is done."))
    except tk.NotAuthorized as refusal:
        return tk.abort(403, str(refusal))
    except tk.ValidationError as problem:
        tk.h.flash_error(" ".join(str(m) for msgs in problem.error_dict.values() for m in msgs))
    except tk.ObjectNotFound:
        return tk.abort(404)
    return tk.redirect_to("resource.read", id=id, resource_id=resource_id)


def get_blueprints() -> list:
    return [conformity]
