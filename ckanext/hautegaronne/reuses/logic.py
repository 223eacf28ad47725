"""Proposing, moderating and finding reuses.

Actions (all for the département's moderators; proposing is the public form's
job, behind its guards, see views.py):
- hautegaronne_reuse_proposal_list: the pending proposals (with the proposer's
  e-mail, which only moderators ever see);
- hautegaronne_reuse_proposal_publish: a pending proposal becomes a published
  reuse (a group of type `reutilisation` holding the datasets it uses);
- hautegaronne_reuse_proposal_decline: a pending proposal is declined, with a
  reason told to the proposer.
"""
from __future__ import annotations

import datetime
import logging
import re

import ckan.plugins.toolkit as tk
from ckan import authz, model

from .. import validation
from ..harvest import fetch
from ..publishers import types as publisher_types
from ..publishers.auth import OVERRIDE_OPTION
from ..text import slug
from ..translation import N_
from . import REUSE_TYPE
from .model import DECLINED, PENDING, PUBLISHED, ReuseProposal

log = logging.getLogger(__name__)

# udata's reuse types, plus a derived dataset (udata files those under "other")
REUSE_TYPES = {
    "application": N_("Application"),
    "visualization": N_("Visualisation"),
    "news_article": N_("Article"),
    "api": N_("API"),
    "dataset_derived": N_("Derived dataset"),
    "paper": N_("Paper"),
    "idea": N_("Idea"),
    "other": N_("Other"),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATASET_REF = re.compile(r"(?:/dataset/)?([a-z0-9_-]{2,100})/?$")
MAX_DATASETS = 20


def _is_http_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s/]+\.[^\s]+$", value or ""))


def _is_public_https_image(value: str) -> bool:
    """An image readers' browsers load from the reuse's page: https (the CSP admits no
    other images from outside), a domain name (no IP address, no bare host) that does not
    resolve to this machine or a private network (the harvester's address guard)."""
    if not value or len(value) > 500 or not value.lower().startswith("https://") \
            or not validation.is_web_address(value):
        return False
    try:
        fetch.check_url(value)
    except fetch.UnknownHost:
        return True  # unknown here; browsers resolve it themselves
    except fetch.FetchError:
        return False
    return True


# -- validators (scheming schema) -----------------------------------------------------------

def reuse_url(value, context):
    if value and not _is_http_url(value):
        raise tk.Invalid(tk._("Give a web address starting with http:// or https://."))
    return value


def reuse_image_url(value, context):
    if value and not _is_public_https_image(value):
        raise tk.Invalid(_image_message())
    return value


def _image_message() -> str:
    return tk._("Give the public https:// address of an image (not an address of this "
                "machine or of a private network).")


def get_validators() -> dict:
    return {"hautegaronne_reuse_url": reuse_url, "hautegaronne_reuse_image_url": reuse_image_url}


# -- who moderates ----------------------------------------------------------------------------

def can_moderate(user_name: str | None) -> bool:
    """Editors and admins of the département's organisation; sysadmins only when the
    ownership rules are lifted (override) or as the site user."""
    user = model.User.get(user_name) if user_name else None
    if user is None or user.state != "active":
        return False
    if user.sysadmin and (tk.asbool(tk.config.get(OVERRIDE_OPTION))
                          or user.name == tk.config.get("ckan.site_id")):
        return True
    org = model.Group.get(publisher_types.DEPARTEMENT_ORG_NAME)
    if org is None:
        return False
    return authz.users_role_for_group_or_org(org.id, user.name) in ("editor", "admin")


@tk.auth_sysadmins_check  # sysadmins obey the rule too (bound sysadmins, publishers/auth.py)
def moderate_auth(context, data_dict=None):
    if can_moderate(context.get("user")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the editors of the département moderate reuses.")}


def _reuse_group_guard(name_from):
    """Creating, editing or deleting a reuse (a `reutilisation` group) is moderators'
    work, sysadmins included: CKAN would let any signed-in user create a group, which
    would skip moderation. Other group types keep CKAN's rules."""
    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict=None):
        if name_from(data_dict or {}):
            return moderate_auth(context, data_dict)
        if authz.is_sysadmin(context.get("user")):
            return {"success": True}
        return next_auth(context, data_dict)
    return auth


def _is_reuse_type(data_dict: dict) -> bool:
    return data_dict.get("type") == REUSE_TYPE


def _is_reuse_group(data_dict: dict) -> bool:
    group = model.Group.get(data_dict.get("id")) if isinstance(data_dict.get("id"), str) else None
    return group is not None and group.type == REUSE_TYPE


def get_auth_functions() -> dict:
    return {"hautegaronne_reuse_moderate": moderate_auth,
            "group_create": _reuse_group_guard(_is_reuse_type),
            "group_update": _reuse_group_guard(_is_reuse_group),
            "group_delete": _reuse_group_guard(_is_reuse_group)}


# -- proposals ---------------------------------------------------------------------------------

def _dataset_names(raw) -> tuple[list[str], list[str]]:
    """Public, active datasets named (by name, id or page address) in `raw`, and the
    references that name none."""
    refs = raw if isinstance(raw, list) else re.split(r"[\s,]+", raw or "")
    names, unknown = [], []
    for ref in (r.strip() for r in refs if r and r.strip()):
        match = _DATASET_REF.search(ref.split("?")[0].split("#")[0])
        pkg = model.Package.get(match.group(1)) if match else None
        if pkg is None or pkg.state != "active" or pkg.private or pkg.type != "dataset":
            unknown.append(ref)
        elif pkg.name not in names:
            names.append(pkg.name)
    return names, unknown


def validate_proposal(data: dict) -> dict:
    """The clean proposal, or tk.ValidationError with a French message per field."""
    clean = {key: (data.get(key) or "").strip() if isinstance(data.get(key), str)
             else data.get(key) for key in
             ("title", "description", "url", "reuse_type", "image_url", "author",
              "proposer_email", "datasets")}
    errors: dict[str, list[str]] = {}

    def need(field, message, ok):
        if not ok:
            errors.setdefault(field, []).append(message)

    need("title", tk._("Give the title of the reuse (200 characters at most)."),
         clean["title"] and len(clean["title"]) <= 200)
    need("description", tk._("Describe the reuse (5,000 characters at most)."),
         clean["description"] and len(clean["description"]) <= 5000)
    need("url", tk._("Give a web address starting with http:// or https://."),
         _is_http_url(clean["url"]) and len(clean["url"]) <= 500)
    need("reuse_type", tk._("Choose the type of reuse."), clean["reuse_type"] in REUSE_TYPES)
    need("image_url", _image_message(),
         not clean["image_url"] or _is_public_https_image(clean["image_url"]))
    need("author", tk._("Give the author or the organisation (200 characters at most)."),
         clean["author"] and len(clean["author"]) <= 200)
    need("proposer_email", tk._("Give a valid e-mail address; it will not be published."),
         _EMAIL.match(clean["proposer_email"] or "") and len(clean["proposer_email"]) <= 254)
    names, unknown = _dataset_names(clean["datasets"])
    if unknown:
        errors.setdefault("datasets", []).append(
            tk._("These datasets are not on the portal: %(refs)s") % {"refs": ", ".join(unknown)})
    elif not names:
        errors.setdefault("datasets", []).append(tk._("Name at least one dataset of the portal."))
    elif len(names) > MAX_DATASETS:
        errors.setdefault("datasets", []).append(
            tk._("Name at most %(num)d datasets.") % {"num": MAX_DATASETS})
    if errors:
        raise tk.ValidationError(errors)
    clean["datasets"] = names
    return clean


def propose(data: dict) -> ReuseProposal:
    """Record a proposal from the public form; it stays pending, unseen, until moderated."""
    clean = validate_proposal(data)
    proposal = ReuseProposal(**clean)
    model.Session.add(proposal)
    model.Session.commit()
    return proposal


def _pending(data_dict: dict) -> ReuseProposal:
    proposal = ReuseProposal.get(tk.get_or_bust(data_dict, "id"))
    if proposal is None:
        raise tk.ObjectNotFound(tk._("Proposal not found."))
    if proposal.state != PENDING:
        raise tk.ValidationError({"id": [tk._("This proposal has already been moderated.")]})
    return proposal


@tk.side_effect_free
def proposal_list(context, data_dict):
    tk.check_access("hautegaronne_reuse_moderate", context, data_dict)
    return [p.as_dict(with_email=True) for p in ReuseProposal.pending()]


# the pages of views.py under /reutilisations/
_RESERVED_NAMES = {"proposer", "moderation"}


def _slug(title: str) -> str:
    base = slug(title)[:80].strip("-_") or "reutilisation"
    if base in _RESERVED_NAMES or len(base) < 2:
        base = f"reutilisation-{base}".strip("-")
    name, n = base, 1
    while model.Group.get(name) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def proposal_publish(context, data_dict):
    tk.check_access("hautegaronne_reuse_moderate", context, data_dict)
    proposal = _pending(data_dict)
    # datasets may have been withdrawn since the proposal: only public ones are linked
    names, _unknown = _dataset_names(list(proposal.datasets or []))
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    reuse = tk.get_action("group_create")(
        {"user": site_user, "ignore_auth": True},
        {"type": REUSE_TYPE, "name": _slug(proposal.title), "title": proposal.title,
         "description": proposal.description, "url": proposal.url,
         "reuse_type": proposal.reuse_type, "image_url": proposal.image_url or "",
         "author": proposal.author, "reuse_date": proposal.created.date().isoformat(),
         "proposal_id": proposal.id,
         "packages": [{"id": model.Package.get(n).id} for n in names]})
    proposal.state, proposal.reuse_id = PUBLISHED, reuse["id"]
    proposal.reviewed_by, proposal.reviewed_at = context["user"], datetime.datetime.utcnow()
    model.Session.commit()
    _tell_proposer(proposal, tk._("Your reuse « %(title)s » is published on the portal: %(url)s")
                   % {"title": proposal.title,
                      "url": tk.h.url_for("hautegaronne_reuses.read", name=reuse["name"],
                                          _external=True)})
    return reuse


def proposal_decline(context, data_dict):
    tk.check_access("hautegaronne_reuse_moderate", context, data_dict)
    proposal = _pending(data_dict)
    reason = (data_dict.get("reason") or "").strip()
    if not reason or len(reason) > 2000:
        raise tk.ValidationError({"reason": [tk._("Give the reason, told to the proposer.")]})
    proposal.state, proposal.decline_reason = DECLINED, reason
    proposal.reviewed_by, proposal.reviewed_at = context["user"], datetime.datetime.utcnow()
    model.Session.commit()
    told = _tell_proposer(proposal, tk._("Your reuse « %(title)s » was not published. "
                                         "Reason: %(reason)s")
                          % {"title": proposal.title, "reason": reason})
    return {**proposal.as_dict(), "proposer_told": told}


def _tell_proposer(proposal: ReuseProposal, body: str) -> bool:
    """Whether the proposer could be told (the decision is saved either way)."""
    from . import mail
    try:
        mail.send(proposal.proposer_email, tk._("Your reuse proposal"), body)
    except mail.MailError:
        log.exception("Could not tell the proposer of %s", proposal.id)
        return False
    return True


def get_actions() -> dict:
    return {"hautegaronne_reuse_proposal_list": proposal_list,
            "hautegaronne_reuse_proposal_publish": proposal_publish,
            "hautegaronne_reuse_proposal_decline": proposal_decline}
