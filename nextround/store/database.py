"""The `Store`: a Next Round database, its transactions, and one attribute per record type.

Why it is built this way (see docs/decisions.md):
- The reads and writes of each record type live in its own module (`applications`, `drafts`,
  ...); here are opening, the transactions they run in, and what concerns the whole file.
- Every write is one `BEGIN IMMEDIATE` transaction that also bumps a change counter. Readers
  cache on that counter, so a write never shows stale data and a read never repeats work.
  Several steps share one with `with store.write() as tx:`.
- Rows a user edits carry `version`; an update names the version it started from, and a stale
  one raises `StaleVersionError` instead of overwriting another tab's change.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError

from nextround import clock
from nextround.store import dialects
from nextround.store.backups import Backups, remove_leftovers
from nextround.store.errors import (
    ReadOnlyDatabaseError,
    StoreError,
    _reason,
)
from nextround.store.files import (
    PRIVATE_FILE,
    make_private_folder,
    remove_stale_temp_folders,
)
from nextround.store.opening import (
    BUSY_TIMEOUT_MS,
    DEFAULT_DB_PATH,
    _create_database_file,
    _create_engine,
    default_url,
    inspect_sqlite_file,
    local_folder,
    sqlite_path,
    to_url,
)
from nextround.store.records import MAX_COUNT, Unit, frame_in
from nextround.store.schema import SCHEMA_VERSION, TABLES, _apply_migrations
from nextround.store.schema_check import (
    RowCheck,
    _value_problems,
    database_problems,
    schema_problems,
)
from nextround.store.transaction import RecordTypes, Transaction
from nextround.store.transfer import IMPORT_ORDER

# Writes this process has committed, per database URL, through any Store object: tells a
# reader that kept the change counter that it must read it again, without a query.
_WRITES_HERE: dict[str, int] = {}
_WRITES_LOCK = threading.Lock()


class Store(RecordTypes):
    """A Next Round database. Safe to share between threads: each unit of work takes its own
    connection from the pool, and gives it back when the unit ends.

    Each record type is an attribute (`store.applications`, ...; see `transaction.py`) whose
    methods run in a transaction of their own; `with store.write() as tx:` runs several of
    them in one."""

    def __init__(self, path_or_url: str | os.PathLike[str] | None = None, *,
                 backup_dir: Path | None = None) -> None:
        self.url = to_url(path_or_url if path_or_url is not None else default_url())
        self.path = sqlite_path(self.url)
        # The engine's own SQL forms and checks (dialects/), for the record types too.
        self.dialect = dialects.for_url(self.url)
        self.on_server = self.dialect.NAME != "sqlite"
        self.backup_dir = backup_dir or self._default_backup_dir()
        self._writing = threading.local()
        super().__init__(Unit(self))
        # Not on a transaction: a backup copies the committed file (see `Backups`).
        self.backups = Backups(self)
        self._open()

    def _default_backup_dir(self) -> Path | None:
        """A file's backups sit beside it; a server's (full exports) in `local_folder()`."""
        if self.path is not None:
            return self.path.parent / "backups"
        return local_folder() / "backups" if self.on_server else None  # None: in memory

    def _open(self) -> None:
        user_version = 0
        if self.path is not None:
            if not self.path.exists():
                try:
                    make_private_folder(self.path.parent)
                except OSError as exc:
                    raise StoreError(f"Can't create the folder {self.path.parent}: "
                                     f"{exc.strerror}.") from exc
                _create_database_file(self.path)
            if self.path.exists():
                _, user_version = inspect_sqlite_file(self.path)
                # The write bits are checked too: root ignores permissions, but a file the user
                # marked read-only must still never be written.
                if (not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK)
                        or self.path.stat().st_mode & 0o222 == 0):
                    raise ReadOnlyDatabaseError(
                        f"The database file {self.path} is read-only, so Next Round can't save "
                        "anything to it. Nothing was changed. Check the file's permissions."
                    )
                # Private before the first connection: SQLite gives the -wal and -shm it
                # creates the database's mode (an older version left it readable).
                try:
                    if self.path.stat().st_mode & 0o077:
                        os.chmod(self.path, PRIVATE_FILE)
                except OSError:
                    pass  # not ours to change: it is still opened as before
        self.engine = _create_engine(self.url)
        if self.on_server:
            user_version = self._server_version()
        try:
            if user_version < SCHEMA_VERSION:
                # No server database is older than its engine's first version here; when
                # PostgreSQL gets a second, its backup before migrating is a full export.
                if user_version > 0 and not self.on_server:
                    self.backups.make(reason=f"before-migration-v{user_version}")
                self._migrate(user_version)
        except OperationalError as exc:
            raise StoreError(f"Can't open the database: {_reason(exc)}") from exc
        if self.path is not None:
            # Private to the user: the database and its -wal/-shm companions (SQLite gives
            # companions it creates later the database's own mode).
            for companion in ("", "-wal", "-shm"):
                try:
                    os.chmod(f"{self.path}{companion}", 0o600)
                except OSError:
                    pass
            self._tidy_folders()

    def _tidy_folders(self) -> None:
        """On every start: Next Round's own folders become private (an older version made
        them readable), and unfinished copies a killed process left behind are removed."""
        assert self.path is not None
        if self.path.parent == DEFAULT_DB_PATH.parent:
            make_private_folder(self.path.parent, tighten=True)
        if self.backup_dir is not None and self.backup_dir.is_dir():
            make_private_folder(self.backup_dir, tighten=True)
        for backup in self.backups.files():  # an older version copied a readable mode
            try:
                if backup.stat().st_mode & 0o077:
                    os.chmod(backup, PRIVATE_FILE)
            except OSError:
                pass  # removed meanwhile, or not ours to change
        remove_leftovers(self.path, self.backup_dir)
        remove_stale_temp_folders()

    def _server_version(self) -> int:
        """A server database's version, or a refusal (someone else's tables, a newer Next
        Round's), read before anything is written: the twin of `inspect_sqlite_file`."""
        try:
            with self._read_connection() as conn:
                return int(self.dialect.inspect(conn))
        except OperationalError as exc:
            raise StoreError(f"Can't open the database: {_reason(exc)}. Nothing was "
                             "changed.") from exc

    def _migrate(self, from_version: int) -> None:
        with self._write_connection() as conn:
            # Under the write lock, the engine reads the version again: another process (the
            # app and the command line started together after an upgrade) may have migrated
            # it meanwhile.
            if self.on_server:
                self.dialect.migrate(conn)
                return
            from_version = int(self.dialect.read_version(conn))
            _apply_migrations(conn.exec_driver_sql, from_version, marks=True)

    def refresh_statistics(self) -> None:
        """After a bulk load (demo, import, restore): what the engine's planner needs to read
        the progress counts from their covering indexes (`dialects`: nothing on SQLite,
        VACUUM ANALYZE on PostgreSQL; decision 23). Outside any transaction."""
        self.dialect.refresh_statistics(self.engine)

    @property
    def where(self) -> str:
        """Where the data is, to show a person: the file, or the server's address with any
        password left out."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close the pooled connections. Call it when done with the store, and always before
        its file is replaced. The store stays usable: a later read or write connects anew."""
        self.engine.dispose()

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One user action = one IMMEDIATE transaction, which also bumps the change counter.

        `with store.write() as tx:` yields the record types bound to this transaction
        (`tx.applications.add(...)`, ...) and its connection (`tx.connection`): every step
        commits together when the block ends, or none if it raises."""
        with self._write_connection() as conn:
            yield Transaction(Unit(self, conn))

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """One read snapshot for several reads (`with store.read() as snap:`), so they agree
        with each other. Writes through it are refused."""
        with self._read_connection() as conn:
            yield Transaction(Unit(self, conn, writable=False))

    @contextmanager
    def _write_connection(self) -> Iterator[Connection]:
        """The connection of one write transaction; `write()` and every record type's own
        writes (`records.Unit`) begin here, so all bump the change counter the same way."""
        if getattr(self._writing, "active", False):
            # A second IMMEDIATE transaction from the thread that holds the first would wait
            # for itself until the busy timeout: say what is wrong at once instead.
            raise RuntimeError("store.write() inside store.write(): call the record types on "
                               "the open transaction (`tx.…`) instead of on the store.")
        self._writing.active = True
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
                    if self.dialect.has_table(conn, "change_counter"):
                        conn.exec_driver_sql("UPDATE change_counter SET n = n + 1 WHERE id = 1")
        except OperationalError as exc:
            raise StoreError(f"Couldn't save: {_reason(exc)}. Nothing was changed.") from exc
        finally:
            self._writing.active = False
            # Counted even when the write failed: a reader then reads the counter once more.
            with _WRITES_LOCK:
                _WRITES_HERE[self.url] = _WRITES_HERE.get(self.url, 0) + 1

    @contextmanager
    def _read_connection(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(nextround_begin="DEFERRED") as conn:
            with conn.begin():
                yield conn

    def change_count(self) -> int:
        """Bumped by every write; the key for every cached read."""
        with self._read_connection() as conn:
            return int(conn.execute(text("SELECT n FROM change_counter WHERE id = 1")).scalar_one())

    def writes_here(self) -> int:
        """How many writes this process has made to this database, through any Store object.
        When it hasn't moved, neither has the change counter, unless another process wrote."""
        return _WRITES_HERE.get(self.url, 0)

    def schema_version(self) -> int:
        with self._read_connection() as conn:
            return int(self.dialect.read_version(conn))

    # --- generic helpers ------------------------------------------------------------------

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """A raw read query as a DataFrame, for tests and tools (record types use
        `records.frame_in` on their own connection).

        Rows become plain tuples first: building a DataFrame from SQLAlchemy Row objects costs
        a failed attribute lookup per row, which dominates at 100,000 rows."""
        with self._read_connection() as conn:
            return frame_in(conn, sql, params)

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self._read_connection() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def is_empty(self) -> bool:
        """True when the user has recorded nothing yet (settings don't count)."""
        with self._read_connection() as conn:
            for table in TABLES:
                if table == "settings":
                    continue
                if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                    return False
        return True

    def today(self) -> date:
        """The user's today: in their time zone, or the pinned day (`clock`)."""
        return clock.today(self.settings.get().timezone)

    def delete_all_data(self) -> None:
        """Empty every table in one transaction, then rewrite the file (VACUUM) so the deleted
        text doesn't linger in free pages or the write-ahead log. The file stays a valid,
        empty Next Round database, so other open tabs keep working."""
        with self._write_connection() as conn:
            version = int(conn.execute(
                text("SELECT coalesce(max(version), 0) FROM settings")).scalar_one())
            for table in reversed(IMPORT_ORDER):
                conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text("INSERT INTO settings (id, version) VALUES (1, :v)"),
                         {"v": version % MAX_COUNT + 1})
        if self.path is not None:
            try:
                con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                      isolation_level=None)
                try:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    con.execute("VACUUM")
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    con.close()
            except sqlite3.Error as exc:
                raise StoreError(f"Your data was deleted, but the file couldn't be compacted "
                                 f"({exc}). Close other windows and try again.") from exc
            # Unfinished copies and uploaded restore files hold the data too.
            remove_leftovers(self.path, self.backup_dir, everything=True)

    def schema_problems(self) -> list[str]:
        """`schema_problems` for this database: quick (no data is read), for the data page to
        say at once when a tool changed the tables or added a trigger."""
        with self._read_connection() as conn:
            version = int(self.dialect.read_version(conn))
            if self.on_server:
                return list(self.dialect.schema_problems(conn, version))

            def query(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]

            return schema_problems(query, version)

    def integrity_problems(self, check_rows: RowCheck) -> list[str]:
        """Empty when the file is healthy; otherwise every problem `database_problems` finds
        (the schema, SQLite's integrity check, broken links) or, when there are none, every
        row `check_rows` refuses (the import's rules, `transfer.stored_value_problems`, passed
        in by the caller): what restore and `check` see."""
        with self._read_connection() as conn:
            version = int(self.dialect.read_version(conn))
            if self.on_server:
                problems = list(self.dialect.database_problems(conn, version))
            else:
                problems = database_problems(
                    lambda sql: [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()],
                    version)
            if problems:
                return problems

            def select(sql: str) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
                result = conn.exec_driver_sql(sql)
                return list(result.keys()), result

            return _value_problems(select, check_rows, version)

