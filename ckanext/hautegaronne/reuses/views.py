"""Public pages of reuses, the proposal form, the moderation page and the
contact forms (the open-data team; a dataset's publisher)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, make_response, redirect, request

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import current_user

from . import REUSE_TYPE, guard, logic, mail, search

__all__ = ["reuses", "get_blueprints"]

reuses = Blueprint("hautegaronne_reuses", __name__)


def _refused(template: str, extra: dict, refusal: guard.Refused) -> Response:
    response = make_response(tk.render(template, {**extra, "form_error": refusal.message}))
    response.status_code = refusal.status
    if refusal.retry_after:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _form_vars(data: dict | None = None, errors: dict | None = None) -> dict:
    return {"data": data or {}, "errors": errors or {}, "started": guard.started_token()}


# -- public pages -----------------------------------------------------------------------------

@reuses.route("/reutilisations")
def index():
    args = {key: request.args.get(key, "").strip()[:200]
            for key in ("q", "reuse_type", "theme", "publisher")}
    found = search.published(**args)
    publishers = {org.name: org.title for org in model.Session.query(model.Group).filter(
        model.Group.name.in_(list(found["publishers"])))} if found["publishers"] else {}
    return tk.render("hautegaronne/reuses/index.html", {
        "reuses": found["results"], "args": args, "types": logic.REUSE_TYPES,
        "themes": found["themes"], "publishers": publishers})


@reuses.route("/reutilisations/<name>")
def read(name: str):
    reuse = search.get(name)
    if reuse is None:
        return tk.abort(404, tk._("Reuse not found"))
    return tk.render("hautegaronne/reuses/read.html", {
        "reuse": reuse, "types": logic.REUSE_TYPES, "json_ld": _creative_work(reuse)})


def _creative_work(reuse: dict) -> str:
    """schema.org CreativeWork of a reuse, with the datasets it is based on."""
    doc = {"@context": "https://schema.org", "@type": "CreativeWork",
           "name": reuse["title"], "description": reuse["description"], "url": reuse["url"],
           "author": {"@type": "Organization", "name": reuse["author"]},
           "genre": reuse["reuse_type"], "dateCreated": reuse["reuse_date"],
           "mainEntityOfPage": tk.h.url_for("hautegaronne_reuses.read", name=reuse["name"],
                                            _external=True),
           "isBasedOn": [{"@type": "Dataset", "name": d["title"],
                          "url": tk.h.url_for("dataset.read", id=d["name"], _external=True)}
                         for d in reuse["datasets"]]}
    if reuse["image_url"]:
        doc["image"] = reuse["image_url"]
    # "</" cannot close the script element from inside a string
    return json.dumps(doc, ensure_ascii=False).replace("</", "<\\/")


# -- proposing ------------------------------------------------------------------------------

@reuses.route("/reutilisations/proposer", methods=["GET", "POST"])
def propose():
    template = "hautegaronne/reuses/propose.html"
    if request.method == "GET":
        return tk.render(template, {**_form_vars({"datasets": request.args.get("dataset", "")}),
                                    "types": logic.REUSE_TYPES})
    data = {key: request.form.get(key, "") for key in
            ("title", "description", "url", "reuse_type", "image_url", "author",
             "proposer_email", "datasets")}
    extra = {**_form_vars(data), "types": logic.REUSE_TYPES}
    try:
        logic.validate_proposal(data)  # field errors first: the guards count only clean sends
        guard.check("reuse", request.form)
        logic.propose(data)
    except tk.ValidationError as error:
        response = make_response(tk.render(template, {**extra, "errors": error.error_dict}))
        response.status_code = 400
        return response
    except guard.Refused as refusal:
        return _refused(template, extra, refusal)
    tk.h.flash_success(tk._("Thank you! Your reuse will be published once the open-data team "
                            "has reviewed it."))
    return tk.redirect_to("hautegaronne_reuses.index")


# -- moderating --------------------------------------------------------------------------------

def _moderator_context() -> dict:
    return {"user": current_user.name if current_user.is_authenticated else ""}


@reuses.route("/reutilisations/moderation")
def moderation():
    try:
        proposals = tk.get_action("hautegaronne_reuse_proposal_list")(_moderator_context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the editors of the département moderate reuses."))
    titles = {p.name: p.title for p in model.Session.query(model.Package).filter(
        model.Package.name.in_([n for pr in proposals for n in pr["datasets"]]))}
    return tk.render("hautegaronne/reuses/moderation.html", {
        "proposals": proposals, "types": logic.REUSE_TYPES, "dataset_titles": titles,
        "errors": {}})


@reuses.route("/reutilisations/moderation/<proposal_id>", methods=["POST"])
def moderate(proposal_id: str):
    decision = request.form.get("decision")
    action = {"publish": "hautegaronne_reuse_proposal_publish",
              "decline": "hautegaronne_reuse_proposal_decline"}.get(decision)
    if action is None:
        return tk.abort(400, tk._("Choose to publish or to decline the proposal."))
    try:
        result = tk.get_action(action)(_moderator_context(), {
            "id": proposal_id, "reason": request.form.get("reason", "")})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the editors of the département moderate reuses."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Proposal not found."))
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
        return tk.redirect_to("hautegaronne_reuses.moderation")
    if decision == "publish":
        tk.h.flash_success(tk._("The reuse is published."))
        return tk.redirect_to("hautegaronne_reuses.read", name=result["name"])
    if not result.get("proposer_told"):
        tk.h.flash_notice(tk._("The proposal is declined, but its author could not be told "
                               "(the portal could not send the e-mail)."))
        return tk.redirect_to("hautegaronne_reuses.moderation")
    tk.h.flash_success(tk._("The proposal is declined; its author is told the reason."))
    return tk.redirect_to("hautegaronne_reuses.moderation")


# -- contact -----------------------------------------------------------------------------------

def _contact(form_name: str, template: str, extra: dict, recipients, subject_prefix: str):
    if request.method == "GET":
        return tk.render(template, {**_form_vars(), **extra})
    data = {key: request.form.get(key, "").strip() for key in
            ("name", "email", "subject", "message")}
    errors: dict[str, list[str]] = {}
    if not data["name"] or len(data["name"]) > 200:
        errors["name"] = [tk._("Give your name (200 characters at most).")]
    if not logic._EMAIL.match(data["email"]) or len(data["email"]) > 254:
        errors["email"] = [tk._("Give a valid e-mail address so that we can answer you.")]
    if not data["subject"] or len(data["subject"]) > 200:
        errors["subject"] = [tk._("Give the subject of your message (200 characters at most).")]
    if not data["message"] or len(data["message"]) > 5000:
        errors["message"] = [tk._("Write your message (5,000 characters at most).")]
    context = {**_form_vars(data, errors), **extra}
    if errors:
        response = make_response(tk.render(template, context))
        response.status_code = 400
        return response
    try:
        guard.check(form_name, request.form)
    except guard.Refused as refusal:
        return _refused(template, context, refusal)
    body = tk._("Message sent through the open-data portal by %(name)s <%(email)s>:") % data
    body += "\n\n" + data["message"]
    try:
        for address in recipients():
            mail.send(address, f"[{subject_prefix}] {data['subject']}", body, reply_to=data["email"])
    except mail.MailError:
        guard.release(form_name)
        response = make_response(tk.render(template, {**context, "form_error": tk._(
            "Your message could not be sent. Try again later.")}))
        response.status_code = 503
        return response
    tk.h.flash_success(tk._("Your message has been sent. Thank you!"))
    return None


@reuses.route("/contact", methods=["GET", "POST"])
def contact():
    sent = _contact("contact", "hautegaronne/contact.html", {"pkg": None},
                    lambda: [mail.team_address()], tk.config.get("ckan.site_title"))
    return sent if sent is not None else tk.redirect_to("hautegaronne_reuses.contact")


@reuses.route("/dataset/<id>/contact", methods=["GET", "POST"])
def dataset_contact(id: str):
    try:
        pkg = tk.get_action("package_show")({"user": current_user.name
                                             if current_user.is_authenticated else ""}, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    org = model.Group.get(pkg.get("owner_org")) if pkg.get("owner_org") else None
    if org is None or not mail.publisher_addresses(org):
        return tk.abort(404, tk._("This publisher cannot be contacted through the portal."))
    sent = _contact("contact", "hautegaronne/contact.html", {"pkg": pkg},
                    lambda: mail.publisher_addresses(org), pkg["title"])
    return sent if sent is not None else tk.redirect_to("dataset.read", id=pkg["name"])


# -- CKAN's generic group pages of the reuse type --------------------------------------------

# CKAN serves every group type under /<type>/ (English, group wording, forms that skip the
# proposal flow): its reads move to the portal's pages, its forms to the moderation page.
_GENERIC_READS = {"index", "read", "about", "members", "member_dump", "followers"}


def generic_reuse_pages():
    blueprint, _dot, view = (request.endpoint or "").partition(".")
    if blueprint not in (REUSE_TYPE, "group"):
        return None
    ref = (request.view_args or {}).get("id")
    group = model.Group.get(ref) if ref else None
    if blueprint == "group" and (group is None or group.type != REUSE_TYPE
                                 or view not in _GENERIC_READS):
        return None  # other group types keep CKAN's pages
    if view in _GENERIC_READS and request.method in ("GET", "HEAD"):
        target = (tk.h.url_for("hautegaronne_reuses.read", name=group.name if group else ref)
                  if ref else tk.h.url_for("hautegaronne_reuses.index"))
        return redirect(target, code=301)
    return redirect(tk.h.url_for("hautegaronne_reuses.moderation"), code=303)


def get_blueprints() -> list[Blueprint]:
    return [reuses]
