"""Opening a database: where it is (a file path or a server URL), its engine, and bringing it to
the newest schema. What each engine does its own way is in `dialects/` (docs/decisions.md, "how
dialects are kept apart"). SQLite's file-level work (inspecting a file read-only before anything
writes to it, decision 2; creating it complete; write-ahead logging; checkpoints) is
`dialects/sqlite.py`'s, named here for the modules that use it.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from nextround.store import dialects, schema
from nextround.store.dialects.sqlite import (
    BUSY_TIMEOUT_MS,
    SQLITE_HEADER,
    checkpoint,
    inspect_sqlite_file,
)
from nextround.store.dialects.sqlite import create_database_file as _create_database_file
from nextround.store.errors import StoreError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "nextround.db"

__all__ = ["BUSY_TIMEOUT_MS", "DEFAULT_DB_PATH", "PROJECT_ROOT", "SQLITE_HEADER",
           "_create_database_file", "_create_engine", "checkpoint", "default_url",
           "inspect_sqlite_file", "local_folder", "migrate_engine", "sqlite_path", "to_url"]


def default_url() -> str:
    return os.environ.get("NEXTROUND_DB", "").strip() or str(DEFAULT_DB_PATH)


def local_folder() -> Path:
    """Where Next Round keeps its own files for a server database (its backups, the demo):
    `NEXTROUND_DATA_DIR`, else the project's data folder. A file database keeps them beside
    itself."""
    chosen = os.environ.get("NEXTROUND_DATA_DIR", "").strip()
    return Path(chosen).expanduser().resolve() if chosen else DEFAULT_DB_PATH.parent


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    """A database URL: an address as given (`sqlite:///…`, `postgresql+psycopg://…`), or a
    file path made absolute as an SQLite URL."""
    raw = str(path_or_url)
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL; None for a server (whose files aren't ours to touch)
    and for an in-memory database."""
    if url.startswith("sqlite:///"):
        rest = url[len("sqlite:///"):]
        return None if rest in ("", ":memory:") else Path(rest)
    return None


def _create_engine(url: str) -> Engine:
    """The engine for `url`, made by its dialect (pooled, with the dialect's connection set-up
    and its way of beginning reads and writes). An address of an engine Next Round doesn't run
    on is refused in plain words."""
    dialect = dialects.for_url(url)
    try:
        return dialect.create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:  # a malformed URL, no driver
        raise StoreError(f"Can't open the database at that {dialect.NAME} address ("
                         f"{type(exc).__name__}). Nothing was changed.") from exc


def migrate_engine(engine: Engine) -> int:
    """Bring the database behind `engine` to the newest schema in one write transaction, and
    return the version it was at (0: it was new). A database that holds someone else's
    tables, or one a newer Next Round wrote, is refused and left as it was. For a server; an
    SQLite file is inspected before its engine exists (`inspect_sqlite_file`)."""
    try:
        with engine.connect() as conn, conn.begin():
            return schema.migrate(conn)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise StoreError(f"Can't open the database: {reason[0] if reason else exc}. "
                         "Nothing was changed.") from exc
