"""CKAN's strings on the pages a publisher reaches that its French catalogue leaves in
English or gets wrong (a malformed ``</ i>``, "peut-être" for "peut être", "Télécharger"
for an upload, which reads as a download). Listed here, never called, so that extraction
keeps them in the extension's catalogue, whose translations CKAN merges over its own.
"""
from __future__ import annotations

from ..translation import N_


def ngettext(singular: str, plural: str, n: int = 1) -> str:
    return singular if n == 1 else plural


PUBLISHER_PAGE_STRINGS = (
    # dataset and resource forms
    N_("Publish"), N_("Edit resource"), N_("Add New Resource"),
    N_("A resource can be any file or link to a file containing useful data."),
    N_("Upload a file on your computer"), N_("Edit"),
    N_("The <i>data license</i> you select above only applies to the contents of any "
       "resource files that you add to this dataset. By submitting this form, you agree to "
       "release the <i>metadata</i> values that you enter into the form under the "
       "<a href=\"http://opendatacommons.org/licenses/odbl/1-0/\">Open Database License</a>."),
    # search results, publisher pages, dashboard, activity
    N_("Navigate to dataset: {title}"), N_("Search followee"),
    N_("Activity occurred on: {time}"), N_("{actor} created the {dataset_type} {dataset}"),
    N_("{actor} updated the {dataset_type} {dataset}"),
    N_("{actor} deleted the {dataset_type} {dataset}"), N_("View this version"),
    N_("All activity types"), N_("Activity Stream"), N_("Edit metadata"),
    N_("A CKAN Dataset is a collection of data resources (such as files), "
       "together with a description and other information, at a fixed URL. "
       "Datasets are what users see when searching for data."),
    N_("Not seeing the views you were expecting?"), N_("Unauthorized to read package"),
    # accessible names and the data explorer's view form, untranslated in CKAN's catalogue
    N_("Edit role"), N_("Delete member"), N_("Open details page for dataset - {title}"),
    N_("Close modal"), N_("Show All"), N_("Hide All"),
    N_("Length at which data will be truncated with an ellipsis for display. Set to zero for "
       "no truncation, and for data to be wrapped at column name width instead."),
    N_('Moment.js date format to use for displaying dates (see <a '
       'href="https://devhints.io/moment#formatting-1" target="_blank">Moment.js '
       'cheatsheet</a>). If <b>NONE</b>, the raw timestamp value will be shown.'),
    # members ("1 membre : 1 membres" in CKAN's catalogue; "Admin:", "Editeur:" in the roles)
    N_("<p><strong>Admin:</strong> Can add/edit and delete datasets, as well as manage "
       "organization members.</p> <p><strong>Editor:</strong> Can add and edit datasets, "
       "but not manage organization members.</p> <p><strong>Member:</strong> Can view the "
       "organization's private datasets, but not add new datasets.</p>"),
    ngettext("{count} member", "{count} members"),
)
