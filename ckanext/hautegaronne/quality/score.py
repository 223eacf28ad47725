"""The MQA score of a dataset (data.europa.eu's Metadata Quality Assessment, 405 points),
computed from the dataset as the portal publishes it in its DCAT feed (dcat/profile.py).

The MQA awards points per dataset, plus those of its best distribution:
* Findability: keywords 30, themes 30, spatial coverage 20, temporal coverage 20;
* Accessibility (distribution): access URL answering 2xx 50, download URL 20, download URL
  answering 2xx 30;
* Interoperability: format 20, media type 10, both from a vocabulary 10, non-proprietary
  format 20, machine-readable format 20 (distribution), DCAT-AP compliance 30 (dataset);
* Reusability: licence 20 and from the EU vocabulary 10 (distribution), access rights 10
  and from the EU vocabulary 5, contact point 20, publisher 10 (dataset);
* Contextuality: rights 5, byte size 5 (distribution), issued 5, modified 5 (dataset).
Ratings: Excellent 351-405, Good 221-350, Sufficient 121-220, Bad 0-120.

What the portal cannot know without a request is whether a link answers: a file uploaded to
the portal does (the portal serves it); a link to another site counts only when the caller's
``reachable`` says so (the MQA checks it when it harvests). DCAT-AP compliance is the
portal's: its feed is validated against the official shapes (tests/dcat/test_shacl.py).
"""
from __future__ import annotations

import re
from typing import Callable, NamedTuple, Optional

import ckan.plugins.toolkit as tk

from .. import vocabularies
from ..dcat import file_types, licences

MAXIMUM = 405
_MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")


class Criterion(NamedTuple):
    key: str
    points: int
    level: str  # "dataset" or "distribution"


CRITERIA = (
    Criterion("keywords", 30, "dataset"), Criterion("themes", 30, "dataset"),
    Criterion("spatial", 20, "dataset"), Criterion("temporal", 20, "dataset"),
    Criterion("access_url", 50, "distribution"), Criterion("download_url", 20, "distribution"),
    Criterion("download_url_answers", 30, "distribution"),
    Criterion("format", 20, "distribution"), Criterion("media_type", 10, "distribution"),
    Criterion("vocabularies", 10, "distribution"),
    Criterion("non_proprietary", 20, "distribution"),
    Criterion("machine_readable", 20, "distribution"),
    Criterion("dcat_ap", 30, "dataset"),
    Criterion("licence", 20, "distribution"), Criterion("licence_vocabulary", 10, "distribution"),
    Criterion("access_rights", 10, "dataset"),
    Criterion("access_rights_vocabulary", 5, "dataset"),
    Criterion("contact_point", 20, "dataset"), Criterion("publisher", 10, "dataset"),
    Criterion("rights", 5, "distribution"), Criterion("byte_size", 5, "distribution"),
    Criterion("issued", 5, "dataset"), Criterion("modified", 5, "dataset"),
)
assert sum(c.points for c in CRITERIA) == MAXIMUM


def labels() -> dict[str, str]:
    """What to fill to gain each criterion's points, in the user's language."""
    _ = tk._
    return {
        "keywords": _("Add keywords"),
        "themes": _("Choose at least one theme"),
        "spatial": _("Give the spatial coverage"),
        "temporal": _("Give the period the data cover"),
        "access_url": _("Give each resource a file or a link that answers"),
        "download_url": _("Publish a downloadable file (upload it, or give its format)"),
        "download_url_answers": _("Make the file's link answer (or upload the file)"),
        "format": _("Give the resource's format"),
        "media_type": _("Give the resource's media type"),
        "vocabularies": _("Use a format and a media type of the lists"),
        "non_proprietary": _("Publish a non-proprietary format (e.g. CSV rather than XLS)"),
        "machine_readable": _("Publish a machine-readable format (e.g. CSV rather than PDF)"),
        "dcat_ap": _("Metadata compliant with DCAT-AP"),
        "licence": _("Choose a licence"),
        "licence_vocabulary": _("Choose a licence of the EU list (Licence Ouverte 2.0, ODbL)"),
        "access_rights": _("Give the access rights"),
        "access_rights_vocabulary": _("Choose the access rights from the list"),
        "contact_point": _("Give a contact point (name or e-mail)"),
        "publisher": _("Publish under a publisher"),
        "rights": _("State the reuse conditions (a licence of the list does)"),
        "byte_size": _("Give the file's size"),
        "issued": _("Publication date"),
        "modified": _("Date of last modification"),
    }


def _filled(value) -> bool:
    return value not in (None, "", [], {})


def _dataset_criteria(dataset: dict) -> set[str]:
    met = {"dcat_ap"}  # the portal's feed is DCAT-AP compliant (validated by its tests)
    if dataset.get("tags") or dataset.get("tag_string"):
        met.add("keywords")
    if dataset.get("theme") or dataset.get("hvd_category"):
        met.add("themes")
    if any(isinstance(i, dict) and (i.get("uri") or i.get("code"))
           for i in dataset.get("spatial_coverage") or []):
        met.add("spatial")
    if any(isinstance(i, dict) and (i.get("start") or i.get("end"))
           for i in dataset.get("temporal_coverage") or []):
        met.add("temporal")
    rights = dataset.get("access_rights")
    if _filled(rights):
        met.add("access_rights")
        if str(rights).startswith(vocabularies.ACCESS_RIGHT_BASE):
            met.add("access_rights_vocabulary")
    organization = dataset.get("organization") or {}
    if any(isinstance(c, dict) and (c.get("name") or c.get("email"))
           for c in dataset.get("contact") or []) or organization.get("contact_email"):
        met.add("contact_point")
    if dataset.get("owner_org"):
        met.add("publisher")
    if dataset.get("issued") or dataset.get("metadata_created"):
        met.add("issued")
    if dataset.get("modified") or dataset.get("metadata_modified"):
        met.add("modified")
    return met


def _distribution_criteria(resource: dict, dataset_licence: Optional[dict],
                           reachable: Callable[[str], bool]) -> set[str]:
    met: set[str] = set()
    url = resource.get("url")
    uploaded = resource.get("url_type") == "upload"
    answers = bool(url) and (uploaded or reachable(url))
    file_type = file_types.find(resource.get("format"))
    if answers:
        met.add("access_url")
    if url and (uploaded or resource.get("format")):  # the profile's dcat:downloadURL
        met.add("download_url")
        if answers:
            met.add("download_url_answers")
    if file_type:
        met.add("format")
        met.update({"non_proprietary"} if file_type.non_proprietary else set())
        met.update({"machine_readable"} if file_type.machine_readable else set())
    mimetype = resource.get("mimetype") or ""
    if _MEDIA_TYPE.fullmatch(mimetype):
        met.add("media_type")
        if file_type:
            met.add("vocabularies")
    licence = licences.find_licence(resource.get("license")) or dataset_licence
    if licence:
        met.update({"licence", "licence_vocabulary", "rights"})
    if _filled(resource.get("size")):
        met.add("byte_size")
    return met


class Score(NamedTuple):
    points: int
    missing: list[tuple[str, int]]  # (criterion key, points it would bring)

    @property
    def rating(self) -> str:
        if self.points >= 351:
            return "excellent"
        if self.points >= 221:
            return "good"
        if self.points >= 121:
            return "sufficient"
        return "bad"


def score(dataset: dict, reachable: Optional[Callable[[str], bool]] = None) -> Score:
    """The dataset's MQA score and what it misses, with its best distribution's points."""
    reachable = reachable or (lambda url: False)
    dataset_licence = licences.find_licence(dataset.get("license_id"))
    met = _dataset_criteria(dataset)
    points = {c.key: c.points for c in CRITERIA}
    best: set[str] = set()
    for resource in dataset.get("resources") or []:
        found = _distribution_criteria(resource, dataset_licence, reachable)
        if sum(points[k] for k in found) > sum(points[k] for k in best):
            best = found
    met |= best
    return Score(sum(points[k] for k in met),
                 [(c.key, c.points) for c in CRITERIA if c.key not in met])
