"""Restore: replace a database with a backup, after checking the backup completely.

Order: validate the candidate (writes nothing) → stage a checked private copy beside the
database → back up the current database → check the copy again → swap. A refusal at any step
leaves both files as they were (decision 16). The command line and the Your data page share it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from nextround.store.backups import backup_name, copy_checked
from nextround.store.database import Store
from nextround.store.errors import (
    CorruptDatabaseError,
    DatabaseProblemsError,
    ForeignDatabaseError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
)
from nextround.store.files import (
    copy_private,
    is_database_file,
    make_private_folder,
    remove_with_companions,
    temp_name,
)
from nextround.store.opening import BUSY_TIMEOUT_MS, inspect_sqlite_file, sqlite_path, to_url
from nextround.store.schema import APPLICATION_ID, TABLES, tables_at
from nextround.store.schema_check import (
    RowCheck,
    _sqlite_select,
    _value_problems,
    database_problems,
)

# --- restore ---------------------------------------------------------------------------------
# Module-level, so the command line and the Your data page share one careful path. Order:
# validate the candidate (writes nothing) → stage a checked copy beside the database → back up
# the current database → swap. A refusal at any step leaves both files as they were.


class RestoreResult:
    """What a restore did: where from, onto what, the safety backup, and the restored rows."""

    def __init__(self, source: Path, target: Path | str, previous_backup: Path | None,
                 counts: dict[str, int]) -> None:
        self.source = source
        self.target = target
        self.previous_backup = previous_backup
        self.counts = counts


def describe_database_file(path: str | os.PathLike[str], *,
                           check_rows: RowCheck) -> dict[str, int]:
    """Validate a file as a restorable Next Round database and count its rows per table.

    Refuses (StoreError) a missing, empty, foreign, newer or damaged file, a schema that isn't
    exactly ours (`schema_problems`), broken links between tables and rows `check_rows` (the
    import's rules, `transfer.stored_value_problems`) refuses; the refusal of a file that
    opens but has problems is a `DatabaseProblemsError` listing them all. Opens the file
    read-only, with schema code untrusted: the file is never changed."""
    candidate = Path(path).expanduser()
    if not candidate.is_file():
        raise StoreError(f"There is no file at {candidate}.")
    app_id, version = inspect_sqlite_file(candidate)
    if app_id != APPLICATION_ID:
        raise ForeignDatabaseError(f"{candidate} is an empty SQLite file, not a Next Round "
                                   "database. Nothing was changed.")
    try:
        con = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True,
                              timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute("PRAGMA trusted_schema = OFF")
            # One snapshot for every read below, and the version read in it: the app may
            # migrate the file between `inspect_sqlite_file` and here (started together after
            # an upgrade), and a v4 schema checked against v1's looked like 28 problems.
            con.execute("BEGIN")
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            problems = database_problems(lambda sql: con.execute(sql).fetchall(), version)
            if not problems:
                problems = _value_problems(_sqlite_select(con), check_rows, version)
            counts = {} if problems else {
                table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                if table in tables_at(version) else 0 for table in TABLES}
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(f"{candidate} is damaged and can't be read ({exc}). "
                                   "Nothing was changed.") from exc
    if problems:
        raise DatabaseProblemsError(candidate, problems)
    return counts


def restore_database(target: str | os.PathLike[str], source: str | os.PathLike[str], *,
                     check_rows: RowCheck, backup_dir: Path | None = None) -> RestoreResult:
    """Replace the database at `target` (a path or sqlite:/// URL) with the backup `source`,
    checked completely first (`describe_database_file`, rows with `check_rows`).

    The current database is backed up first (through the backup API; a damaged one is kept
    as a raw copy), then replaced in one step: through SQLite's backup API when it is healthy,
    so open connections see the new data at once, or by an atomic rename when it is missing
    or damaged. Close or forget any cached Store for `target` afterwards."""
    url = to_url(target)
    path = sqlite_path(url)
    if path is None:
        raise StoreError("Restore works with SQLite database files only.")
    candidate = Path(source).expanduser().resolve()
    if path.exists() and is_database_file(candidate, path):
        raise StoreError("That file is the database itself, so there is nothing to restore.")
    counts = describe_database_file(candidate, check_rows=check_rows)

    healthy = False
    if path.exists():
        try:
            inspect_sqlite_file(path)
            healthy = True
        except CorruptDatabaseError:
            healthy = False  # a damaged database is what restore is for
        except NewerDatabaseError as exc:
            raise StoreError(f"{exc} Restoring an older backup over it was refused.") from exc
        # ForeignDatabaseError and others: someone else's file, never replaced.
        if healthy and (not os.access(path, os.W_OK) or path.stat().st_mode & 0o222 == 0):
            raise ReadOnlyDatabaseError(f"The database file {path} is read-only, so it can't "
                                        "be restored over. Nothing was changed.")

    staged = temp_name(path, "restore-part")
    try:
        make_private_folder(path.parent)
        result = copy_checked(candidate, staged, read_only=True)
        if result != "ok":
            raise CorruptDatabaseError(f"The copy of {candidate} failed its integrity check "
                                       f"({result}). Nothing was changed.")
        # What replaces the database is this private copy: check it as a whole again, in
        # case the file changed after it was first checked.
        counts = describe_database_file(staged, check_rows=check_rows)

        previous: Path | None = None
        folder = backup_dir or path.parent / "backups"
        if healthy:
            current = Store(path, backup_dir=folder)
            try:
                previous = current.backups.make(reason="before-restore")
            finally:
                current.dispose()
            _copy_into(staged, path)
        elif path.exists():
            make_private_folder(folder, tighten=True)
            previous = folder / backup_name(path, "before-restore-damaged")
            copy_private(path, previous)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    if suffix == "-wal":
                        copy_private(side, previous.with_name(previous.name + suffix))
                    side.unlink()
            os.replace(staged, path)
        else:
            os.replace(staged, path)
    except OSError as exc:
        raise StoreError(f"Couldn't restore: {exc.strerror or exc}. Your database was not "
                         "replaced.") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"Couldn't restore: {exc}. Your database was not replaced.") from exc
    finally:
        remove_with_companions(staged)
    Store(path, backup_dir=backup_dir).dispose()  # migrates an older backup, sets permissions
    return RestoreResult(candidate, path, previous, counts)


def _copy_into(staged: Path, path: Path) -> None:
    """Overwrite a healthy database with `staged` through the backup API: one locked write
    that respects the write-ahead log, so there is never a half-replaced file."""
    src = sqlite3.connect(staged, isolation_level=None)
    try:
        dst = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            # SQLite can't back up into a WAL database with another page size: match it.
            size = dst.execute("PRAGMA page_size").fetchone()[0]
            if src.execute("PRAGMA page_size").fetchone()[0] != size:
                src.execute("PRAGMA journal_mode = DELETE")
                src.execute(f"PRAGMA page_size = {int(size)}")
                src.execute("VACUUM")
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()
