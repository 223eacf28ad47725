"""Publisher pages: the public directory and the sysadmins' "Ajouter une collectivité" page."""
from __future__ import annotations

from flask import Blueprint, redirect

import ckan.plugins.toolkit as tk

from .. import territory as ref
from . import directory as directory_listing
from ..theme.helpers import publisher_type_plural
from . import onboarding, types

__all__ = ["publishers", "get_blueprints"]

publishers = Blueprint("hautegaronne_publishers", __name__)


def _sections() -> list[tuple[str, tuple[str, ...]]]:
    """Sections of the directory: (title, organisation types)."""
    # single-type sections are named by the type's plural, declared in the organisation
    # schema with the other names of the types
    return [
        (tk._("Département and affiliated bodies"), ("departement", "etablissement")),
        *((publisher_type_plural(kind), (kind,)) for kind in ("epci", "syndicat", "commune")),
    ]


def directory():
    filters = directory_listing.filters_from(tk.request.args)
    rows = directory_listing.listing(filters)
    sections = [{"title": title, "publishers": [r for r in rows if r["publisher_type"] in kinds]}
                for title, kinds in _sections()]
    total = len(rows) if filters.active else None
    return tk.render("publishers/directory.html", {
        "sections": [s for s in sections if s["publishers"]],
        "total": len(onboarding.publishers()) if filters.active else len(rows),
        "found": total, "filters": filters,
        "type_choices": directory_listing.type_choices(),
        "epci_choices": directory_listing.epci_choices()})


def _require_sysadmin() -> None:
    try:
        tk.check_access("sysadmin", {"user": tk.current_user.name if tk.current_user else None})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Only platform administrators can add a publisher."))


def _candidates(query: str) -> list[dict]:
    onboarded = {row["name"]: row for row in onboarding.publishers(("departement", "epci", "commune"))}
    out = []
    for entity in ref.search(query, limit=20):
        current = onboarding.current_organisation(entity, onboarded)
        name = current["name"] if current else types.org_name_for(entity)
        out.append({
            "entity": entity,
            "code": entity.get("code") if entity["kind"] != "epci" else entity["siren"],
            "org_name": name,
            "org_type": types.publisher_type_of_entity(entity),
            "type_label": {"departement": tk._("Département"), "epci": tk._("Intercommunality"),
                           "commune": tk._("Commune")}[entity["kind"]],
            "onboarded": current is not None,
        })
    return out


def add():
    _require_sysadmin()
    if tk.request.method == "POST":
        code = tk.request.form.get("code", "")
        try:
            outcome = onboarding.add(onboarding.resolve(code))
        except onboarding.UnknownCode as error:
            tk.h.flash_error(str(error))
            return tk.redirect_to("hautegaronne_publishers.add")
        if outcome.status == "created":
            tk.h.flash_success(tk._("{title} is now a publisher of the portal. Appoint its first "
                                    "administrator in Members.").format(title=outcome.title))
        else:
            tk.h.flash_notice(tk._("{title} was already a publisher of the portal.").format(
                title=outcome.title))
        return tk.redirect_to("organization.read", id=outcome.name)
    query = tk.request.args.get("q", "").strip()
    extra = {"q": query, "candidates": _candidates(query) if query else []}
    if tk.request.args.get("partial"):
        return tk.render("publishers/snippets/candidates.html", extra)
    return tk.render("publishers/add.html", extra)


def former_address(rest: str = ""):
    """Addresses of the time each publisher type was an organisation type of its own
    (/commune/roques-31458, published in feeds and links): moved for good to /organization."""
    return redirect(tk.url_for("organization.index").rstrip("/") + "/" + rest, code=301)


for _publisher_type in types.PUBLISHER_TYPES:
    publishers.add_url_rule(f"/{_publisher_type}/", endpoint=f"former_{_publisher_type}",
                            view_func=former_address)
    publishers.add_url_rule(f"/{_publisher_type}/<path:rest>",
                            endpoint=f"former_{_publisher_type}_page", view_func=former_address)

publishers.add_url_rule("/producteurs", endpoint="directory", view_func=directory)
publishers.add_url_rule("/producteurs/ajouter", endpoint="add", view_func=add, methods=["GET", "POST"])


def refused(error: tk.NotAuthorized):
    """An action's refusal that a view lets through (core's trash page, when the ownership
    rules refuse a bound sysadmin the purge of a publisher's data): a 403 page with the
    reason, not a server error."""
    content = str(error) or tk._("You are not allowed to perform this action.")
    return tk.render("error_document_template.html",
                     {"code": 403, "name": "Forbidden", "content": content}), 403


def get_blueprints() -> list[Blueprint]:
    return [publishers]
