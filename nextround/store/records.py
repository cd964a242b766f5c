"""What every record module builds on: a unit of work, and the few helpers each one shares.

A record type (applications, drafts, feedback, ...) is one class in its own module, holding that
type's SQL. It never opens a connection itself: it asks its `Unit` for one. The same class then
serves both ways of calling it (decision "the transaction pattern"):

- `store.applications.add(...)`: the store's unit opens one transaction for this call alone;
- `tx.applications.add(...)` inside `with store.write() as tx:`: the transaction's unit hands
  out the connection the caller holds, so several steps commit or roll back together.

So a multi-step write is written once, in the domain, as plain calls on `tx`, with no proxy
objects and no method written twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, RowMapping

from nextround.store.errors import NotFoundError, StaleVersionError

# Counts an edit adds one to (row versions, follow-ups) stay within 1..MAX_COUNT: a version
# wraps round to 1 and a follow-up count stops there. At SQLite's top, one more would turn
# the value into a float that the export can no longer re-import (issue 14).
MAX_COUNT = 2 ** 53


def now() -> str:
    """The time stamp stored in created_at / updated_at (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def frame_in(conn: Connection, sql: str,
             params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """A read query as a DataFrame, on a connection the caller holds.

    Rows become plain tuples first: building a DataFrame from SQLAlchemy Row objects costs
    a failed attribute lookup per row, which dominates at 100,000 rows."""
    result = conn.execute(text(sql), dict(params or {}))
    return pd.DataFrame.from_records([tuple(row) for row in result.fetchall()],
                                     columns=list(result.keys()))


def rows_in(conn: Connection, sql: str,
            params: Mapping[str, Any] | None = None) -> list[RowMapping]:
    """A read query's rows, each a mapping by column name, on a connection the caller holds:
    what a record's `from_row` (nextround/records.py) is built from."""
    return list(conn.execute(text(sql), dict(params or {})).mappings())


def like_pattern(query: str) -> str:
    """A user's search words as a LIKE pattern (with ESCAPE '\\'): `%` and `_` match
    themselves, so searching "50%" finds "50%", not everything."""
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def in_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """`(:name0, :name1, ...)` and its parameters: an IN list of bound values (never pasted
    into the SQL). An empty list gives `(NULL)`, which matches nothing."""
    params = {f"{name}{i}": value for i, value in enumerate(values)}
    return "(" + (", ".join(f":{key}" for key in params) or "NULL") + ")", params


def bump_version(conn: Connection, table: str, row_id: int, version: int,
                 values: Mapping[str, Any]) -> None:
    """UPDATE … WHERE version = the one the user started from; else StaleVersionError
    (another tab saved first) or NotFoundError (another tab deleted it)."""
    assignments = ", ".join(f"{k} = :{k}" for k in values)
    result = conn.execute(
        text(f"UPDATE {table} SET {assignments}, version = version % {MAX_COUNT} + 1 "
             "WHERE id = :_id AND version = :_version"),
        {**values, "_id": row_id, "_version": version},
    )
    if result.rowcount == 1:
        return
    exists = conn.execute(text(f"SELECT version FROM {table} WHERE id = :id"),
                          {"id": row_id}).first()
    if exists is None:
        raise NotFoundError("That item no longer exists. It may have been deleted in "
                            "another tab.")
    raise StaleVersionError(
        "This was changed in another tab or window after you opened it, so your change "
        "was not saved. Reload to see the latest version, then make your change again."
    )


class Transactions(Protocol):
    """What a unit needs of the store (`database.Store`): its raw transactions and its today.
    A protocol rather than an import, so this module never imports the one that imports it."""

    def _write_connection(self) -> AbstractContextManager[Connection]: ...

    def _read_connection(self) -> AbstractContextManager[Connection]: ...

    def today(self) -> date: ...

    @property
    def dialect(self) -> ModuleType: ...


class Unit:
    """Where a record object's SQL runs: a transaction of its own per call (`connection`
    None), or the one connection a caller's `store.write()` / `store.read()` holds."""

    def __init__(self, store: Transactions, connection: Connection | None = None, *,
                 writable: bool = True) -> None:
        self.store = store
        self.connection = connection
        self.writable = writable

    def write(self) -> AbstractContextManager[Connection]:
        """A connection to write on: a new IMMEDIATE transaction, or the caller's."""
        if self.connection is None:
            return self.store._write_connection()
        if not self.writable:
            raise RuntimeError("A write inside `store.read()`: use `store.write()` to change "
                               "data.")
        return _held(self.connection)

    def read(self) -> AbstractContextManager[Connection]:
        """A connection to read on: a new snapshot, or the caller's transaction."""
        if self.connection is None:
            return self.store._read_connection()
        return _held(self.connection)

    def today(self) -> date:
        """The user's today (their time zone, or the pinned day), for defaults."""
        return self.store.today()


@contextmanager
def _held(connection: Connection) -> Iterator[Connection]:
    """The caller's connection, left open: the caller's `with` commits or rolls back."""
    yield connection


class Records:
    """The base of every record type: its unit, and shorthands for the unit's connections."""

    def __init__(self, unit: Unit) -> None:
        self._unit = unit

    def _write(self) -> AbstractContextManager[Connection]:
        return self._unit.write()

    def _read(self) -> AbstractContextManager[Connection]:
        return self._unit.read()

    def _frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        with self._read() as conn:
            return frame_in(conn, sql, params)

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[RowMapping]:
        with self._read() as conn:
            return rows_in(conn, sql, params)

    def _today(self, today: date | None) -> date:
        return today or self._unit.today()

    @property
    def _sql(self) -> ModuleType:
        """The engine's own SQL forms (`dialects/`): `contains`, `count_if`, `indexed_by`..."""
        return self._unit.store.dialect
