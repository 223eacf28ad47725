"""The ``hautegaronne_dcat`` harvester: a publisher's DCAT catalogue into its organisation.

A subclass of ckanext-dcat's ``DCATRDFHarvester`` (plugin ``hautegaronne_dcat_harvester``)
that keeps its RDF parser and reads with the portal's profile ``hautegaronne_dcat_ap``
(``euro_dcat_ap_3`` extended: its ``parse_dataset`` maps incoming DCAT onto the portal's
schema), whatever profiles the site serves, and replaces the stages:

gather
    fetches each page safely (``fetch``), parses it safely (``rdf``), follows Hydra paging
    and stops when a page URL comes back; one harvest object per dataset, identified by its
    ``dct:identifier`` (else its URI). A duplicate identifier in the feed is an error of that
    object; the first occurrence is kept. When the listing was complete, datasets that
    disappeared are flagged, then withdrawn (``missing``).
fetch
    nothing to do (the content comes with the gather).
import
    the owner is always the source's organisation, whatever ``dct:publisher`` says; a dataset
    of another organisation is never taken over (object error); a dataset whose source content
    did not change is left untouched (``not modified``); validation errors leave nothing
    written.
"""
from __future__ import annotations

import json
import logging
import traceback
import uuid
from typing import Any, Iterator, Optional

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject
from rdflib.namespace import DCAT, RDF

from ..dcat.profile import HauteGaronneDCATAPProfile
from . import fetch as fetching
from . import missing, rdf
from .messages import _, ui
from ..translation import N_

log = logging.getLogger(__name__)
HARVESTER_NAME = "hautegaronne_dcat"


def _setting(key: str):
    """A harvest option; its default is declared in config_declaration.yaml."""
    return tk.config.get(f"ckanext.hautegaronne.harvest.{key}")


def _guid(dataset: dict) -> Optional[str]:
    if dataset.get("identifier"):
        return str(dataset["identifier"]).strip()
    for extra in dataset.get("extras") or []:
        if extra.get("key") == "uri" and extra.get("value"):
            return extra["value"]
    return None


def _error_summary(error: tk.ValidationError) -> str:
    summary = error.error_summary or {}
    return "; ".join(f"{key}: {value}" for key, value in summary.items()) or str(error)


def read_datasets(parser) -> Iterator[tuple[Any, Optional[dict], Optional[Exception]]]:
    """(dataset IRI, dataset dict or None, error or None) for each ``dcat:Dataset`` of a
    parsed page, read by the portal's profile (``euro_dcat_ap_3`` extended) as
    ckanext-dcat's ``parser.datasets()`` reads them, but one at a time: a dataset that
    cannot be read is an error of its own, where ``datasets()`` stops the page."""
    profile = HauteGaronneDCATAPProfile(parser.g, dataset_type=parser.dataset_type,
                                        compatibility_mode=parser.compatibility_mode)
    for ref in list(parser.g.subjects(RDF.type, DCAT.Dataset)):
        try:
            yield ref, profile.parse_dataset({}, ref), None
        except Exception as error:
            log.warning("Could not parse %s: %s", ref, traceback.format_exc())
            yield ref, None, error


class HauteGaronneDCATHarvester(DCATRDFHarvester):
    p.implements(IHarvester)

    def __new__(cls, *args, **kwargs):
        # SingletonPlugin keeps its instance in ``cls._instance``: a subclass would otherwise
        # inherit the already created instance of ``dcat_rdf_harvester``.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    def info(self) -> dict:
        return {
            "name": HARVESTER_NAME,
            "title": ui(N_("DCAT catalogue of a publisher (Haute-Garonne)")),
            "description": ui(N_("Harvests a publisher's DCAT or DCAT-AP catalogue into its "
                                 "own organisation, mapped onto the portal's schema.")),
        }

    # ------------------------------------------------------------------ gather

    def gather_stage(self, harvest_job) -> list:
        if harvest_job.gather_finished is not None:
            # A job gathered already, re-delivered by ckanext-harvest's resubmission of old
            # queue messages (a consumer that died before acknowledging, e.g. in a Redis
            # outage): gathering again would duplicate its objects (or, for a finished job,
            # turn them into errors). Nothing to do; the message is acknowledged.
            log.info("harvest job %s was gathered already; not gathered again", harvest_job.id)
            return []
        source = harvest_job.source
        source_package = model.Package.get(source.id)
        owner_org = source_package.owner_org if source_package else None
        if not owner_org:
            self._save_gather_error(_("The harvest source belongs to no organisation: "
                                      "nothing is harvested."), harvest_job)
            return []
        config = json.loads(source.config) if source.config else {}
        declared_format = config.get("rdf_format")
        max_pages = int(_setting("max_pages"))

        object_ids: list[str] = []
        guids: dict[str, str] = {}  # guid -> the first object's id
        seen_pages: set[str] = set()
        complete = True
        self._names_taken = []
        url: Optional[str] = source.url
        while url:
            if url in seen_pages:
                self._save_gather_error(_(
                    "Paging loop: the page {url} was already read; the harvest stops there."
                ).format(url=url), harvest_job)
                complete = False
                break
            if len(seen_pages) >= max_pages:
                self._save_gather_error(_(
                    "More than {count} pages: the harvest stops there.").format(count=max_pages),
                    harvest_job)
                complete = False
                break
            seen_pages.add(url)
            try:
                document = fetching.fetch(url)
                fmt = rdf.guess_format(declared_format, document.content_type, document.url,
                                       document.body)
                parser = rdf.parse(document.body, fmt, document.content_type)
            except (fetching.FetchError, rdf.RDFError) as error:
                self._save_gather_error(str(error), harvest_job)
                complete = False
                break
            for ref, dataset, error in read_datasets(parser):
                if error is not None:
                    self._save_gather_error(_("The dataset {ref} could not be read: {error}")
                                            .format(ref=ref, error=error), harvest_job)
                    complete = False
                    continue
                object_id = self._gather_object(dataset, harvest_job, owner_org, guids)
                if object_id:
                    object_ids.append(object_id)
            url = parser.next_page()

        if complete and guids:
            counts = missing.process(source.id, owner_org, guids, self._get_user_name())
            for guid, package_id, change in counts["changes"]:
                # Counted in the job's stats (``flagged``, ``withdrawn``), like ``added``;
                # not current: the dataset's current object stays the last one imported.
                HarvestObject(guid=guid, job=harvest_job, package_id=package_id,
                              state="COMPLETE", report_status=change, current=False).save()
            for name, summary in counts["errors"]:
                self._save_gather_error(_("The missing dataset {name} could not be flagged: "
                                          "{error}").format(name=name, error=summary),
                                        harvest_job)
        elif not complete and object_ids:
            self._save_gather_error(_(
                "Partial harvest: {count} dataset(s) read before the error are imported; "
                "no dataset is flagged as missing.").format(count=len(object_ids)),
                harvest_job)
        return object_ids

    def _gather_object(self, dataset: dict, harvest_job, owner_org: str,
                       guids: dict) -> Optional[str]:
        guid = _guid(dataset)
        title = dataset.get("title") or ""
        if not guid:
            self._save_gather_error(_("The dataset \"{title}\" has no identifier "
                                      "(dct:identifier or URI): ignored.").format(title=title),
                                    harvest_job)
            return None
        dataset["owner_org"] = owner_org
        dataset["extras"] = [e for e in dataset.get("extras") or [] if e.get("key") != "guid"]
        dataset["extras"].append({"key": "guid", "value": guid})
        dataset["extras"].sort(key=lambda e: e["key"])
        if guid in guids:
            duplicate = HarvestObject(guid=guid, job=harvest_job, content=None,
                                      state="ERROR", report_status="errored")
            duplicate.save()
            self._save_object_error(_(
                "Duplicate identifier \"{guid}\" in the source (dataset \"{title}\"): only its "
                "first occurrence is harvested.").format(guid=guid, title=title),
                duplicate, "Import")
            return None
        obj = HarvestObject(guid=guid, job=harvest_job,
                            content=json.dumps(dataset, sort_keys=True, ensure_ascii=False))
        obj.save()
        guids[guid] = obj.id
        return obj.id

    # ------------------------------------------------------------------ fetch

    def fetch_stage(self, harvest_object) -> bool:
        return True

    # ------------------------------------------------------------------ import

    def import_stage(self, harvest_object):
        try:
            return self._import(harvest_object)
        except Exception as error:
            model.Session.rollback()
            log.error("Import of %s failed: %s", harvest_object.guid, traceback.format_exc())
            self._save_object_error(_("Unexpected error while importing \"{guid}\": {error}")
                                    .format(guid=harvest_object.guid, error=error),
                                    harvest_object, "Import")
            return False

    def _fail(self, harvest_object, message: str) -> bool:
        model.Session.rollback()
        self._save_object_error(message, harvest_object, "Import")
        return False

    def _import(self, harvest_object):
        if not harvest_object.content:
            return self._fail(harvest_object, _("Empty content for \"{guid}\".")
                              .format(guid=harvest_object.guid))
        dataset = json.loads(harvest_object.content)
        source_package = model.Package.get(harvest_object.harvest_source_id)
        owner_org = source_package.owner_org if source_package else None
        if not owner_org:
            return self._fail(harvest_object, _("The harvest source belongs to no organisation."))
        dataset["owner_org"] = owner_org
        title = dataset.get("title") or harvest_object.guid
        if "licence_error" in dataset:
            unknown = dataset.pop("licence_error")
            if unknown:
                message = _("\"{title}\": licence not offered by the portal ({licence}); the "
                            "portal publishes under the Licence Ouverte 2.0 or the ODbL.")
            else:
                message = _("\"{title}\": the source states no licence (dct:license); the "
                            "portal cannot choose one for the publisher.")
            return self._fail(harvest_object, message.format(title=title, licence=unknown))

        previous = (model.Session.query(HarvestObject)
                    .filter(HarvestObject.guid == harvest_object.guid)
                    .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
                    .filter(HarvestObject.current == True)  # noqa: E712
                    .filter(HarvestObject.id != harvest_object.id)
                    .first())
        existing = None
        if previous is not None and previous.package_id:
            package = model.Package.get(previous.package_id)
            if package is not None and package.state != "deleted":
                existing = package
        if existing is None:
            existing = self._package_with_guid(harvest_object.guid)
        if existing is not None and existing.owner_org != owner_org:
            owner = model.Group.get(existing.owner_org) if existing.owner_org else None
            return self._fail(harvest_object, _(
                "\"{title}\": the dataset {name} (identifier \"{guid}\") belongs to another "
                "organisation ({owner}); it is not taken over.").format(
                    title=title, name=existing.name, guid=harvest_object.guid,
                    owner=owner.title if owner else "-"))

        context = {"user": self._get_user_name(), "ignore_auth": True}
        if existing is not None:
            current = tk.get_action("package_show")(dict(context), {"id": existing.id})
            extras = {e["key"]: e["value"] for e in current.get("extras") or []}
            flagged = missing.MISSING_SINCE in extras or missing.WITHDRAWN_ON in extras
            if (previous is not None and previous.content == harvest_object.content
                    and not flagged and existing.state == "active"):
                self._make_current(harvest_object, previous, existing.id)
                model.Session.commit()
                return "unchanged"
            dataset["id"] = existing.id
            dataset["name"] = existing.name
            dataset["private"] = False if missing.WITHDRAWN_ON in extras else current["private"]
            by_key = {}
            for resource in current.get("resources") or []:
                by_key.setdefault(resource.get("uri") or resource.get("url"), resource["id"])
            for resource in dataset.get("resources") or []:
                key = resource.get("uri") or resource.get("url")
                if key in by_key:
                    resource["id"] = by_key.pop(key)
            self._make_current(harvest_object, previous, existing.id)
            try:
                tk.get_action("package_update")(dict(context), dataset)
            except tk.ValidationError as error:
                return self._fail(harvest_object, _("\"{title}\" was not updated: {errors}")
                                  .format(title=title, errors=_error_summary(error)))
            model.Session.commit()
            log.info("Updated dataset %s", dataset["name"])
            return True

        dataset["id"] = str(uuid.uuid4())
        dataset["name"] = self._gen_new_name(title)
        self._make_current(harvest_object, previous, dataset["id"])
        # The dataset is indexed with its harvest object (ckanext-harvest's after_show):
        # the foreign key is checked at commit time.
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        model.Session.flush()
        schema_context = dict(context)
        try:
            from ckan.lib.plugins import lookup_package_plugin
            schema = lookup_package_plugin("dataset").create_package_schema()
            schema["id"] = [tk.get_validator("unicode_safe")]
            schema_context["schema"] = schema
            tk.get_action("package_create")(schema_context, dataset)
        except tk.ValidationError as error:
            return self._fail(harvest_object, _("\"{title}\" was not created: {errors}")
                              .format(title=title, errors=_error_summary(error)))
        model.Session.commit()
        log.info("Created dataset %s", dataset["name"])
        return True

    @staticmethod
    def _make_current(harvest_object, previous, package_id: str) -> None:
        if previous is not None:
            previous.current = False
            previous.add()
        harvest_object.current = True
        harvest_object.package_id = package_id
        harvest_object.add()

    @staticmethod
    def _package_with_guid(guid: str):
        """A non-deleted dataset carrying this guid (harvested by any source), if any."""
        rows = (model.Session.query(model.Package)
                .filter(model.Package.extras["guid"].astext == guid)
                .filter(model.Package.state != "deleted")
                .all())
        return rows[0] if rows else None
