"""PostgreSQL: everything Next Round does that only PostgreSQL does, in one place
(docs/decisions.md, "how dialects are kept apart").

The same names as `dialects/sqlite.py`, each doing what its SQLite twin means:
- the engine: pooled psycopg 3 connections; a write takes one transaction-scoped advisory lock
  first (SQLite's `BEGIN IMMEDIATE`: writers queue, readers never wait), a read is one
  REPEATABLE READ snapshot (SQLite's read transaction: several reads that agree);
- the frozen migration steps, step for step the same as SQLite's in meaning (the `_pg_schema`
  module beside this one) and the schema version mark (a one-row table, `nextround_schema`);
- the schema as PostgreSQL's catalogs describe it, and how it differs from what the frozen
  steps build, for restore, `check` and the data page;
- what a table's columns demand (for the import's checks), bulk loading (COPY) and fresh
  statistics after it (the planner's stand-in for SQLite's index hints);
- the SQL forms that differ between engines: insert-or-ignore, index hints, deferred foreign
  keys and the foreign-key check, conditional counts, the later of two dates, the start of a
  month or week, the strings of a JSON array, trimming.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine as _sqlalchemy_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from nextround.store.dialects._pg_schema import MIGRATIONS, VERSION_TABLE
from nextround.store.errors import ForeignDatabaseError, NewerDatabaseError, StoreError
from nextround.store.schema_words import column_difference, other_rules, unknown_entry

NAME = "postgresql"
SCHEMA_VERSION = len(MIGRATIONS)  # the newest version this version writes
LOCK_TIMEOUT_MS = 10_000  # SQLite's busy timeout: how long a write waits for another
# The key of the one advisory lock every write holds ("NXRN", as SQLite's application_id).
# Advisory locks belong to one database, so two Next Round databases never wait for each other.
WRITE_LOCK = 0x4E58524E

__all__ = ["LOCK_TIMEOUT_MS", "MIGRATIONS", "NAME", "SCHEMA_VERSION", "WRITE_LOCK",
           "broken_links", "bulk_insert", "columns", "contains", "count_if",
           "create_engine", "database_problems", "defer_foreign_keys", "has_table",
           "indexed_by", "inspect", "insert_or_ignore",
           "integrity_problems", "json_texts", "later_of", "migrate", "period_start",
           "read_version", "refresh_statistics", "schema_entries", "schema_problems",
           "trim_space"]


# --- the engine ------------------------------------------------------------------------------

def create_engine(url: str) -> Engine:
    """A pooled engine for a `postgresql+psycopg://` URL.

    Every transaction begins as its `nextround_begin` execution option says, as on SQLite:
    `IMMEDIATE` (the default, a write) takes the database's write lock, so writers run one at
    a time: each write's reads-then-writes (a request token seen, a table found empty) hold
    as they do on SQLite, without serialization failures to retry. `DEFERRED` (a read) is one
    REPEATABLE READ snapshot, so the several counts of one page agree with each other. A lock
    held longer than `LOCK_TIMEOUT_MS` fails the write, as SQLite's busy timeout does."""
    engine = _sqlalchemy_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True,
                                connect_args={"connect_timeout": 10})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record) -> None:  # noqa: ANN001
        dbapi_con.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        dbapi_con.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("nextround_begin", "IMMEDIATE") == "IMMEDIATE":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return engine


# --- the schema version mark -----------------------------------------------------------------

def _schema_name(conn: Connection) -> str:
    name = conn.exec_driver_sql("SELECT current_schema()").scalar()
    if name is None:
        raise StoreError("The PostgreSQL database has no schema to keep Next Round's tables in "
                         "(check the search_path). Nothing was changed.")
    return str(name)


def has_table(conn: Connection, name: str) -> bool:
    return conn.exec_driver_sql("SELECT to_regclass(%(n)s) IS NOT NULL",
                                {"n": name}).scalar() is True


def read_version(conn: Connection) -> int:
    """The schema version the database is at (0: none of our tables yet)."""
    if not has_table(conn, VERSION_TABLE):
        return 0
    found = conn.exec_driver_sql(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1").scalar()
    return int(found or 0)


def inspect(conn: Connection) -> int:
    """The version of a database we may open, or a refusal: one that holds someone else's
    tables (no mark of ours, but not empty), or one a newer Next Round wrote. Writes nothing:
    PostgreSQL's twin of `sqlite.inspect_sqlite_file`."""
    schema = _schema_name(conn)
    version = read_version(conn)
    if version == 0:
        others = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema()").scalar_one()
        if others:
            raise ForeignDatabaseError(
                f"The PostgreSQL schema {schema} holds tables, but not Next Round's. "
                "Nothing was changed. Give Next Round an empty database or schema.")
    if version > SCHEMA_VERSION:
        raise NewerDatabaseError(
            f"This database was written by a newer version of Next Round (schema {version}; "
            f"this version understands up to {SCHEMA_VERSION}). Update Next Round to open it. "
            "Nothing was changed.")
    return version


def _mark(conn: Connection, version: int) -> None:
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id integer PRIMARY KEY CHECK (id = 1),"
        " version integer NOT NULL)")
    conn.exec_driver_sql(
        f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, {int(version)})"
        " ON CONFLICT (id) DO UPDATE SET version = excluded.version")


def apply_migrations(conn: Connection, from_version: int, to_version: int = SCHEMA_VERSION
                     ) -> None:
    """Run the frozen steps after `from_version` up to `to_version` and mark the database at
    `to_version`. The caller holds the transaction: DDL is transactional in PostgreSQL, so a
    failed step leaves the database as it was."""
    for version in range(from_version + 1, to_version + 1):
        for statement in MIGRATIONS[version - 1]:
            conn.exec_driver_sql(statement)
    _mark(conn, to_version)


def migrate(conn: Connection) -> int:
    """Bring the database to the newest version inside the caller's write transaction (which
    holds the write lock, so two processes starting together migrate once), and return the
    version it was at."""
    found = inspect(conn)
    if found < SCHEMA_VERSION:
        apply_migrations(conn, found)
    return found


# --- the schema as the catalogs describe it ------------------------------------------------
# What `check` and restore compare: every table (its columns, and its checks, keys and links),
# index, trigger (and whether it is enabled), function, view, sequence, rule and policy in the
# database's schema, each as PostgreSQL itself prints it back. A trigger's body lives in its
# function, so functions are compared too: an edited one runs on our writes.

_CATALOG = {  # kind → (name, definition, the table it belongs to)
    "table": "SELECT c.relname, c.relkind::text || ':' || c.relrowsecurity::text"
             " || c.relforcerowsecurity::text, NULL FROM pg_class c"
             " WHERE c.relnamespace = {ns} AND c.relkind IN ('r', 'p')",
    # Indexes that keep a key or a UNIQUE follow from the table's constraints.
    "index": "SELECT c.relname, pg_get_indexdef(c.oid), t.relname FROM pg_class c"
             " JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid"
             " WHERE c.relnamespace = {ns} AND c.relkind IN ('i', 'I') AND NOT EXISTS"
             " (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
    "view": "SELECT c.relname, c.relkind::text || ':' || pg_get_viewdef(c.oid), NULL"
            " FROM pg_class c WHERE c.relnamespace = {ns} AND c.relkind IN ('v', 'm')",
    # Identity columns own their sequences: those follow from the table.
    "sequence": "SELECT c.relname, '', NULL FROM pg_class c WHERE c.relnamespace = {ns}"
                " AND c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
                " WHERE d.objid = c.oid AND d.deptype = 'i')",
    "schema entry": "SELECT c.relname, c.relkind::text, NULL FROM pg_class c"
                    " WHERE c.relnamespace = {ns} AND c.relkind IN ('f', 'c')",
    "trigger": "SELECT t.tgname || ' on ' || c.relname, pg_get_triggerdef(t.oid)"
               " || ' ' || t.tgenabled::text, c.relname FROM pg_trigger t"
               " JOIN pg_class c ON c.oid = t.tgrelid"
               " WHERE c.relnamespace = {ns} AND NOT t.tgisinternal",
    "function": "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',"
                " pg_get_functiondef(p.oid), NULL FROM pg_proc p"
                " WHERE p.pronamespace = {ns} AND p.prokind = 'f'",
    "rule": "SELECT r.rulename || ' on ' || c.relname, pg_get_ruledef(r.oid), c.relname"
            " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
            " WHERE c.relnamespace = {ns} AND r.rulename <> '_RETURN'",
    "policy": "SELECT p.polname || ' on ' || c.relname, pg_get_expr(p.polqual, p.polrelid)"
              " || ' / ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''), c.relname"
              " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
              " WHERE c.relnamespace = {ns}",
}
_COLUMNS = (
    "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
    " coalesce(co.collname, ''), a.attnotnull, a.attidentity::text, a.attgenerated::text,"
    " coalesce(pg_get_expr(d.adbin, d.adrelid), '')"
    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100"
    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
    " WHERE c.relnamespace = {ns} AND c.relkind IN ('r', 'p') AND a.attnum > 0"
    " AND NOT a.attisdropped ORDER BY c.relname, a.attnum")
_CONSTRAINTS = (
    "SELECT c.relname, k.contype::text || ' ' || pg_get_constraintdef(k.oid)"
    " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = {ns}")


_NAMESPACE = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"


def schema_entries(conn: Connection) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, name) → its name and its definition as the catalogs print it, for every object in
    the database's schema; a table also has its columns (in order) and its constraints. The
    schema's own name is taken out of the definitions, so two schemas built alike compare
    equal."""
    schema = _schema_name(conn)
    qualified = re.compile(r'(?<![\w"])(?:"' + re.escape(schema) + r'"|'
                           + re.escape(schema) + r")\.")
    ns = _NAMESPACE
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, sql in _CATALOG.items():
        for name, definition, table in conn.exec_driver_sql(sql.format(ns=ns)):
            found[(kind, str(name))] = {"name": str(name), "table": table,
                                        "sql": qualified.sub("", str(definition))}
    for table, *column in conn.exec_driver_sql(_COLUMNS.format(ns=ns)):
        entry = found[("table", str(table))]
        entry.setdefault("columns", {})[str(column[0])] = tuple(
            qualified.sub("", str(v)) if isinstance(v, str) else v for v in column[1:])
    for table, constraint in conn.exec_driver_sql(_CONSTRAINTS.format(ns=ns)):
        entry = found[("table", str(table))]
        entry.setdefault("constraints", []).append(qualified.sub("", str(constraint)))
    for (kind, _), entry in found.items():
        if kind == "table":
            entry.setdefault("columns", {})
            entry["constraints"] = sorted(entry.get("constraints", []))
    return found


_REFERENCE_SCHEMA = "nextround_reference"


@contextmanager
def _savepoint(conn: Connection, name: str) -> Iterator[None]:
    """Everything inside is undone at the end, and the caller's transaction goes on."""
    conn.exec_driver_sql(f"SAVEPOINT {name}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
        conn.exec_driver_sql(f"RELEASE SAVEPOINT {name}")


def reference_entries(conn: Connection, version: int) -> dict[tuple[str, str], dict[str, Any]]:
    """What the frozen steps build for `version`, read back from this very server: they are
    run in a scratch schema inside a savepoint that is then rolled back, so nothing stays.
    Kept per server version and schema version (a newer server may print SQL differently)."""
    server = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
    return _reference_cached(server, version, conn)


def _reference_cached(server: int, version: int, conn: Connection
                      ) -> dict[tuple[str, str], dict[str, Any]]:
    key = (server, version)
    if key not in _REFERENCES:
        with _savepoint(conn, "nextround_reference"):
            conn.exec_driver_sql(f"CREATE SCHEMA {_REFERENCE_SCHEMA}")
            conn.exec_driver_sql(f"SET LOCAL search_path = {_REFERENCE_SCHEMA}")
            apply_migrations(conn, 0, version)
            _REFERENCES[key] = schema_entries(conn)
    return _REFERENCES[key]


_REFERENCES: dict[tuple[int, int], dict[tuple[str, str], dict[str, Any]]] = {}


def schema_problems(conn: Connection, version: int) -> list[str]:
    """How the schema differs from Next Round's own at `version`, in plain words (the same
    words as SQLite's check). Empty when it is exactly ours: nothing missing, nothing added,
    nothing changed."""
    if not 1 <= version <= SCHEMA_VERSION:
        return [f"its schema version ({version}) is not one Next Round makes"]
    expected, actual = reference_entries(conn, version), schema_entries(conn)
    problems = []
    for key, want in expected.items():
        have = actual.get(key)
        kind = key[0]
        if have is None:
            if want["table"] and ("table", want["table"]) not in actual:
                continue  # its table is missing, which says it all
            problems.append(f"the {kind} {want['name']} is missing")
        elif kind == "table":
            difference = _table_difference(want, have)
            if difference:
                problems.append(difference)
        elif have["sql"] != want["sql"]:
            problems.append(f"the {kind} {want['name']} is defined differently from "
                            "Next Round's")
    for key, have in actual.items():
        if key not in expected:
            problems.append(unknown_entry(key[0], have["name"]))
    return problems


def _table_difference(want: dict[str, Any], have: dict[str, Any]) -> str | None:
    """The first way one table differs from ours, as precisely as known, or None."""
    name, wanted, got = want["name"], want["columns"], have["columns"]
    difference = column_difference(name, wanted, got)
    if difference:
        return difference
    if list(got) != list(wanted):
        return f"the table {name} has its columns in another order than Next Round's"
    if have["constraints"] != want["constraints"] or have["sql"] != want["sql"]:
        return other_rules(name)
    return None


# --- SQL that differs between engines -------------------------------------------------------

def insert_or_ignore(table: str, columns: str, values: str) -> str:
    """An INSERT that does nothing when the row is there already (its key is taken). Unlike
    SQLite's OR IGNORE it skips only a taken key, never a failed CHECK or NOT NULL: our one
    use (the settings row) can only meet a taken key."""
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING"


def contains(column: str, pattern: str) -> str:
    """`column` matches the LIKE `pattern` (made by `records.like_pattern`, escaped with a
    backslash) whatever the letter case, as SQLite's LIKE does."""
    return f"{column} ILIKE {pattern} ESCAPE '\\'"


def indexed_by(index: str) -> str:
    """PostgreSQL has no index hints; its planner picks the covering index from statistics,
    which `ANALYZE` (after a bulk load) keeps current. So nothing is added."""
    return ""


def defer_foreign_keys(conn: Connection) -> None:
    """Check foreign keys at commit, not per row, for the rest of this transaction (every link
    is DEFERRABLE): a bulk load writes targets and applications, which point at each other."""
    conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


_LINKS = (
    "SELECT c.relname, a.attname, p.relname, pa.attname FROM pg_constraint k"
    " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid"
    " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
    " JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]"
    " WHERE k.contype = 'f' AND c.relnamespace = {ns} ORDER BY c.relname, a.attname")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def broken_links(conn: Connection) -> list[tuple[str, int, str]]:
    """(table, row id, table it points at) for every link that points nowhere, as SQLite's
    `PRAGMA foreign_key_check` lists them: what a bulk load with deferred links checks before
    it commits, and what `check` reports."""
    found: list[tuple[str, int, str]] = []
    for table, column, parent, key in conn.exec_driver_sql(_LINKS.format(ns=_NAMESPACE)):
        rows = conn.exec_driver_sql(
            f"SELECT c.id FROM {_quote(table)} c WHERE c.{_quote(column)} IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM {_quote(parent)} p"
            f" WHERE p.{_quote(key)} = c.{_quote(column)}) ORDER BY c.id")
        found += [(str(table), int(r[0]), str(parent)) for r in rows]
    return found


def count_if(condition: str) -> str:
    """How many rows of the group meet `condition`. (`sum` of a comparison, SQLite's form,
    doesn't exist here, and `sum` of a bigint would come back as a Decimal.)"""
    return f"count(*) FILTER (WHERE {condition})"


def later_of(first: str, second: str) -> str:
    """The later of two dates. Unlike SQLite's `max(a, b)`, `greatest` skips a NULL: callers
    compare two dates they know are there."""
    return f"greatest({first}, {second})"


def period_start(freq: str, day: str) -> str:
    """The first day (YYYY-MM-DD) of the month or ISO week (a Monday) of a YYYY-MM-DD text."""
    unit = {"month": "month", "week": "week"}[freq]
    # A plain cast, not `nextround_day`: the stored text is a date already (the date backstop
    # checks every write), and calling the function per row made the feedback page's theme
    # counts 13× slower (23 ms against 1.7 ms for 366 tagged replies at 10,000 applications).
    # Year 0000, which the backstop allows and PostgreSQL's dates don't, gives NULL.
    return (f"to_char(date_trunc('{unit}', CASE WHEN {day} >= '0001' THEN ({day})::date END),"
            " 'YYYY-MM-DD')")


def json_texts(column: str, alias: str) -> tuple[str, str, str]:
    """(a FROM item, a condition, a value), as SQLite's `json_each` gives them: one row per
    element of the JSON array held in the text `column`, the condition true for a string
    element, the value its text. `nextround_json_array` turns anything that isn't a JSON array
    into an empty one, so a damaged row never fails the query."""
    return (f"jsonb_array_elements(nextround_json_array({column})) AS {alias}(element)",
            f"jsonb_typeof({alias}.element) = 'string'", f"({alias}.element #>> '{{}}')")


def trim_space(text_: str) -> str:
    """`text_` without spaces, tabs and line ends at either end."""
    return f"btrim({text_}, ' ' || chr(9) || chr(10) || chr(13))"


def bulk_insert(conn: Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Many rows at once, as tuples in `columns` order: COPY, the fastest way in (row
    triggers still run for every row; the ids trigger once per COPY)."""
    cursor = conn.connection.driver_connection.cursor()
    names = ", ".join(_quote(c) for c in columns)
    with cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row))


def integrity_problems(conn: Connection) -> list[str]:
    """SQLite's integrity check reads the file's pages; a server keeps its own files sound
    and has no such check to run, so there is nothing to report here."""
    return []


def database_problems(conn: Connection, version: int) -> list[str]:
    """Everything `check` reports and restore refuses, as SQLite's `database_problems` words
    it: a schema that isn't exactly ours, links that point nowhere, and a missing (or doubled)
    settings row or change counter, which every page reads."""
    problems = schema_problems(conn, version)
    if problems:
        return problems  # the checks below rely on our tables being there
    problems += [f"broken link in {table} row {row} to {parent}"
                 for table, row, parent in broken_links(conn)]
    for table in ("settings", "change_counter"):
        n, others = conn.exec_driver_sql(
            f"SELECT count(*) FILTER (WHERE id = 1), count(*) FILTER (WHERE id IS DISTINCT"
            f" FROM 1) FROM {table}").one()
        if n != 1 or others:
            problems.append(f"the table {table} must hold exactly one row (id 1); it holds "
                            f"{n + others}")
    return problems


_KINDS = {"bigint": "INTEGER", "integer": "INTEGER", "text": "TEXT",
          "double precision": "REAL"}
_COLUMN_FACTS = (
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
    " a.atthasdef AND a.attgenerated = '',"
    " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'c'"
    "   AND pg_get_constraintdef(k.oid) LIKE '%%nextround_is_date(' || a.attname || ')%%'),"
    " (SELECT p.relname FROM pg_constraint k JOIN pg_class p ON p.oid = k.confrelid"
    "   WHERE k.conrelid = a.attrelid AND k.contype = 'f' AND k.conkey = ARRAY[a.attnum]),"
    " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'u'"
    "   AND k.conkey = ARRAY[a.attnum]),"
    " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'p'"
    "   AND k.conkey = ARRAY[a.attnum])"
    " FROM pg_attribute a WHERE a.attrelid = %(table)s::regclass AND a.attnum > 0"
    " AND NOT a.attisdropped ORDER BY a.attnum")


def columns(conn: Connection, table: str) -> list[dict[str, Any]]:
    """A table's columns in order, as the schema defines them, in SQLite's terms: name, kind
    (INTEGER, TEXT or REAL), not_null, has_default, is_date (the date CHECK), references (the
    linked table), unique (alone), primary_key. What an import checks a file against."""
    return [{"name": r[0], "kind": _KINDS.get(str(r[1]), str(r[1]).upper()),
             "not_null": bool(r[2]), "has_default": bool(r[3]), "is_date": bool(r[4]),
             "references": r[5], "unique": bool(r[6]), "primary_key": bool(r[7])}
            for r in conn.exec_driver_sql(_COLUMN_FACTS, {"table": _quote(table)})]


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load (demo, import, restore), outside any transaction: VACUUM ANALYZE our
    tables. PostgreSQL has no index hints; with fresh statistics and visibility map its planner
    reads each progress count as an index-only scan of its covering index (0.4 to 0.7 ms at
    10,000 applications), but right after a load, before autovacuum comes round, it picks the
    applied-date index and reads every row of the range from the table (13 to 26 ms)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(_TABLES))


_TABLES = ("settings", "targets", "applications", "events", "drafts", "feedback_requests",
           "reflections", "actions", "checkins", "path_steps", "change_counter")
