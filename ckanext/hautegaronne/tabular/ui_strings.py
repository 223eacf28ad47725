"""English strings of ckanext-xloader's pages, which ships no French translation.

Listed here (never called at run time) so that the extension's catalogue carries their
French translation: CKAN merges the catalogues of every translated plugin (see
harvest/ui_strings.py for the same with ckanext-harvest).
"""
from __future__ import annotations

from ..translation import N_

XLOADER_TEMPLATE_STRINGS = (
    N_("Upload to DataStore"), N_("Delete from DataStore"),
    N_("Are you sure you want to delete the DataStore and Data Dictionary?"),
    N_("Upload error:"), N_("Error:"), N_("Error traceback:"), N_("Status"),
    N_("Last updated"), N_("Never"), N_("Upload Log"), N_("End of log"), N_("DataStore"),
    N_("Data available in DataStore"), N_("Data awaiting load to DataStore"),
    N_("Data loaded into DataStore"), N_("DataStore status unknown"),
    N_("Failed to load data into DataStore"), N_("Loading data into DataStore"),
    N_("Resource not active in DataStore"), N_("Not Uploaded Yet"), N_("Pending"),
    N_("Running"), N_("Submitting"), N_("Complete"), N_("Active"), N_("Inactive"),
    N_("Unknown"), N_("Last Updated Not Available"),
    N_("Strip Extra Leading and Trailing White Space"), N_("Confirm Delete"),
)

# CKAN's DataStore pages (the Data API box, the data dictionary) whose French translation
# CKAN 2.12's catalogue lacks.
DATASTORE_TEMPLATE_STRINGS = (
    N_("Edit Data Dictionary"),
    N_("Access resource data via a web API with powerful query support."),
    N_("Code examples:"),
    N_('Get 5 results containing "jones" in any field:'),
    N_('Get results with either "watershed" or "survey" as subject and "active" as its stage:'),
    N_("ID"),
)
