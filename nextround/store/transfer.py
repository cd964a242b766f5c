"""Bulk transfer: the store's side of import, export and the demo (`nextround/transfer/` and
`nextround/demo.py` are the domain's side).

The domain checks every row first (the same rules as the forms, `transfer.preview`); this
module only writes what it is given, all in one transaction or nothing, and reads every row
back out for the export. It also reads the schema's own column rules, so an import can name
the row and field the database would refuse before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from nextround.store.errors import StoreError
from nextround.store.records import MAX_COUNT, Records, now
from nextround.store.schema import DERIVED_COLUMNS, TABLES
from nextround.text import plural

# Parents before children, so a full import inserts rows in an order that fits together
# (and, reversed, delete-all empties children first).
IMPORT_ORDER = ("settings", "targets", "applications", "events", "drafts",
                "feedback_requests", "reflections", "actions", "checkins", "path_steps")
DEMO_TABLE_ORDER = ("targets", "applications", "events", "drafts", "feedback_requests",
                    "reflections", "actions", "checkins", "path_steps")

# progress(done, total) for imports; progress(fraction, message) for the demo.
ImportProgress = Callable[[int, int], None]
DemoProgress = Callable[[float, str], None]


@dataclass(frozen=True)
class ColumnRule:
    """One column as the schema defines it (`store.transfer.column_rules`)."""

    kind: str  # INTEGER, TEXT or REAL
    not_null: bool
    has_default: bool
    is_date: bool
    references: str | None
    unique: bool
    primary_key: bool


class _RolledBack(Exception):
    """Raised inside a write to roll it back on purpose (a dry run)."""


class Transfer(Records):
    """`store.transfer` / `tx.transfer`."""

    # --- writes ---------------------------------------------------------------------------

    def insert_rows(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows as they are (ids too, when given). All rows share the first row's
        columns."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        if not rows:
            return
        with self._write() as conn:
            _insert(conn, table, rows)

    def load_demo(self, tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]],
                  *, name: str = "", progress: DemoProgress | None = None,
                  chunk: int = 50_000) -> None:
        """Write generated rows ({table: (columns, rows)}) in ONE transaction, so a crash or a
        refusal leaves the database as it was. Rows are tuples with explicit ids, passed
        straight to the driver's executemany: 100,000 applications take seconds.

        Refuses (StoreError) if any table already holds data, checked inside the same
        transaction so a second process can't slip rows in between. Sets the user's name
        only if it is still blank."""
        unknown = set(tables) - set(DEMO_TABLE_ORDER)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}")
        total = sum(len(rows) for _, rows in tables.values()) or 1
        done = 0
        with self._write() as conn:
            _refuse_data(conn, "This database already holds data, so demo data was not added. "
                               "Use an empty database for the demo.")
            # Targets and applications point at each other; check the links at commit.
            self._sql.defer_foreign_keys(conn)
            for table in DEMO_TABLE_ORDER:
                if table not in tables:
                    continue
                columns, rows = tables[table]
                for at in range(0, len(rows), chunk):
                    part = rows[at:at + chunk]
                    self._sql.bulk_insert(conn, table, columns, part)
                    done += len(part)
                    if progress is not None:
                        progress(done / total, f"Saved {done:,} of {total:,} rows ({table})")
            if name:
                conn.execute(text("UPDATE settings SET name = :name, version = version % :top + 1 "
                                  "WHERE id = 1 AND name = ''"), {"name": name, "top": MAX_COUNT})

    def import_applications(self, rows: Sequence[Mapping[str, Any]], *,
                            targets: Sequence[Mapping[str, Any]] = (),
                            today: date | None = None,
                            progress: ImportProgress | None = None, chunk: int = 2_000,
                            commit: bool = True) -> int:
        """Insert applications the domain validated (`transfer.preview`) and their events,
        and dream-job entries (`targets`: company and role, checked by the list's rule), all
        in one transaction: a crash or an error leaves none of them. `commit=False` (a dry
        run) does every write, then rolls back. Returns the applications written."""
        stamp = now()
        total = len(rows)
        with self._bulk_write(commit, "The rows don't fit the database") as conn:
            created = self._today(today).isoformat()
            _insert(conn, "targets", [
                {"company": t["company"], "role": t["role"], "why": "", "priority": 2,
                 "status": "researching", "next_step": "", "created_on": created}
                for t in targets])
            next_id = int(conn.execute(
                text("SELECT coalesce(max(id), 0) FROM applications")).scalar_one()) + 1
            for start in range(0, total, chunk):
                apps: list[dict[str, Any]] = []
                events: list[dict[str, Any]] = []
                for offset, row in enumerate(rows[start:start + chunk]):
                    app_id = next_id + start + offset
                    apps.append({**row, "id": app_id, "created_at": stamp,
                                 "updated_at": stamp})
                    events.append({"application_id": app_id, "stage": "applied",
                                   "on_date": row["applied_on"], "note": "",
                                   "created_at": stamp})
                    if row["stage"] != "applied":
                        events.append({"application_id": app_id, "stage": row["stage"],
                                       "on_date": row["stage_on"], "note": "",
                                       "created_at": stamp})
                _insert(conn, "applications", apps)
                _insert(conn, "events", events)
                if progress is not None:
                    progress(min(start + chunk, total), total)
        return total

    def import_everything(self, rows: Mapping[str, Sequence[Mapping[str, Any]]]
                          | Iterable[tuple[str, Mapping[str, Any]]], *,
                          total: int | None = None, progress: ImportProgress | None = None,
                          chunk: int = 2_000, commit: bool = True,
                          replace: bool = False) -> int:
        """Load a full export the domain validated into an empty database, ids and all, in
        one transaction. `replace=True` (a server's restore) first deletes every row in the
        same transaction instead of refusing a database that holds data: the old rows go
        only if the new ones all fit.

        `rows` is {table: rows} or a stream of (table, row) in any order (a file is read once,
        row by row, so its size never lives in memory as Python objects). Foreign keys are
        checked once at the end (targets and applications point at each other), and any broken
        link refuses the whole import. `commit=False` does every write and then rolls back:
        a dry run meets every NOT NULL, CHECK, UNIQUE and foreign-key rule the real one does."""
        if isinstance(rows, Mapping):
            total = sum(len(rows.get(t, ())) for t in TABLES)
            rows = ((t, r) for t in IMPORT_ORDER for r in rows.get(t, ()))
        total = total or 0
        done = 0
        with self._bulk_write(commit, "The file's data doesn't fit the database") as conn:
            if replace:
                for table in reversed(IMPORT_ORDER):
                    conn.execute(text(f"DELETE FROM {table}"))
            _refuse_data(conn, "A full export can only be loaded into an empty database, and "
                               "this one already holds data. Nothing was imported.")
            self._sql.defer_foreign_keys(conn)
            settings_cleared = False
            batch: list[Mapping[str, Any]] = []
            batch_key: tuple[str, tuple[str, ...]] | None = None

            def flush() -> None:
                nonlocal done
                if batch_key is None or not batch:
                    return
                _insert(conn, batch_key[0], batch)
                done += len(batch)
                if progress is not None:
                    progress(done, max(total, done))

            for table, row in rows:
                if table == "settings" and not settings_cleared:
                    conn.execute(text("DELETE FROM settings"))
                    settings_cleared = True
                # One executemany per run of rows of one table with the same columns.
                key = (table, tuple(row))
                if key != batch_key or len(batch) >= chunk:
                    flush()
                    batch, batch_key = [], key
                batch.append(row)
            flush()
            broken = self._sql.broken_links(conn)
            if broken:
                first = broken[0]
                raise StoreError(
                    f"The file doesn't fit together: it has {plural(len(broken), 'row')} "
                    "pointing at rows that aren't in it "
                    f"(first: {first[0]} id {first[1]} → {first[2]}). Nothing was imported.")
        return done

    @contextmanager
    def _bulk_write(self, commit: bool, refused: str) -> Iterator[Connection]:
        """One transaction for a bulk load. `commit=False` (a dry run) makes every write and
        then rolls back, so it meets every NOT NULL, CHECK, UNIQUE and foreign-key rule the real
        load does. A row the database refuses becomes `refused (reason)` and nothing is kept."""
        if not commit and self._unit.connection is not None:
            # Rolling back is the transaction's to do: inside the caller's, the dry run's
            # writes would be committed with the rest.
            raise RuntimeError("A dry run rolls back its own transaction: call it on the "
                               "store, not inside store.write().")
        try:
            with self._write() as conn:
                yield conn
                if not commit:
                    raise _RolledBack
        except _RolledBack:
            pass
        except SQLAlchemyError as exc:
            message = str(getattr(exc, "orig", None) or exc)
            raise StoreError(f"{refused} ({message}). Nothing was imported.") from exc

    # --- reads ----------------------------------------------------------------------------

    def export_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, read in one transaction: a consistent snapshot. Derived
        columns are left out; the triggers rebuild them from the events and drafts."""
        with self._read() as conn:
            columns = _columns(conn, self._sql)
            return {t: [dict(r) for r in conn.execute(text(
                        f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id")).mappings()]
                    for t in TABLES}

    def table_counts(self) -> dict[str, int]:
        """How many rows each table holds."""
        with self._read() as conn:
            return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                    for t in TABLES}

    def column_rules(self) -> dict[str, dict[str, ColumnRule]]:
        """What the database itself demands of each column (type, NOT NULL, default, a date
        CHECK, a foreign key, UNIQUE), read from the schema, so an import can check a file
        against exactly these rules before writing, and name the row and field."""
        out: dict[str, dict[str, ColumnRule]] = {}
        with self._read() as conn:
            for table in TABLES:
                out[table] = {
                    column["name"]: ColumnRule(**{k: v for k, v in column.items()
                                                  if k != "name"})
                    for column in self._sql.columns(conn, table)
                    if column["name"] not in DERIVED_COLUMNS.get(table, ())}
        return out


def _insert(conn: Connection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """One executemany of rows that share the first row's columns."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    if not rows:
        return
    columns = list(rows[0].keys())
    conn.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) "
                      f"VALUES ({', '.join(':' + c for c in columns)})"),
                 [dict(r) for r in rows])


def _refuse_data(conn: Connection, message: str) -> None:
    """StoreError(message) unless every table but settings is empty (read inside the
    caller's write, so no other process can add rows in between)."""
    for table in TABLES:
        if table != "settings" and conn.execute(
                text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            raise StoreError(message)


def _columns(conn: Connection, dialect: ModuleType) -> dict[str, list[str]]:
    """The columns of every user table, as the database has them now (derived ones left
    out)."""
    return {t: [c["name"] for c in dialect.columns(conn, t)
                if c["name"] not in DERIVED_COLUMNS.get(t, ())]
            for t in TABLES}
