"""Datasets that disappeared from their harvest source.

They are never deleted silently. At the first complete harvest that no longer lists a
dataset, it gets the extra ``harvest_missing_since`` (UTC ISO date-time), shown on its page.
When it is still missing ``ckanext.hautegaronne.harvest.withdraw_after_days`` days later, it
is **withdrawn by making it private** (extra ``harvest_withdrawn_on``): it leaves the search,
the DCAT feeds and thus the national catalogues, but its publisher still sees it and can
delete or republish it; nothing is lost. If it comes back in the source, the next harvest
clears both extras and makes it public again.
"""
from __future__ import annotations

import datetime
import logging
from typing import Iterable, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject

MISSING_SINCE = "harvest_missing_since"
WITHDRAWN_ON = "harvest_withdrawn_on"
log = logging.getLogger(__name__)


def withdraw_after_days() -> int:
    return tk.asint(tk.config.get("ckanext.hautegaronne.harvest.withdraw_after_days"))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _extras(dataset: dict) -> dict:
    return {e["key"]: e["value"] for e in dataset.get("extras") or []}


def parse_date(value: Optional[str]) -> Optional[datetime.datetime]:
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def process(source_id: str, owner_org: str, guids_in_source: Iterable[str], user: str,
            now: Optional[datetime.datetime] = None) -> dict:
    """Flag (then withdraw) the source's datasets whose guid is not in ``guids_in_source``.

    Only datasets of the source's organisation are touched. Returns counts for the report,
    and under ``changes`` the ``(guid, package_id, "flagged" | "withdrawn")`` of each dataset
    flagged or withdrawn by this run.
    """
    now = now or _now()
    delay = datetime.timedelta(days=withdraw_after_days())
    present = set(guids_in_source)
    counts = {"flagged": 0, "withdrawn": 0, "errors": [], "changes": []}
    rows = (model.Session.query(HarvestObject.guid, HarvestObject.package_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.package_id != None)  # noqa: E711
            .all())
    for guid, package_id in rows:
        if guid in present:
            continue
        package = model.Package.get(package_id)
        if package is None or package.state != "active" or package.owner_org != owner_org:
            continue
        context = {"user": user, "ignore_auth": True}
        dataset = tk.get_action("package_show")(dict(context), {"id": package_id})
        extras = _extras(dataset)
        since = parse_date(extras.get(MISSING_SINCE))
        patch: dict = {}
        if since is None:
            extras[MISSING_SINCE] = now.isoformat()
            change = "flagged"
        elif not extras.get(WITHDRAWN_ON) and now - since >= delay:
            extras[WITHDRAWN_ON] = now.isoformat()
            patch["private"] = True
            change = "withdrawn"
        else:
            continue
        patch.update({"id": package_id,
                      "extras": [{"key": k, "value": v} for k, v in sorted(extras.items())]})
        try:
            tk.get_action("package_patch")(dict(context), patch)
        except tk.ValidationError as error:
            counts["errors"].append((dataset["name"], error.error_summary))
            log.warning("Could not flag %s as missing: %s", dataset["name"], error.error_summary)
            continue
        counts[change] += 1
        counts["changes"].append((guid, package_id, change))
    return counts


def status(dataset: dict) -> Optional[dict]:
    """The missing/withdrawn state of a dataset for its page, or None."""
    extras = _extras(dataset)
    since = parse_date(extras.get(MISSING_SINCE) or dataset.get(MISSING_SINCE))
    if since is None:
        return None
    withdrawn = parse_date(extras.get(WITHDRAWN_ON) or dataset.get(WITHDRAWN_ON))
    return {
        "since": since,
        "withdrawn_on": withdrawn,
        "withdraw_on": since + datetime.timedelta(days=withdraw_after_days()),
    }
