"""What ``package_show`` answers to CKAN clients.

* Every key CKAN core returns for a dataset and its resources is present, ``null`` when it
  has no value (the portal's schema leaves empty fields out; clients such as data.gouv.fr's
  CKAN harvester require the keys).
* The coverage is also where CKAN clients read it, as extras (``extras`` list): ``spatial``
  (ckanext-spatial's GeoJSON geometry), ``frequency``, ``temporal_start`` and
  ``temporal_end`` (what CKAN harvesters, udata's among them, read). The portal's own fields
  (``frequency``, ``temporal_coverage``, ``spatial_coverage``) stay the source: these extras
  are derived on output and dropped on input (``without_mirrored_extras``), so a
  ``package_show`` -> ``package_update`` round trip changes nothing.
* A high-value dataset whose data API serves a table (a resource in the DataStore, as the
  DCAT feed requires to declare it high-value) also shows the tag ``hvd``, the keyword
  data.gouv.fr marks high-value datasets with: its CKAN harvester copies the tags, it reads
  no ``hvd_category``. Derived on output, dropped on input like the extras.
* The nested ``organization`` carries its ``publisher_type``, as ``organization_show`` and
  ``organization_list`` give it (core nests the organisation's columns only).
"""
from __future__ import annotations

import json
import uuid
from typing import Any, Optional

import ckan.model as model

from ..hvd import vocabulary as hvd
from ..publishers import types

__all__ = ["MIRRORED_EXTRAS", "complete_dataset", "without_mirrored_extras"]

MIRRORED_EXTRAS = ("spatial", "frequency", "temporal_start", "temporal_end")

# What core's package_show returns for every dataset (license_url only for a licence with a
# URL) and every resource.
DATASET_KEYS = ("author", "author_email", "maintainer", "maintainer_email", "url", "version",
                "notes", "license_id", "license_title", "creator_user_id", "owner_org",
                "metadata_created", "metadata_modified", "state", "type", "private",
                "num_resources", "num_tags", "isopen")
DATASET_LIST_KEYS = ("tags", "groups", "resources", "extras", "relationships_as_subject",
                     "relationships_as_object")
RESOURCE_KEYS = ("package_id", "url", "name", "description", "format", "hash", "mimetype",
                 "mimetype_inner", "size", "created", "last_modified", "metadata_modified",
                 "cache_url", "cache_last_updated", "url_type", "resource_type", "state",
                 "position")


def _spatial(coverage: Any) -> Optional[str]:
    """ckanext-spatial's ``spatial``: the coverage's geometry as one GeoJSON string (each
    entry's bounding box; several entries make a MultiPolygon)."""
    polygons = [row["bbox"]["coordinates"] for row in coverage or []
                if isinstance(row, dict) and isinstance(row.get("bbox"), dict)
                and row["bbox"].get("type") == "Polygon"]
    if not polygons:
        return None
    if len(polygons) == 1:
        return json.dumps({"type": "Polygon", "coordinates": polygons[0]})
    return json.dumps({"type": "MultiPolygon", "coordinates": polygons})


def _temporal(coverage: Any) -> tuple[Optional[str], Optional[str]]:
    rows = [row for row in coverage or [] if isinstance(row, dict)]
    starts = sorted(str(r["start"]) for r in rows if r.get("start"))
    ends = sorted(str(r["end"]) for r in rows if r.get("end"))
    return (starts[0] if starts else None), (ends[-1] if ends else None)


def _mirrored(pkg: dict) -> dict[str, Optional[str]]:
    start, end = _temporal(pkg.get("temporal_coverage"))
    return {"spatial": _spatial(pkg.get("spatial_coverage")),
            "frequency": pkg.get("frequency") or None,
            "temporal_start": start, "temporal_end": end}


def complete_dataset(pkg: dict) -> dict:
    """Adds the missing core keys and the mirrored coverage extras (idempotent: CKAN applies
    it when indexing and again when it serves the indexed dict)."""
    if pkg.get("type") != "dataset":
        return pkg
    for key in DATASET_KEYS:
        pkg.setdefault(key, None)
    for key in DATASET_LIST_KEYS:
        if pkg.get(key) is None:
            pkg[key] = []
    extras = [e for e in pkg["extras"] if e.get("key") not in MIRRORED_EXTRAS]
    extras += [{"key": key, "value": value} for key, value in _mirrored(pkg).items()
               if value is not None]
    pkg["extras"] = extras
    _mirror_hvd_tag(pkg)
    _add_publisher_type(pkg.get("organization"))
    for resource in pkg["resources"]:
        for key in RESOURCE_KEYS:
            resource.setdefault(key, None)
    return pkg


# The mirrored tag's id: stable, so that a client comparing two reads sees the same tag.
HVD_TAG_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, hvd.SCHEME + "#" + hvd.TAG))


def _mirror_hvd_tag(pkg: dict) -> None:
    tags = [t for t in pkg["tags"] if not (isinstance(t, dict) and t.get("id") == HVD_TAG_ID)]
    high_value = bool(pkg.get("hvd_category")) and any(
        isinstance(r, dict) and r.get("datastore_active") for r in pkg["resources"])
    if high_value and not any(isinstance(t, dict) and t.get("name") == hvd.TAG for t in tags):
        tags.append({"id": HVD_TAG_ID, "name": hvd.TAG, "display_name": hvd.TAG,
                     "state": "active", "vocabulary_id": None})
    pkg["tags"] = tags
    pkg["num_tags"] = len(tags)


def _add_publisher_type(organization: Any) -> None:
    if not isinstance(organization, dict) or "publisher_type" in organization:
        return
    group = model.Group.get(organization.get("id")) if organization.get("id") else None
    organization["publisher_type"] = (
        types.publisher_type_of(group.type, group.extras) if group is not None else None)


def without_mirrored_extras(data_dict: dict) -> dict:
    """The dataset a client sends (a package_show dict given to package_update), without the
    mirrored extras and ``hvd`` tag: the schema's fields are the source. Validating them would refuse
    ``frequency`` (an extra named like a field)."""
    tags = data_dict.get("tags")
    if isinstance(tags, list) and any(isinstance(t, dict) and t.get("id") == HVD_TAG_ID
                                      for t in tags):
        data_dict = {**data_dict, "tags": [
            t for t in tags if not (isinstance(t, dict) and t.get("id") == HVD_TAG_ID)]}
    extras = data_dict.get("extras")
    if not isinstance(extras, list):
        return data_dict
    kept = [e for e in extras if not (isinstance(e, dict) and e.get("key") in MIRRORED_EXTRAS)]
    return data_dict if len(kept) == len(extras) else {**data_dict, "extras": kept}
