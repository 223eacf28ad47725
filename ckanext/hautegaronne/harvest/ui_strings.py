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
    # the admin page's buttons, their tooltips and confirmation dialogs
    N_("There already is an unrun job for this source"), N_("Stop this Job"), N_("Stop"),
    N_("Admin"),
    N_("This will re-run the harvesting for this source. Any updates at the source will "
       "overwrite the local datasets. Sources with a large number of datasets may take a "
       "significant amount of time to finish harvesting. Please confirm you would like us to "
       "start reharvesting."),
    N_("Warning: This will remove all datasets for this source, as well as all previous job "
       "reports. Are you sure you want to continue?"),
    # the source form
    N_("This will flag the source as deleted but keep all its datasets and previous jobs. "
       "Are you sure you want to delete this harvest source?"),
    N_("Warning: Apart from deleting this source, this command will remove all its datasets, "
       "as well as all previous job reports. Are you sure you want to continue?"),
    N_("Save"),
)
