"""Loads a delimited text file (CSV, TSV) into its DataStore table with one PostgreSQL COPY.

xloader's own CSV path re-encodes the whole file to UTF-8 row by row in Python (tabulator)
before its COPY: on a 1,000,000-row file that is most of the load. Here Python only reads
the file's first bytes (header, delimiter) and checks its encoding with the C codecs; the
rows go to PostgreSQL untouched, which decodes them itself (``COPY ... ENCODING 'WIN1252'``).
CKAN's full-text trigger (a JSON conversion of every row) is off and the full-text indexes
are dropped during the COPY; ``finish`` types French numbers and dates in one table rewrite
(column_types) and turns the trigger back on; the full-text column and indexes are filled
after the table is published (full_text).

What this path does not take (``NotForFastPath``) goes back to xloader's own loaders, which
handle more shapes (header cells that are empty or repeated, blank lines, rows with trailing
empty cells from spreadsheet exports) row by row. Files that are not text at all are refused
here with a French reason.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
from collections import Counter
from typing import NamedTuple

import ckan.plugins.toolkit as tk

# Stored in the load status by the jobs worker: the portal's default language.
from ..harvest.messages import _

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
# The names PostgreSQL's COPY gives the encodings publishers' files come in.
UTF8, WIN1252, LATIN1 = "UTF8", "WIN1252", "LATIN1"
# Bytes Windows-1252 leaves undefined (PostgreSQL refuses them): such a file is ISO-8859-1.
_WIN1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
DELIMITERS = (";", ",", "\t", "|")
MAX_NAME_LENGTH = 63  # PostgreSQL's identifier length, as xloader truncates
MAX_COLUMNS = 1600  # PostgreSQL's limit of columns per table


class NotForFastPath(Exception):
    """The file is a table, but one this path leaves to xloader's row-by-row loaders."""


class RefusedFile(Exception):
    """The file cannot be loaded; the message (French) says why and what to do."""


class Layout(NamedTuple):
    encoding: str  # PostgreSQL's name
    delimiter: str
    headers: list[str]
    data_offset: int  # byte offset of the first data row


def _is_binary(sample: bytes) -> bool:
    """Text files have no NUL byte and few control characters (a spreadsheet, an image or
    an archive renamed .csv have many)."""
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 13, 12))
    return controls > len(sample) // 100


def detect_encoding(path: str) -> str:
    """UTF-8 when the whole file decodes as such (checked by chunks, at C speed), else
    Windows-1252, or ISO-8859-1 for the bytes Windows-1252 leaves undefined."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    undefined = False
    utf8 = True
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8:
                undefined = undefined or any(b in chunk for b in _WIN1252_UNDEFINED)
                if undefined:
                    break
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return UTF8
        except UnicodeDecodeError:
            pass
    return LATIN1 if undefined else WIN1252


def _python_codec(encoding: str) -> str:
    return {UTF8: "utf-8-sig", WIN1252: "cp1252", LATIN1: "latin-1"}[encoding]


def _widths(lines: list[str], delimiter: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]


def _choose_delimiter(lines: list[str], preferred: str | None) -> str:
    if preferred:
        return preferred
    # the delimiter giving the most columns on the most rows (a title row aside)
    def score(delimiter: str) -> tuple[int, int]:
        width, count = Counter(_widths(lines, delimiter)).most_common(1)[0]
        return (count if width > 1 else 0, width)
    return max(DELIMITERS, key=score)


def read_layout(path: str, delimiter: str | None = None) -> Layout:
    """The file's encoding, delimiter, header row (a spreadsheet's title rows above it are
    skipped) and where its data starts."""
    with open(path, "rb") as source:
        sample = source.read(SAMPLE_BYTES)
    if not sample.strip():
        raise RefusedFile(_("The file is empty or has no header row."))
    if _is_binary(sample):
        raise RefusedFile(_(
            "The file is not a text table (CSV or TSV): it looks like another kind of file "
            "renamed. Export it from your spreadsheet as CSV (or upload the XLSX itself)."))
    encoding = detect_encoding(path)
    bom = 3 if sample.startswith(codecs.BOM_UTF8) else 0
    # whole lines of the sample only (the last one may be cut)
    raw_lines = sample[bom:].splitlines(keepends=True)
    if len(sample) == SAMPLE_BYTES and len(raw_lines) > 1:
        raw_lines = raw_lines[:-1]
    codec = _python_codec(encoding)
    lines = [line.decode(codec, errors="replace") for line in raw_lines]
    delimiter = _choose_delimiter(lines, delimiter)
    widths = _widths(lines, delimiter)
    if not widths:
        raise RefusedFile(_("The file is empty or has no header row."))
    width = Counter(widths).most_common(1)[0][0]
    offset = bom
    for raw, line in zip(raw_lines, lines):
        offset += len(raw)
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) == width or line is lines[-1]:
            headers = [cell.strip()[:MAX_NAME_LENGTH].strip() for cell in cells]
            break
    else:
        raise RefusedFile(_("The file is empty or has no header row."))
    if len(headers) > MAX_COLUMNS:
        raise RefusedFile(_(
            "The table has more than 1,600 columns, more than the data service accepts: "
            "split it into several files."))
    if not all(headers) or len(set(headers)) != len(headers) or any(
            '"' in name or name.startswith("_") for name in headers):
        raise NotForFastPath("header cells empty, repeated or not valid column names")
    return Layout(encoding, delimiter, headers, offset)


def first_ragged_row(path: str, layout: Layout) -> int | None:
    """The number (1 for the header) of the first data row with fewer cells than the header,
    or with more and a non-empty one among them, or None (surplus empty cells, as
    spreadsheets export them, are for xloader's loader). Read only when COPY refused."""
    width = len(layout.headers)
    with open(path, "rb") as source:
        source.seek(layout.data_offset)
        text = io.TextIOWrapper(source, encoding=_python_codec(layout.encoding),
                                errors="replace", newline="")
        reader = csv.reader(text, delimiter=layout.delimiter)
        for number, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) < width or any(cell.strip() for cell in cells[width:]):
                return number
    return None


def _existing_info(resource_id: str) -> dict[str, dict]:
    """The data dictionary of the table being replaced (kept for same-named columns)."""
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return {}
    return {f["id"]: f["info"] for f in info.get("fields", []) if f.get("info")}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load(path: str, resource_id: str, logger: logging.Logger,
         delimiter: str | None = None) -> list[dict]:
    """Replace the resource's table by the file's rows (all text, typed afterwards by
    column_types). Returns the fields. A COPY error (a row with more or fewer cells than the
    header) raises ``NotForFastPath`` with PostgreSQL's message: the table is then empty."""
    import psycopg2
    from ckanext.datastore.backend.postgres import get_write_engine

    layout = read_layout(path, delimiter)
    logger.info("Loading with PostgreSQL's COPY: encoding %s, delimiter %r, %d columns",
                layout.encoding, layout.delimiter, len(layout.headers))
    info = _existing_info(resource_id)
    fields = [dict({"id": name, "type": "text"},
                   **({"info": info[name]} if name in info else {}))
              for name in layout.headers]
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"ignore_auth": True, "user": site_user}
    if info or _table_exists(resource_id):
        tk.get_action("datastore_delete")(dict(context), {"resource_id": resource_id,
                                                          "force": True})
    try:
        tk.get_action("datastore_create")(dict(context), {
            "resource_id": resource_id, "fields": fields, "records": None, "force": True})
    except tk.ValidationError as error:
        raise NotForFastPath(f"datastore_create refused the fields: {error.error_dict}")
    _set_full_text_trigger(resource_id, enabled=False)
    _drop_full_text_indexes(resource_id)
    _unlogged_without_key(resource_id)
    columns = ", ".join(_quote(name) for name in layout.headers)
    statement = (f"COPY {_quote(resource_id)} ({columns}) FROM STDIN WITH (FORMAT csv, "
                 f"DELIMITER {_literal(layout.delimiter)}, ENCODING '{layout.encoding}')")
    raw = get_write_engine().raw_connection()
    try:
        cursor = raw.cursor()
        with open(path, "rb") as source:
            source.seek(layout.data_offset)
            try:
                cursor.copy_expert(statement, io.BufferedReader(source, CHUNK_BYTES))
            except (psycopg2.DataError, psycopg2.errors.BadCopyFileFormat) as error:
                raw.rollback()
                row = first_ragged_row(path, layout)
                if row is not None:
                    raise RefusedFile(_(
                        "Row {row} does not have as many cells as the header ({columns}), "
                        "or a quote is not closed: fix the file (same number of separators "
                        "on every row) and load it again.").format(
                            row=row, columns=len(layout.headers)))
                raise NotForFastPath(f"COPY refused a row: {error}".strip())
        raw.commit()
    finally:
        raw.close()
    logger.info("...copied")
    return fields


def finish(resource_id: str, fields: list[dict], logger: logging.Logger) -> dict[str, str]:
    """Type the French numbers and dates (one rewrite of the table), then turn CKAN's
    full-text trigger back on for later writes. The full-text column and its indexes are
    the next stage's (full_text). Returns the typed columns."""
    from ckanext.datastore.backend.postgres import get_write_engine

    from . import column_types

    # the typing rewrite also writes the table to the WAL (SET LOGGED): one write of it
    typed = column_types.type_columns(get_write_engine(), resource_id, extra=("SET LOGGED",))
    _restore_key(resource_id)
    for field in fields:
        field["type"] = typed.get(field["id"], field["type"])
    _set_full_text_trigger(resource_id, enabled=True)
    logger.info("Typed columns: %s", typed or "none")
    return typed


def _unlogged_without_key(resource_id: str) -> None:
    """The empty table, UNLOGGED and without its key index while the COPY fills it: the
    rows are written to the WAL once, by the typing rewrite (``SET LOGGED``), and the key
    index is built once after it. A crash in between loses only the load under way."""
    from ckanext.datastore.backend.postgres import get_write_engine

    import sqlalchemy as sa

    table = _quote(resource_id)
    with get_write_engine().begin() as connection:
        connection.execute(sa.text(f"ALTER TABLE {table} SET UNLOGGED"))
        key = connection.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass) "
            "AND contype = 'p'"), {"table": table}).scalar()
        if key:
            connection.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(key)}"))


def _restore_key(resource_id: str) -> None:
    """CKAN's key on ``_id`` (its name as CKAN's CREATE TABLE gives it), built once."""
    from ckanext.datastore.backend.postgres import get_write_engine

    import sqlalchemy as sa

    table = _quote(resource_id)
    with get_write_engine().begin() as connection:
        connection.execute(sa.text(f"ALTER TABLE {table} SET LOGGED"))  # no-op when it is
        if not connection.execute(sa.text(
                "SELECT 1 FROM pg_constraint WHERE conrelid = CAST(:table AS regclass) "
                "AND contype = 'p'"), {"table": table}).scalar():
            connection.execute(sa.text(
                f"ALTER TABLE {table} ADD CONSTRAINT {_quote(resource_id + '_pkey')} "
                f"PRIMARY KEY (_id)"))


def _drop_full_text_indexes(resource_id: str) -> None:
    """The full-text indexes datastore_create made on the empty table go: each row copied or
    rewritten would feed them a French tsvector of every text cell. The full-text stage
    builds them again, once, on the complete column (CKAN's ``create_indexes``)."""
    from ckanext.datastore.backend.postgres import get_write_engine

    import sqlalchemy as sa

    with get_write_engine().begin() as connection:
        names = connection.execute(sa.text(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = CAST(:table AS regclass) AND NOT i.indisprimary "
            "AND pg_get_indexdef(i.indexrelid) LIKE '%to_tsvector%' "
            "OR i.indrelid = CAST(:table AS regclass) AND NOT i.indisprimary "
            "AND pg_get_indexdef(i.indexrelid) LIKE '%_full_text%'"),
            {"table": _quote(resource_id)}).scalars().all()
        for name in names:
            connection.execute(sa.text(f"DROP INDEX {_quote(name)}"))


def _set_full_text_trigger(resource_id: str, enabled: bool) -> None:
    """CKAN's trigger (named zfulltext by the DataStore) on or off."""
    from ckanext.datastore.backend.postgres import get_write_engine

    import sqlalchemy as sa

    action = "ENABLE" if enabled else "DISABLE"
    with get_write_engine().begin() as connection:
        connection.execute(sa.text(f"ALTER TABLE {_quote(resource_id)} {action} TRIGGER zfulltext"))


def _literal(text: str) -> str:
    return "E'\\t'" if text == "\t" else "'" + text.replace("'", "''") + "'"


def _table_exists(resource_id: str) -> bool:
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
        return True
    except tk.ObjectNotFound:
        return False
