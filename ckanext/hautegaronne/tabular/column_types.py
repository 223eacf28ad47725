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
    cell = f"translate({_cell(column)}, '{_SPACES[1:-1]}', '')"
    return (f"(CASE WHEN strpos({cell}, ',') > 0 THEN replace(replace({cell}, '.', ''), ',', '.') "
            f"ELSE {cell} END)::numeric")


def text_columns(connection, table: str) -> list[str]:
    rows = connection.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :table AND data_type = 'text' AND column_name NOT LIKE '\\_%' "
        "ORDER BY ordinal_position"), {"table": table})
    return [row[0] for row in rows]


SAMPLE_ROWS = 2000


def _checks(connection, source: str, columns: list[str]) -> dict[str, dict]:
    """For each column, over the rows of ``source``: how many cells are non-empty and
    whether all of them are integers, decimals, French dates, ISO dates, and whether one
    has a leading zero."""
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
        f"SELECT {', '.join(checks)} FROM {source}")).mappings().one()
    return {column: {key: row[f"{key}{index}"] for key in "nidfsz"}
            for index, column in enumerate(columns)}


def _type_of(check: dict) -> str | None:
    """The type a column's checks allow (None: it stays text)."""
    code = check["z"]  # a leading zero: a code, not a number (dates may have one)
    if check["i"] and not code:
        return "int8"
    if check["d"] and not code:
        return "numeric"
    if check["f"] or check["s"]:
        return "date"
    return None


def _candidates(connection, table: str) -> list[str]:
    return [c for c in text_columns(connection, table) if not IDENTIFIER_NAME.search(c)]


def guess(connection, table: str) -> dict[str, str]:
    """{column: PostgreSQL type} for the text columns that can be typed (one scan)."""
    columns = _candidates(connection, table)
    if not columns:
        return {}
    types = {}
    for column, check in _checks(connection, _quote(table), columns).items():
        if check["n"] and _type_of(check):
            types[column] = _type_of(check)
    return types


def sample_guess(connection, table: str) -> dict[str, tuple[str, str]]:
    """{column: (type, the pattern every cell must match)} from the first rows, the
    columns empty there guessed on the whole table. A column that is text in the sample is
    text in the whole table (one cell that is not a number nor a date suffices); a typed
    one is checked cell by cell by ``strict_using`` while the table is rewritten."""
    columns = _candidates(connection, table)
    if not columns:
        return {}
    sample = f"(SELECT * FROM {_quote(table)} LIMIT {SAMPLE_ROWS}) AS sample"
    checks = _checks(connection, sample, columns)
    empty = [c for c, check in checks.items() if not check["n"]]
    if empty:
        checks.update(_checks(connection, _quote(table), empty))
    patterns = {}
    for column, check in checks.items():
        type_ = _type_of(check) if check["n"] else None
        if type_ == "int8":
            patterns[column] = (type_, INTEGER)
        elif type_ == "numeric":
            patterns[column] = (type_, DECIMAL)
        elif type_ == "date":
            patterns[column] = (type_, FRENCH_DATE if check["f"] else ISO_DATE)
    return patterns


def _padded(pattern: str) -> str:
    """``pattern`` matching the raw cell, spaces around it included (as btrim drops)."""
    return pattern.replace("^", "^ *").replace("$", " *$")


def strict_using(column: str, type_: str, pattern: str) -> str:
    """The cell converted, when it matches ``pattern`` (and has no leading zero, for a
    number); otherwise an error that stops the rewrite (the column's guess from the sample
    was wrong: ``type_columns`` then guesses on every row). Written to evaluate one pattern
    and one conversion per cell (the rewrite's cost)."""
    raw = _quote(column)
    fits = f"{raw} ~ '{_padded(pattern)}'"
    spaces = _SPACES[1:-1]
    if type_ == "date":
        value = (f"to_date(btrim({raw}), 'DD/MM/YYYY')" if pattern == FRENCH_DATE
                 else f"btrim({raw})::date")
    else:
        digits = f"ltrim({raw}, ' -')"
        # LEADING_ZERO, once the pattern matched: a 0 followed by a digit
        fits += (f" AND NOT ({digits} LIKE '0%' AND substr({digits}, 2, 1) <> '' "
                 f"AND strpos('0123456789', substr({digits}, 2, 1)) > 0)")
        number = f"translate({raw}, '{spaces}', '')"
        value = (f"{number}::int8" if type_ == "int8" else
                 f"(CASE WHEN strpos({raw}, ',') > 0 THEN replace(replace({number}, '.', ''), "
                 f"',', '.') ELSE {number} END)::numeric")
    return (f"CASE WHEN {fits} THEN {value} WHEN {raw} IS NULL OR btrim({raw}) = '' THEN NULL "
            f"ELSE ('not typed: ' || {raw})::{type_} END")


def _using(column: str, type_: str) -> str:
    if type_ in ("int8", "numeric"):
        return f"{_number(column)}::{type_}"
    return (f"CASE WHEN {_cell(column)} LIKE '%/%' THEN to_date({_cell(column)}, 'DD/MM/YYYY') "
            f"ELSE {_cell(column)}::date END")


def _alter(engine, table: str, types: dict[str, str], extra: tuple[str, ...] = (),
           using: dict[str, str] | None = None) -> None:
    using = using or {}
    clauses = ", ".join([f"ALTER COLUMN {_quote(c)} TYPE {t} USING "
                         f"{using.get(c) or _using(c, t)}"
                         for c, t in types.items()] + list(extra))
    with engine.begin() as connection:
        connection.execute(sa.text(f"ALTER TABLE {_quote(table)} {clauses}"))


def type_columns(engine, table: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Convert the table's French number and date columns (one ALTER TABLE, one rewrite,
    with the ``extra`` clauses); returns what was converted. A value PostgreSQL still
    refuses (a date that does not exist, 31/02/2025) sends it column by column: that column
    stays text, the others are typed.

    The types are first guessed from the first rows and checked during the rewrite itself
    (``strict_using``: no scan of the table before it); when a later cell does not fit, the
    rewrite stops and the guess is made on every row, as before."""
    with engine.begin() as connection:
        patterns = sample_guess(connection, table)
    if not patterns and not extra:
        return {}
    try:
        _alter(engine, table, {c: t for c, (t, _p) in patterns.items()}, extra,
               using={c: strict_using(c, t, p) for c, (t, p) in patterns.items()})
        return {c: t for c, (t, _p) in patterns.items()}
    except sa.exc.DBAPIError as error:
        log.info("Typing %s from every row: %s", table, error.orig)
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
