"""Is a file exactly a Next Round database? Its schema against the migrations, its rows against
the rules every way in applies (decision 16). Restore, `check` and the data page share these.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from nextround import clock
from nextround.store.schema import DERIVED_COLUMNS, MIGRATIONS, SCHEMA_VERSION, tables_at
from nextround.store.schema_words import column_difference, other_rules, unknown_entry

# --- is it exactly our schema? ------------------------------------------------------------
# A file that carries our marks (application_id, user_version) is still only trusted when its
# tables, columns, indexes, triggers and views are exactly what the frozen migration steps make
# for that version: a missing table breaks every page, and an added trigger or view runs on
# our writes. The reference is built by running those steps on an empty in-memory database,
# so a genuine file of any version matches it whatever path it took (decision 15).

_SQLITE_OWN = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")
_SQL_TOKEN = re.compile(r"""--[^\n]*|/\*.*?(?:\*/|$)|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`"""
                        r"|\[[^\]]*\]|\w+|<=|>=|<>|!=|==|\|\||\S", re.DOTALL)
_KINDS = ("table", "index", "trigger", "view")


def _sql_tokens(sql: str | None) -> tuple[str, ...]:
    """SQL as tokens, so spacing, comments, keyword case and identifier quoting don't count;
    string literals (defaults, CHECK values) are kept exactly."""
    tokens = []
    for token in _SQL_TOKEN.findall(sql or ""):
        if token.startswith(("--", "/*")):
            continue
        if token[0] in "\"`[":
            token = token[1:-1]
        tokens.append(token if token.startswith("'") else token.lower())
    return tuple(tokens)


Query = Callable[[str], list[tuple[Any, ...]]]
Select = Callable[[str], tuple[Sequence[str], Iterable[Sequence[Any]]]]
# The row check restore and `check` run: given `rows(table)` (a table's rows in id order,
# without derived columns) and today, every problem in plain words.
RowCheck = Callable[[Callable[[str], Iterator[Mapping[str, Any]]], date], list[str]]


def _schema_of(query: Query) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, name) → its name as stored and its SQL as tokens."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, name, sql in query("SELECT type, name, sql FROM sqlite_master"):
        lowered = str(name).lower()
        if lowered in _SQLITE_OWN or lowered.startswith("sqlite_autoindex_"):
            continue  # SQLite's own; autoindexes follow from the table's UNIQUE columns
        found[(str(kind), lowered)] = {"name": name, "sql": _sql_tokens(sql)}
    return found


def _columns(query: Query, table: str) -> dict[str, tuple[Any, ...]] | None:
    """A table's columns (type, NOT NULL, default, key, hidden), or None when SQLite can't
    list them (a virtual table whose module isn't here)."""
    quoted = '"' + table.replace('"', '""') + '"'
    try:
        return {str(r[1]).lower(): tuple(r[2:]) for r in query(f"PRAGMA table_xinfo({quoted})")}
    except Exception:  # noqa: BLE001 - sqlite3's or SQLAlchemy's error: the text differs anyway
        return None


@functools.cache
def _reference_schema(version: int) -> dict[tuple[str, str], dict[str, Any]]:
    """What the frozen migration steps make for `version`, read back from SQLite itself."""
    con = sqlite3.connect(":memory:")
    try:
        for step in MIGRATIONS[:version]:
            for statement in step:
                con.execute(statement)
        found = _schema_of(lambda sql: con.execute(sql).fetchall())
        for (kind, _), entry in found.items():
            if kind == "table":
                entry["columns"] = _columns(lambda sql: con.execute(sql).fetchall(),
                                            entry["name"])
        return found
    finally:
        con.close()


def schema_problems(query: Query, version: int) -> list[str]:
    """How the schema differs from Next Round's own at `version`, in plain words. Empty when
    it is exactly ours: nothing missing, nothing added, nothing changed."""
    if not 1 <= version <= SCHEMA_VERSION:
        return [f"its schema version ({version}) is not one Next Round makes"]
    expected, actual = _reference_schema(version), _schema_of(query)
    problems = []
    for (kind, name), want in expected.items():
        have = actual.get((kind, name))
        if have is None:
            problems.append(f"the {kind} {want['name']} is missing")
        elif have["sql"] != want["sql"]:
            columns = _columns(query, have["name"]) if kind == "table" else None
            problems.append(_difference(kind, want, columns))
    for (kind, name), have in actual.items():
        if (kind, name) not in expected:
            shown = kind if kind in _KINDS else f"schema entry ({kind})"
            problems.append(unknown_entry(shown, have["name"]))
    return problems


def _difference(kind: str, want: dict[str, Any],
                columns: dict[str, tuple[Any, ...]] | None) -> str:
    """The first way one table (or index, trigger) differs from ours, as precisely as known."""
    name = want["name"]
    if kind == "table" and columns is not None:
        return column_difference(name, want["columns"], columns) or other_rules(name)
    return f"the {kind} {name} is defined differently from Next Round's"


def database_problems(query: Query, version: int) -> list[str]:
    """Everything `check` reports and restore refuses: a schema that isn't exactly ours, what
    SQLite's integrity check finds, links between tables that point nowhere, and a missing
    (or doubled) settings row or change counter, which every page reads. One function, so the
    command line, the Your data page and restore always agree."""
    problems = schema_problems(query, version)
    rows = [str(r[0]) for r in query("PRAGMA integrity_check")]
    if rows != ["ok"]:
        problems += [f"the integrity check found: {row}" for row in rows]
    if problems:
        return problems  # the checks below rely on our tables being there and sound
    problems += [f"broken link in {r[0]} row {r[1]} to {r[2]}"
                 for r in query("PRAGMA foreign_key_check")]
    singletons = ["settings"] + (["change_counter"] if version >= 2 else [])
    for table in singletons:
        n = int(query(f"SELECT count(*) FROM {table} WHERE id = 1")[0][0])
        others = int(query(f"SELECT count(*) FROM {table} WHERE id IS NOT 1")[0][0])
        if n != 1 or others:
            problems.append(f"the table {table} must hold exactly one row (id 1); it holds "
                            f"{n + others}")
    if version >= 2 and int(query("SELECT count(*) FROM change_counter "
                                  "WHERE typeof(n) <> 'integer'")[0][0]):
        problems.append("the table change_counter must hold a whole number")
    return problems


def _sqlite_select(con: sqlite3.Connection) -> Select:
    """`Select` over a plain sqlite3 connection."""

    def select(sql: str) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor
    return select


def _value_problems(select: Select, check_rows: RowCheck, version: int) -> list[str]:
    """The rows of a file whose schema is ours, against the rules a full import applies:
    one set of rules for every way data comes in. `select(sql)` gives the column names and
    the rows; `check_rows` is those rules (`transfer.stored_value_problems`), passed in by
    the caller because they are the domain's, and the store imports no domain module."""

    present = tables_at(version)

    def rows(table: str) -> Iterator[dict[str, Any]]:
        if table not in present:  # a newer table, not in this older file yet
            return
        names, cursor = select(f"SELECT * FROM {table} ORDER BY id")
        derived = DERIVED_COLUMNS.get(table, ())
        for values in cursor:
            yield {k: v for k, v in zip(names, values, strict=True) if k not in derived}

    return check_rows(rows, clock.today())
