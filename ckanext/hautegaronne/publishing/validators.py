"""The dataset form's first two fields as an agent sees them.

The address (``name``) sits under the title as a preview filled from it; an agent who
submits the empty form must read that the title is missing, not that an address they never
saw is. An address left empty is therefore made from the title (as the form's preview
does) when a dataset is created, and a dataset with neither reports the title alone. API clients keep CKAN's rule
that a title left empty takes the address.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from .. import text, validation


def _blank(value) -> bool:
    return validation.is_empty(value.strip() if isinstance(value, str) else value)


def hautegaronne_dataset_title(key, data, errors, context) -> None:
    if not _blank(data.get(key)):
        return
    name = data.get(("name",))
    if not _blank(name) and isinstance(name, str):
        data[key] = name
        return
    errors[key].append(tk._("Missing value"))
    raise tk.StopOnError


def hautegaronne_dataset_name(key, data, errors, context) -> None:
    if not _blank(data.get(key)):
        return
    title = data.get(("title",))
    if _blank(title) or not isinstance(title, str):
        # the title's own error says what is missing
        raise tk.StopOnError
    if context.get("package") is not None:
        # an update without its address is refused as CKAN does: never a silent rename
        errors[key].append(tk._("Missing value"))
        raise tk.StopOnError
    data[key] = text.slug(title)


def get_validators() -> dict:
    return {
        "hautegaronne_dataset_title": hautegaronne_dataset_title,
        "hautegaronne_dataset_name": hautegaronne_dataset_name,
    }
