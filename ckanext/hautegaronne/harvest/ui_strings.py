"""English strings of ckanext-harvest's pages, which ships no French translation.

Listed here (never called at run time) so that the extension's catalogue carries their French
translation: CKAN merges the catalogues of every translated plugin, so these translate
ckanext-harvest's templates (source pages, job list and job report) without overriding them.
"""
from __future__ import annotations

from ..translation import N_


HARVEST_TEMPLATE_STRINGS = (
    N_("No jobs yet for this source"), N_("Add Harvest Source"), N_("errors"), N_("added"),
    N_("updated"), N_("deleted"), N_("not modified"), N_("Details"), N_("Created"),
    N_("Started"), N_("Finished"), N_("Status"), N_("Count"), N_("Message"),
    N_("There are no datasets associated to this harvest source."),
    N_("There is no description for this harvest source"), N_("Last Harvest Job"),
    N_("View full job report"), N_("Start a new harvesting job for this harvest source now"),
    N_("Reharvest"), N_("Delete all harvest jobs and existing datasets from this source"),
    N_("Clear"), N_("View harvest source"), N_("Dashboard"), N_("Jobs"), N_("Harvest Sources"),
    N_("Edit harvest source"), N_("Create Harvest Source"), N_("Create harvest source"),
    N_("Harvest sources"), N_("This should include the http:// part of the URL"),
    N_("eg. A descriptive title"), N_("Update frequency"), N_("Configuration"),
    N_("No organization"), N_("Delete source"), N_("Delete and clear source"),
    N_("Return to the harvest sources list"), N_("Search sources..."),
    N_("Search harvest sources..."), N_("Harvest Jobs"), N_("Job: "), N_("Started:"),
    N_("Not yet"), N_("Finished:"), N_("Job Report"), N_("Back to job list"),
    N_("Error Summary"), N_("No errors for this job"),
    N_("Only the 20 most frequent errors are shown"), N_("Job Errors"), N_("Document Errors"),
    N_("Error Report"), N_("documents with errors"), N_("Remote content"), N_("Local content"),
    N_("Running"), N_("New"), N_("Source type"),
    N_("Sorry no harvest sources found"),
)
