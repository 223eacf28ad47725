"""The French of CKAN's JavaScript ("Please Confirm", "Add Filter", "Upload", "Link", ...).

CKAN's modules translate through the JSON catalogue served at ``/api/i18n/<lang>``, which
``ckan.lib.i18n.build_js_translations`` writes under ``<ckan.storage_path>/i18n/js`` from the
``.po`` catalogues of CKAN and of every ``ITranslation`` plugin (a plugin's translation wins
over CKAN's for the same msgid). Only ``ckan run`` and ``ckan translation js`` build it: a
portal served by gunicorn or uWSGI answers ``{}`` and every dialog and widget stays English.
The portal builds it when it starts (CKAN rebuilds a language's file only when a catalogue is
newer than it), under a lock since every worker of a server starts at once.

The msgids CKAN's JavaScript uses that its French catalogue leaves empty or wrong are in
``JS_STRINGS`` below, so that the extension's catalogue carries their French.
"""
from __future__ import annotations

import fcntl
import os

from ckan.lib import i18n as ckan_i18n

from ..translation import N_

# CKAN's JavaScript msgids (ckan.pot marks them as used in *.js) that its French catalogue
# leaves untranslated or translates wrongly.
JS_STRINGS = (
    # confirm-action and other dialogs
    N_("Please Confirm"), N_("Notification"), N_("Close"),
    # autocomplete
    N_("Input is too short, must be at least one character"), N_("Searching..."),
    # image and resource upload widget ("Télécharger" reads as a download)
    N_("Upload"), N_("Please select the file to upload again"),
    # resource and view ordering
    N_("Reorder resource view"),
    # data explorer (datatables view)
    N_("Print"), N_("TABLE FILTER"), N_("COLUMN FILTER/S"), N_("seconds"),
    N_("Double-click to reset filters"), N_("Table/List toggle"), N_("Copy to clipboard"),
    N_("Toggle column visibility"), N_("Restore visibility"), N_("Show all"),
    N_("Show none"), N_("Filtered"), N_("Filtered download"), N_("Share current view"),
    N_("Copied deeplink to clipboard"), N_("(estimated)"), N_("Sort"),
    N_("Reset"),
)


def build() -> None:
    """Write (or refresh) the JavaScript catalogues of every language CKAN knows."""
    directory = ckan_i18n.get_js_translations_dir()
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            ckan_i18n.build_js_translations()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
