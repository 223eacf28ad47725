"""The table (datatables_view) and map (geojson_view) previews under the portal's
Content-Security-Policy, which admits no inline script ('unsafe-inline' is off and the
hashes of security/headers.py cannot cover values that change with every view).

Core's datatables_view.html and dataviewer/base.html hand their per-view values to their
scripts through an inline <script> (``gdataDict``/``gresviewId``, ``preload_resource``).
The portal's overrides of those templates write the same values into data- attributes of
a hidden element, which the portal's script asset ``view-values.js`` turns into the same
globals before CKAN's modules start; core's inline script is left out of the page."""
from __future__ import annotations

import re

from markupsafe import Markup

__all__ = ["hautegaronne_without_view_script"]

# core datatables_view.html's one inline script (its values are JSON: no "</script>" inside)
_DATATABLES_SCRIPT = re.compile(
    r"<script type=text/javascript>\s*const gdataDict = .*?</script>", re.S)


def hautegaronne_without_view_script(rendered: str) -> Markup:
    """Core's rendered datatables page block without its inline script."""
    return Markup(_DATATABLES_SCRIPT.sub("", str(rendered), count=1))


def get_helpers() -> dict:
    return {name: globals()[name] for name in __all__}
