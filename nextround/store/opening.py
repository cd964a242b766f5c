"""Opening a database file: inspected read-only before anything writes to it (decision 2), created
complete in one step, switched to write-ahead logging, and the pooled engine.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool

from nextround.store.errors import (
    CorruptDatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    StoreError,
)
from nextround.store.files import create_private_file, remove_with_companions, temp_name
from nextround.store.schema import APPLICATION_ID, SCHEMA_VERSION, _apply_migrations

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "nextround.db"
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
BUSY_TIMEOUT_MS = 10_000


def default_url() -> str:
    return os.environ.get("NEXTROUND_DB", "").strip() or str(DEFAULT_DB_PATH)


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    raw = str(path_or_url)
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        rest = url[len("sqlite:///"):]
        return None if rest in ("", ":memory:") else Path(rest)
    return None


# --- opening --------------------------------------------------------------------------------

def inspect_sqlite_file(path: Path) -> tuple[int, int]:
    """(application_id, user_version) of an existing file, or a StoreError. Writes nothing."""
    shown = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StoreError(f"Can't read the database file {shown}: {exc.strerror}.") from exc
    if size == 0:
        raise CorruptDatabaseError(
            f"The database file {shown} is empty (0 bytes). It may have been truncated. "
            "Nothing was changed. Restore a backup, or move the file away to start fresh."
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"Can't read the database file {shown}: {exc.strerror}.") from exc
    if header[:16] != SQLITE_HEADER:
        raise ForeignDatabaseError(
            f"{shown} is not a Next Round database (it isn't an SQLite file). Nothing was changed."
        )
    try:
        try:
            app_id, user_version, tables, check = _read_marks(path)
        except sqlite3.OperationalError as exc:
            if not _needs_recovery(exc, header):
                raise
            _recover(path)
            app_id, user_version, tables, check = _read_marks(path)
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"The database file {shown} is damaged and can't be read ({exc}). "
            "Nothing was changed. Restore a backup from the Your data page or `restore`."
        ) from exc
    if app_id != APPLICATION_ID and not (app_id == 0 and user_version == 0 and tables == 0):
        raise ForeignDatabaseError(
            f"{shown} is an SQLite file, but not a Next Round database. Nothing was changed."
        )
    if user_version > SCHEMA_VERSION:
        raise NewerDatabaseError(
            f"{shown} was written by a newer version of Next Round (schema {user_version}; "
            f"this version understands up to {SCHEMA_VERSION}). Update Next Round to open it. "
            "Nothing was changed."
        )
    if check != "ok":
        raise CorruptDatabaseError(
            f"The database file {shown} failed its integrity check ({check}). Nothing was "
            "changed. Restore a backup from the Your data page or `restore`."
        )
    return app_id, user_version


def _read_marks(path: Path) -> tuple[int, int, int, str]:
    """application_id, user_version, number of schema entries and quick_check, read-only."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return (con.execute("PRAGMA application_id").fetchone()[0],
                con.execute("PRAGMA user_version").fetchone()[0],
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
                con.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        con.close()


def _needs_recovery(exc: sqlite3.OperationalError, header: bytes) -> bool:
    """A process killed mid-write leaves a hot rollback journal (a file not yet in WAL mode:
    an older database, a restored copy) or a write-ahead log whose index must be rebuilt, and
    a read-only connection can do neither. That is no damage: for a file whose header says it
    is ours, the recovery any SQLite connection would run on opening it is run first."""
    readonly = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY")
    return readonly and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def _recover(path: Path) -> None:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        con.close()


def _create_database_file(path: Path) -> int:
    """Make a new database at `path` in one step, and return the schema version now there.

    A zero-length file is refused as truncated (decision 2), and SQLite leaves one for a
    moment while it creates a database; so the app and the command line starting together on
    a new install made one of them refuse it. The file is built complete under a private name
    beside `path` and then linked into place, which fails if another process got there first:
    its file is used and ours dropped."""
    staged = temp_name(path, "create-part")
    try:
        create_private_file(staged)
        con = sqlite3.connect(staged, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = WAL")  # kept in the file; the log goes on close
            con.execute("BEGIN IMMEDIATE")
            _apply_migrations(con.execute, 0)
            con.execute("COMMIT")
        finally:
            con.close()
        try:
            os.link(staged, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:
            # A file system without hard links: a plain rename, unless one appeared meanwhile.
            if not path.exists():
                os.replace(staged, path)
    except OSError as exc:
        raise StoreError(f"Can't create the database file {path}: {exc.strerror}.") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"Can't create the database file {path}: {exc}.") from exc
    finally:
        remove_with_companions(staged)
    return inspect_sqlite_file(path)[1]


def _use_wal(con: sqlite3.Connection) -> None:
    """Switch the file to write-ahead logging, waiting as `busy_timeout` would.

    A file in rollback-journal mode (an older database, a backup, a restored copy) is switched
    by a read that then upgrades to a write lock, and SQLite never waits for such an upgrade:
    it answers BUSY at once whatever the busy timeout (waiting could deadlock). So the app and
    the command line opening such a file together made one of them fail. The switch is retried
    here until the busy timeout; a file already in WAL mode needs no write and passes at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            con.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if ("locked" not in message and "busy" not in message
                    or time.monotonic() > deadline):
                raise
        time.sleep(random.uniform(0.005, 0.05))


def _create_engine(url: str) -> Engine:
    """An engine whose connections are kept open and reused (a pool).

    Opening an SQLite connection and setting its pragmas costs far more than the small reads a
    page makes, and every cached read first asks for the change counter; so connections are
    pooled. The pool hands each connection to one thread at a time, which is what makes
    `check_same_thread=False` safe. Pooled connections hold no transaction between uses, so they
    never block a writer, a checkpoint or VACUUM; `Store.dispose()` closes them, which is
    required before the database file is replaced (restore) so that no connection keeps the old
    file open."""
    if url.startswith("sqlite"):
        # Up to 5 idle connections are kept; a burst beyond that opens more (no limit, so a
        # busy moment never waits on the pool) and closes them when they come back.
        engine = create_engine(url, poolclass=QueuePool, pool_size=5, max_overflow=-1,
                               connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                             "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_con, _record) -> None:  # noqa: ANN001
            # Let us issue BEGIN ourselves, so that writes can be IMMEDIATE.
            dbapi_con.isolation_level = None
            cur = dbapi_con.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()
            _use_wal(dbapi_con)
            dbapi_con.execute("PRAGMA synchronous = FULL")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("nextround_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:  # unknown scheme, no driver
        scheme = url.split("://", 1)[0]
        raise StoreError(f"Can't open a database at a {scheme}:// address: Next Round uses an "
                         "SQLite file (give a file path), or a server whose driver is "
                         "installed. Nothing was changed.") from exc


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone holds everything
    (before it is linked or copied somewhere by name)."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
