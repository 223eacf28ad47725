"""English strings of CKAN's own templates that its French catalogue leaves untranslated.

Listed here (never called at run time) so that extraction keeps them in the extension's
catalogue with their French translation: CKAN merges the catalogues of the translated
plugins over its own, so these translate core's pages (page frame, search, dataset, resource,
login, error and activity pages) without overriding the templates.

The publisher types' own wording comes from the chained ``humanize_entity_type`` helper
(theme/helpers.py); the "... found" sentences below are the ones CKAN builds from an
organisation or dataset type's code (snippets/search_result_text.html).
"""
from __future__ import annotations

from ..translation import N_


def ngettext(singular: str, plural: str, n: int = 1) -> str:
    return singular if n == 1 else plural


CORE_TEMPLATE_STRINGS = (
    # page frame
    N_("Skip to main content"), N_("Go"), N_("Submit"), N_("Toggle navigation"),
    N_("Breadcrumb"), N_("Account"), N_("Profile settings"), N_("close"), N_("Social"),
    # search and facets
    N_("Licenses"), N_("Filter by: {title}"),
    N_("Search datasets with the tag: {name}"), N_("Search datasets with the tag: {tag}"),
    N_("Remove applied filter: {value}"), N_("Open details page for {name}"),
    # dataset and resource pages
    N_("There is no description for this {object_type}."),
    N_("There are no {object_type}s associated with this dataset."),
    N_("There are currently no {object_type}s for this site."),
    N_("There are currently no groups for this site."),
    N_("There are no groups associated with this dataset."),
    N_("URL:"), N_("Resource URL: {url}"), N_("State"), N_("Description"),
    N_("Navigate to resource: {name}"), N_("Navigate to resource: {name_or_id}"),
    N_("Manage resource: {name}"), N_("Current resource: {name}"), N_("Unpublish"),
    N_("This information is visible to you and admins"),
    N_("These fields have been removed."),
    N_("These fields have been removed, click update below to save your changes."),
    N_('You can use <a href="#markdown" title="Markdown quick reference" '
       'data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" data-bs-html="true">'
       'Markdown formatting</a> here'),
    ngettext("{num} Member", "{num} Members"),
    # activity stream
    N_("All activity types"), N_("New Resource View"), N_("Changed Resource View"),
    N_("Deleted Resource View"), N_("No activity found."), N_("Follow Dataset"),
    N_("New Package"), N_("Activities"),
    # login, account, errors
    N_("Username or Email"), N_("Username"), N_("Request Reset"), N_("API Tokens"),
    N_("You might need to login to access this page."), N_("Click here to login"),
    N_("Dataset not found or you have no permission to view it"),
    # sysadmin pages
    N_("Configuration"), N_("Current Sysadmins"), N_("Promote"),
    N_("Promote user to Sysadmin"), N_("Revoke Sysadmin permission"),
    N_("As a sysadmin user you have full control over this CKAN instance. Proceed with care!"),
)

# ckanext-harvest's source list: its facet titles are not wrapped in _() by ckanext-harvest
# (the theme's facet_list translates the title), and its "... found" sentences are built
# from the dataset type "harvest".
HARVEST_LIST_STRINGS = (
    N_("Frequency"), N_("Type"), N_("Harvest"),
    N_("No harvests found"), N_('No harvests found for "{query}"'),
    ngettext("{number} harvest found", "{number} harvests found"),
    ngettext('{number} harvest found for "{query}"', '{number} harvests found for "{query}"'),
)

SEARCH_RESULT_STRINGS = (
    N_("No departements found"), N_('No departements found for "{query}"'),
    ngettext("{number} departement found", "{number} departements found"),
    ngettext('{number} departement found for "{query}"',
             '{number} departements found for "{query}"'),
    N_("No etablissements found"), N_('No etablissements found for "{query}"'),
    ngettext("{number} etablissement found", "{number} etablissements found"),
    ngettext('{number} etablissement found for "{query}"',
             '{number} etablissements found for "{query}"'),
    N_("No epcis found"), N_('No epcis found for "{query}"'),
    ngettext("{number} epci found", "{number} epcis found"),
    ngettext('{number} epci found for "{query}"', '{number} epcis found for "{query}"'),
    N_("No communes found"), N_('No communes found for "{query}"'),
    ngettext("{number} commune found", "{number} communes found"),
    ngettext('{number} commune found for "{query}"', '{number} communes found for "{query}"'),
    N_("No syndicats found"), N_('No syndicats found for "{query}"'),
    ngettext("{number} syndicat found", "{number} syndicats found"),
    ngettext('{number} syndicat found for "{query}"', '{number} syndicats found for "{query}"'),
)
