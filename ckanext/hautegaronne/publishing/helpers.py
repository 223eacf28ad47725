"""Template helpers of the publishing pages: the description as its author typed it, the
publisher a new dataset starts from."""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
from markupsafe import Markup

from ..translation import N_

# A line that starts a Markdown block of its own (list item, heading, quote, code, table,
# rule): the line before it needs no forced break.
_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d+[.)]\s|#|>|```|\||---|\*\*\*|    )")


def _keep_line_breaks(text: str) -> str:
    """Markdown joins consecutive lines into one paragraph; agents type a line break to
    get one. A single line break inside a paragraph becomes a Markdown hard break."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (line.strip() and following.strip() and not _BLOCK_START.match(following)
                and not line.endswith("  ")):
            line += "  "
        kept.append(line)
    return "\n".join(kept)


def hautegaronne_render_description(text: str | None) -> Markup:
    """A dataset's or resource's description rendered by CKAN's Markdown renderer (which
    cleans the HTML), its line breaks kept."""
    if not text:
        return Markup("")
    return tk.h.render_markdown(_keep_line_breaks(text))


def hautegaronne_current_publisher_id() -> str | None:
    """The id of the publisher whose page is being shown (its "Ajouter un jeu de données"
    button opens the form with that publisher chosen), None elsewhere."""
    request = tk.request
    if not request or not (request.endpoint or "").endswith(".read"):
        return None
    blueprint = (request.endpoint or "").split(".")[0]
    if blueprint != "organization":
        return None
    name = (request.view_args or {}).get("id")
    if not name:
        return None
    try:
        org = tk.get_action("organization_show")(
            {}, {"id": name, "include_datasets": False, "include_users": False,
                 "include_extras": False, "include_tags": False, "include_groups": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return org["id"]


def hautegaronne_may_add_dataset() -> bool:
    """Whether "Ajouter un jeu de données" leads anywhere for this user: on a publisher's
    page, whether they may add a dataset to that publisher (the form opens with it chosen);
    elsewhere, whether they may add one to some publisher. CKAN's own test asks the second
    question on every page, so a publisher's page offered the button to members of other
    publishers and to bound platform administrators, whose form then answered 403."""
    publisher = hautegaronne_current_publisher_id()
    return tk.h.check_access("package_create", {"owner_org": publisher} if publisher else {})


# The activity stream's filter shows CKAN's activity types, which it does not translate.
_ACTIVITY_TYPES = {
    "new package": N_("New dataset"), "changed package": N_("Changed dataset"),
    "deleted package": N_("Deleted dataset"), "follow dataset": N_("Followed dataset"),
    "new resource view": N_("New resource view"),
    "changed resource view": N_("Changed resource view"),
    "deleted resource view": N_("Deleted resource view"),
    "new organization": N_("New publisher"), "changed organization": N_("Changed publisher"),
    "deleted organization": N_("Deleted publisher"),
    "follow organization": N_("Followed publisher"),
    "new group": N_("New reuse"), "changed group": N_("Changed reuse"),
    "deleted group": N_("Deleted reuse"), "follow group": N_("Followed reuse"),
    "new user": N_("New user"), "changed user": N_("Changed user"),
    "follow user": N_("Followed user"),
}


def hautegaronne_activity_type_label(activity_type: str) -> str:
    label = _ACTIVITY_TYPES.get(activity_type)
    return tk._(label) if label else activity_type.capitalize()


def get_helpers() -> dict:
    return {
        "hautegaronne_render_description": hautegaronne_render_description,
        "hautegaronne_current_publisher_id": hautegaronne_current_publisher_id,
        "hautegaronne_may_add_dataset": hautegaronne_may_add_dataset,
        "hautegaronne_activity_type_label": hautegaronne_activity_type_label,
    }

