"""Types French numbers and dates of a freshly loaded table, inside PostgreSQL.

xloader's fast path (a COPY) loads every column as text. Once it has loaded a table, each
text column whose every non-empty cell is a French number ("1 520", "12,5", "-3,75",
"1.234,5") or a French date ("31/12/2025") is converted in place with one ALTER TABLE
(one rewrite of the table, by PostgreSQL, no row passing through Python). A column is
left as text if a single cell does not fit, if a value has a leading zero (codes), or if its
name says it holds identifiers (code INSEE, SIREN, postal code...): nothing is lost.
"""
from __future__ import annotations

import logging
import re

import sqlalchemy as sa

log = logging.getLogger(__name__)

_SPACES = "[ \u00a0\u202f]"
# integers, with French thousands separators (spaces, no-break spaces) or none
INTEGER = rf"^-?[0-9]{{1,3}}({_SPACES}?[0-9]{{3}})*$"
# decimals with a comma (French) and optional thousands separators (spaces or dots),
# or with a dot and no thousands separator
DECIMAL = (rf"^-?[0-9]{{1,3}}(({_SPACES}|\.)?[0-9]{{3}})*(,[0-9]+)?$"
           r"|^-?[0-9]+(\.[0-9]+)?$")
FRENCH_DATE = r"^[0-3]?[0-9]/[01]?[0-9]/[0-9]{4}$"
# ISO dates, also as midnight timestamps (Excel dates read by xloader's tabulator path)
ISO_DATE = r"^[0-9]{4}-[01][0-9]-[0-3][0-9]([ T]00:00:00)?$"
LEADING_ZERO = r"^-?0[0-9]"
IDENTIFIER_NAME = re.compile(
    r"\b(code|insee|siren|siret|postal|cp|id|identifiant|num[ée]ro|n°|t[ée]l[ée]phone)\b",
    re.IGNORECASE)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cell(column: str) -> str:
    return f"NULLIF(btrim({_quote(column)}), '')"


def _number(column: str) -> str:
    """The cell as numeric: spaces dropped; with a comma, dots are thousands separators."""
    cell = f"regexp_replace({_cell(column)}, '{_SPACES}', '', 'g')"
    return (f"(CASE WHEN {cell} LIKE '%,%' THEN replace(replace({cell}, '.', ''), ',', '.') "
            f"ELSE {cell} END)::numeric")


def text_columns(connection, table: str) -> list[str]:
    rows = connection.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :table AND data_type = 'text' AND column_name NOT LIKE '\\_%' "
        "ORDER BY ordinal_position"), {"table": table})
    return [row[0] for row in rows]


def guess(connection, table: str) -> dict[str, str]:
    """{column: PostgreSQL type} for the text columns that can be typed (one scan)."""
    columns = [c for c in text_columns(connection, table) if not IDENTIFIER_NAME.search(c)]
    if not columns:
        return {}
    checks = []
    for index, column in enumerate(columns):
        cell = _cell(column)
        checks += [f"count({cell}) AS n{index}",
                   f"bool_and({cell} ~ '{INTEGER}') AS i{index}",
                   f"bool_and({cell} ~ '{DECIMAL}') AS d{index}",
                   f"bool_and({cell} ~ '{FRENCH_DATE}') AS f{index}",
                   f"bool_and({cell} ~ '{ISO_DATE}') AS s{index}",
                   f"bool_or({cell} ~ '{LEADING_ZERO}') AS z{index}"]
    row = connection.execute(sa.text(
        f"SELECT {', '.join(checks)} FROM {_quote(table)}")).mappings().one()
    types = {}
    for index, column in enumerate(columns):
        if not row[f"n{index}"]:
            continue
        code = row[f"z{index}"]  # a leading zero: a code, not a number (dates may have one)
        if row[f"i{index}"] and not code:
            types[column] = "int8"
        elif row[f"d{index}"] and not code:
            types[column] = "numeric"
        elif row[f"f{index}"] or row[f"s{index}"]:
            types[column] = "date"
    return types


def _using(column: str, type_: str) -> str:
    if type_ in ("int8", "numeric"):
        return f"{_number(column)}::{type_}"
    return (f"CASE WHEN {_cell(column)} LIKE '%/%' THEN to_date({_cell(column)}, 'DD/MM/YYYY') "
            f"ELSE {_cell(column)}::date END")


def full_text_clause(columns: list[str]) -> str:
    """The ALTER TABLE clause filling CKAN's full-text column from the row's cells as CKAN's
    trigger does (the database's default text search configuration, French here): in the
    same rewrite as the typing, USING reading the cells as loaded."""
    cells = " || ' ' || ".join(f"coalesce({_quote(c)}, '')" for c in columns) or "''"
    return f"ALTER COLUMN _full_text TYPE tsvector USING to_tsvector({cells})"


def _alter(engine, table: str, types: dict[str, str], extra: tuple[str, ...] = ()) -> None:
    clauses = ", ".join([f"ALTER COLUMN {_quote(c)} TYPE {t} USING {_using(c, t)}"
                         for c, t in types.items()] + list(extra))
    with engine.begin() as connection:
        connection.execute(sa.text(f"ALTER TABLE {_quote(table)} {clauses}"))


def type_columns(engine, table: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Convert the table's French number and date columns (one ALTER TABLE, one rewrite,
    with the ``extra`` clauses); returns what was converted. A value PostgreSQL still
    refuses (a date that does not exist, 31/02/2025) sends it column by column: that column
    stays text, the others are typed."""
    with engine.begin() as connection:
        types = guess(connection, table)
    if not types and not extra:
        return {}
    try:
        _alter(engine, table, types, extra)
        return types
    except sa.exc.DBAPIError as error:
        log.info("Typing %s column by column: %s", table, error.orig)
    if extra:
        _alter(engine, table, {}, extra)
    converted = {}
    for column, type_ in types.items():
        try:
            _alter(engine, table, {column: type_})
            converted[column] = type_
        except sa.exc.DBAPIError as error:
            log.info("Column %s of %s stays text: %s", column, table, error.orig)
    return converted


# Set in the context of the load report by the portal's own load, which typed the table.
TYPED = "hautegaronne_columns_typed"


def after_load(context: dict, resource_id: str) -> None:
    """xloader's after_upload hook: type the resource's table. It runs in the request by
    which the worker reports the table viewable, while the worker waits (before it builds
    the column indexes); a failure leaves the table as loaded, all text."""
    from ckanext.datastore.backend.postgres import get_write_engine

    if context.get(TYPED):
        return

    try:
        converted = type_columns(get_write_engine(), resource_id)
        if converted:
            log.info("Typed columns of %s: %s", resource_id, converted)
    except sa.exc.SQLAlchemyError:
        log.exception("Typing the columns of %s failed; they stay text", resource_id)
