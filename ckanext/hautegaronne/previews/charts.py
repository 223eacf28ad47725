"""The portal's chart view of a DataStore table (``hautegaronne_chart``).

ckanext-charts is not used (see docs/data.md: it brings pandas, plotly and its own
front-end into the web process); this view draws a bar chart of one numeric column by a
label column, the table's largest values first, as SVG written by the server: no chart
library, no script (nothing for the Content-Security-Policy to refuse), and the same
figures in a table for screen readers and for copying. Read with ``datastore_search`` and
the reader's rights. Publishers add it from "Nouvelle vue" (not created by default).
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

CHART = "hautegaronne_chart"
NUMERIC = {"int", "int4", "int8", "integer", "bigint", "numeric", "float", "float8",
           "double precision", "real", "smallint"}
DEFAULT_BARS = 20
MAX_BARS = 50
WIDTH = 560  # the bars' area in SVG units (the drawing scales to its box)
BAR = 22


def chart_info() -> dict:
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    natural = tk.get_validator("natural_number_validator")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"name": CHART, "title": tk._("Bar chart"), "icon": "chart-bar",
            "iframed": False, "requires_datastore": True,
            "default_title": tk._("Chart"),
            "schema": {"label_column": [not_empty, unicode_safe],
                       "value_column": [not_empty, unicode_safe],
                       "bars": [ignore_missing, natural]}}


def can_view(data_dict: dict) -> bool:
    return bool(data_dict["resource"].get("datastore_active"))


def _fields(resource_id: str) -> list[dict]:
    try:
        info = tk.get_action("datastore_search")({}, {"resource_id": resource_id,
                                                      "limit": 0})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return []
    return [f for f in info["fields"] if not f["id"].startswith("_")]


def _bars(view: dict) -> int:
    try:
        return max(1, min(int(view.get("bars") or DEFAULT_BARS), MAX_BARS))
    except (TypeError, ValueError):
        return DEFAULT_BARS


def chart(resource_id: str, view: dict) -> Optional[dict]:
    """The chart's bars: [{label, value, width}], the columns' names and the scale; None
    when the view's columns are no longer in the table."""
    fields = {f["id"]: f for f in _fields(resource_id)}
    label, value = view.get("label_column"), view.get("value_column")
    if label not in fields or value not in fields or \
            fields[value]["type"] not in NUMERIC:
        return None
    page = tk.get_action("datastore_search")({}, {
        "resource_id": resource_id, "fields": [label, value], "limit": _bars(view),
        "sort": f'"{value}" desc'})
    rows = [r for r in page["records"] if r.get(value) is not None]
    top = max((float(r[value]) for r in rows), default=0.0)
    bars = []
    for index, record in enumerate(rows):
        number = float(record[value])
        bars.append({"label": "" if record.get(label) is None else str(record[label]),
                     "value": record[value], "y": index * (BAR + 6),
                     "width": round(WIDTH * max(number, 0) / top, 1) if top > 0 else 0})
    return {"bars": bars, "label_column": label, "value_column": value,
            "height": max(len(bars), 1) * (BAR + 6), "bar": BAR, "width": WIDTH,
            "total": page.get("total")}


def variables(data_dict: dict) -> dict[str, Any]:
    resource = data_dict["resource"]
    view = data_dict.get("resource_view") or {}
    fields = _fields(resource["id"])
    return {"chart_fields": [f["id"] for f in fields],
            "chart_numeric_fields": [f["id"] for f in fields if f["type"] in NUMERIC],
            "chart_max_bars": MAX_BARS, "chart_default_bars": DEFAULT_BARS,
            "chart": chart(resource["id"], view) if view.get("value_column") else None}


def hautegaronne_chart_number(value) -> str:
    """Template helper: a chart's figure in the reader's language (1 520,5 in French)."""
    from flask_babel import format_decimal
    try:
        return format_decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


def get_helpers() -> dict:
    return {"hautegaronne_chart_number": hautegaronne_chart_number}
