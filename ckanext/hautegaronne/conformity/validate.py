"""Validation of one tabular file against a Table Schema with frictionless, bounded, and
its report in French: where (row, column, cell), what the schema expects, how to fix it.

French files as the DataStore loading meets them: the separator (comma, semicolon, tab) is
detected; the encoding too, and a file that is not UTF-8 (the encoding the national schemas
require) is read anyway, so that its other errors are reported, and gets an encoding error;
a decimal comma is accepted where the schema's field says so (``decimalChar: ","``) and is
otherwise an error whose fix says to write a point. The rows are read as a stream: memory
does not grow with the file, and the check stops after ``max_rows`` rows or ``max_seconds``
seconds, the report saying at which row.
"""
from __future__ import annotations

import codecs
import time
from typing import Optional

from frictionless import Dialect, FrictionlessException, Resource, Schema

from ..harvest.messages import _  # reports are written by the worker: French there too

SNIFF_BYTES = 1024 * 1024
TABULAR_FORMATS = {"CSV": "csv", "TSV": "tsv", "XLS": "xls", "XLSX": "xlsx"}


def _encoding(path: str) -> str:
    """utf-8 (``utf-8-sig`` with a BOM) when the file's first megabyte decodes as such,
    else Windows-1252 (which reads ISO-8859-1 text too)."""
    with open(path, "rb") as source:
        head = source.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _delimiter(path: str, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace") as source:
        first = source.readline()
    return max((";", ",", "\t"), key=first.count) if first else ","


def _header_row(path: str, delimiter: Optional[str], fallback: str) -> tuple[int, str]:
    """The line of the header and the delimiter, as the DataStore load reads them: a
    spreadsheet's title rows above the header are skipped (a newcomer's correct file with
    a title row was reported with ten errors, its header read as data)."""
    from ..tabular import fast_copy

    try:
        layout = fast_copy.read_layout(path, delimiter)
    except (fast_copy.RefusedFile, fast_copy.NotForFastPath):
        return 1, fallback
    with open(path, "rb") as source:
        return max(1, source.read(layout.data_offset).count(b"\n")), layout.delimiter


def _type_label(field: dict) -> str:
    labels = {
        "integer": _("a whole number (e.g. 42)"),
        "number": _("a number with a point as decimal separator (e.g. 12.5)"),
        "date": _("a date written YYYY-MM-DD (e.g. 2025-12-31)"),
        "datetime": _("a date and time written YYYY-MM-DDThh:mm:ss"),
        "time": _("a time written hh:mm:ss"),
        "boolean": _("true or false"),
        "year": _("a year (e.g. 2025)"),
        "geopoint": _("a point written latitude,longitude"),
    }
    kind = field.get("type") or "string"
    if kind == "number" and field.get("decimalChar") == ",":
        return _("a number with a comma as decimal separator (e.g. 12,5)")
    if kind in ("date", "datetime", "time") and field.get("format") not in (None, "default", "any"):
        return _("a value of format {format}").format(format=field["format"])
    return labels.get(kind, _("a value of type {type}").format(type=kind))


def _constraint_label(field: dict, note: str) -> str:
    constraints = field.get("constraints") or {}
    if "required" in note:
        return _("a value (the column is required)")
    if "enum" in note:
        return _("one of: {values}").format(values=", ".join(map(str, constraints.get("enum", []))))
    if "pattern" in note:
        return _("a value matching the pattern {pattern}").format(pattern=constraints.get("pattern"))
    if "minLength" in note or "maxLength" in note:
        return _("between {low} and {high} characters").format(
            low=constraints.get("minLength", 0), high=constraints.get("maxLength", "∞"))
    if "minimum" in note or "maximum" in note:
        return _("a value between {low} and {high}").format(
            low=constraints.get("minimum", "-∞"), high=constraints.get("maximum", "∞"))
    if "unique" in note:
        return _("a value found on no other row")
    return note


def describe(error, fields: dict) -> dict:
    """One frictionless error as the report shows it."""
    kind = error.type
    column = getattr(error, "field_name", None) or getattr(error, "label", None)
    field = fields.get(column) or {}
    cell = getattr(error, "cell", None)
    entry = {"type": kind, "row": getattr(error, "row_number", None), "column": column,
             "cell": cell}
    if kind == "type-error":
        entry["expected"] = _type_label(field)
        if field.get("type") == "number" and isinstance(cell, str) and "," in cell \
                and field.get("decimalChar") != ",":
            entry["fix"] = _("Write the decimal separator as a point (12.5, not 12,5).")
        else:
            entry["fix"] = _("Correct the cell so that it holds {expected}.").format(
                expected=entry["expected"])
    elif kind in ("constraint-error", "unique-error", "primary-key"):
        entry["expected"] = _constraint_label(field, getattr(error, "note", "") or kind)
        entry["fix"] = _("Correct the cell so that it holds {expected}.").format(
            expected=entry["expected"])
    elif kind == "missing-cell":
        entry["expected"] = _("a cell for every column of the header")
        entry["fix"] = _("Add the missing cells (as many separators on every row as in the "
                         "header).")
    elif kind == "extra-cell":
        entry["expected"] = _("no more cells than the header has columns")
        entry["fix"] = _("Remove the extra cells, or quote the values that contain the "
                         "separator.")
    elif kind == "blank-row":
        entry["expected"] = _("no empty row")
        entry["fix"] = _("Delete the empty row.")
    elif kind in ("missing-label", "incorrect-label", "extra-label", "duplicate-label",
                  "blank-label"):
        entry["row"] = 1
        entry["expected"] = _("the columns of the schema, in its order: {names}").format(
            names=", ".join(fields))
        entry["fix"] = _("Name the columns of the first row exactly as the schema does.")
    else:
        entry["expected"] = ""
        entry["fix"] = _("Check the file against the schema's documentation.")
    entry["message"] = getattr(error, "message", "") or kind
    return entry


def validate_file(path: str, fmt: str, descriptor: dict, *, max_rows: int,
                  max_seconds: float, max_errors: int) -> dict:
    """The conformity report of the file at ``path`` (format CSV, TSV, XLS or XLSX)."""
    fields = {f["name"]: f for f in descriptor.get("fields", [])}
    errors: list[dict] = []
    count = 0
    rows = 0
    stopped = None

    def add(entry: dict) -> None:
        nonlocal count
        count += 1
        if len(errors) < max_errors:
            errors.append(entry)

    options: dict = {"format": TABULAR_FORMATS[fmt]}
    header_row = 1
    if fmt in ("CSV", "TSV"):
        encoding = _encoding(path)
        options["encoding"] = encoding
        delimiter = "\t" if fmt == "TSV" else _delimiter(path, encoding)
        header_row, delimiter = _header_row(path, delimiter if fmt == "TSV" else None,
                                            delimiter)
        options["dialect"] = Dialect.from_descriptor({"headerRows": [header_row],
                                                      "csv": {"delimiter": delimiter}})
        if encoding == "cp1252":
            add({"type": "encoding", "row": None, "column": None, "cell": None,
                 "expected": _("a file encoded in UTF-8"),
                 "fix": _("Save the file again choosing the UTF-8 encoding (in a "
                          "spreadsheet: \"CSV UTF-8\")."),
                 "message": _("The file is not encoded in UTF-8 (Windows-1252 or "
                              "ISO-8859-1 detected).")})
    deadline = time.monotonic() + max_seconds
    try:
        resource = Resource(path=path, schema=Schema.from_descriptor(descriptor), **options)
        with resource:
            for error in resource.header.errors:
                add(describe(error, fields))
            for row in resource.row_stream:
                if row.row_number - header_row > max_rows:  # beyond the limit: stop before it
                    stopped = {"row": row.row_number - 1, "reason": _(
                        "the check stops after {count} rows").format(count=max_rows)}
                    break
                rows = row.row_number - header_row
                if not row.valid:
                    for error in row.errors:
                        add(describe(error, fields))
                if rows % 1000 == 0 and time.monotonic() > deadline:
                    stopped = {"row": row.row_number, "reason": _(
                        "the check stops after {seconds} seconds").format(
                            seconds=int(max_seconds))}
                    break
    except FrictionlessException as failure:
        add({"type": failure.error.type, "row": rows + 2 if rows else None, "column": None,
             "cell": None, "expected": _("a table readable as {format}").format(format=fmt),
             "fix": _("Check the file's format, encoding and separator, then check again."),
             "message": failure.error.message})
    return {"status": "conforming" if count == 0 and stopped is None else
            ("unfinished" if count == 0 else "not-conforming"),
            "rows": rows, "error_count": count, "errors": errors, "stopped": stopped}
