"""Backups and restores on either engine, the one way every caller makes them (the command
line, the Your data page, the import, delete-all, the daily backup): `transfer.make_backup`,
`transfer.daily_backup`, `transfer.restore_backup`.

An SQLite database is copied as a file by the store (the online backup API, then an integrity
check: `store.backups`). A server database has no file of ours to copy, so its backup is the
lossless full export (decision 29): every table and column, ids included, written private and
whole into the backup folder, and checked the way a restore will check it (read back through
the full import's rules into an empty database) before it counts as a backup. Its restore is
that import, replacing every row in one transaction: the old rows go only if all the new ones
fit, and the current data is backed up first, as on SQLite.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from nextround.store import (
    SQLITE_HEADER,
    RestoreResult,
    Store,
    StoreError,
    describe_database_file,
    restore_database,
)
from nextround.transfer.export import export_json
from nextround.transfer.json_stream import export_rows
from nextround.transfer.our_json import preview_json, stored_value_problems
from nextround.transfer.reading import check_text
from nextround.transfer.results import ImportRefused


def make_backup(store: Store, out: str | os.PathLike[str] | None = None, *,
                reason: str = "manual") -> Path:
    """A checked backup of `store` into its backup folder (or to `out`); its path."""
    if not store.on_server:
        return store.backups.make(out, reason=reason)
    return store.backups.keep_export(_checked_export(store), out, reason=reason)


def daily_backup(store: Store, today: date) -> Path | None:
    """Today's automatic backup, once a day, of a database that holds data; None when there
    was nothing to do."""
    if not store.on_server:
        return store.backups.daily(today)
    if store.backup_dir is None or store.is_empty() or store.backups.has_daily(today):
        return None
    return store.backups.keep_export(_checked_export(store), day=today)


def _checked_export(store: Store) -> bytes:
    """The full export of `store`, refused unless it would restore: every row read back
    through the full import's rules into an empty database (what `restore` will check)."""
    data = export_json(store)
    _, problems = _export_check(data)
    if problems:
        raise StoreError("The backup couldn't be checked, so it wasn't kept: "
                         f"{problems[0]}. Your database was not changed.")
    return data


def _export_check(data: bytes) -> tuple[dict[str, int], list[str]]:
    """(rows per table, problems) of the export `data` as a full import into an empty
    database sees it: the one check a server's backup passes when made and when restored."""
    empty = Store("sqlite://")
    try:
        check_text(data)
        found = preview_json(empty, data)
    except ImportRefused as refused:
        return {}, [_said(problem) for problem in refused.problems]
    finally:
        empty.dispose()
    return dict(found.table_counts), [_said(problem) for problem in found.errors]


def _said(problem: object) -> str:
    """An import's problem as part of a backup's refusal (which says itself what changed)."""
    return str(problem).removesuffix(" Nothing was imported.").rstrip(".")


def describe_backup(store: Store, source: str | os.PathLike[str]) -> dict[str, int]:
    """Rows per table in a backup `restore_backup` would accept for `store`, or a refusal
    (StoreError) saying why not. Writes nothing."""
    if not store.on_server:
        return describe_database_file(source, check_rows=stored_value_problems)
    return _restorable_export(source)[1]


def _restorable_export(source: str | os.PathLike[str]) -> tuple[bytes, dict[str, int]]:
    """A server's restore file, read whole and checked (`_export_check`): its bytes and rows
    per table, or a StoreError in words. An SQLite file is refused with what to do."""
    candidate = Path(source).expanduser()
    try:
        data = candidate.read_bytes()
    except OSError as exc:
        raise StoreError(f"Can't read {candidate}: {exc.strerror}. Nothing was "
                         "changed.") from exc
    if data[:len(SQLITE_HEADER)] == SQLITE_HEADER:
        raise StoreError(f"{candidate} is an SQLite database file. A server database is "
                         "restored from a full export (.json): export the file's data with "
                         "`python -m nextround --db FILE export --out FILE.json` first. "
                         "Nothing was changed.")
    counts, problems = _export_check(data)
    if problems:
        raise StoreError(f"{candidate} can't be restored: " + "; ".join(problems[:5])
                         + ". Nothing was changed.")
    return data, counts


def restore_backup(store: Store, source: str | os.PathLike[str]) -> RestoreResult:
    """Replace everything in `store` with the backup at `source`: a database file for an
    SQLite store, a full export (`.json`) for a server. Checked completely first; the
    current data is backed up before anything changes. Close or forget cached stores of the
    database afterwards."""
    if not store.on_server:
        target = store.path if store.path is not None else store.url
        return restore_database(target, source, check_rows=stored_value_problems,
                                backup_dir=store.backup_dir)
    data, _ = _restorable_export(source)  # refuses, in words, what it can't restore whole
    previous = make_backup(store, reason="before-restore") if not store.is_empty() else None
    store.transfer.import_everything(export_rows(data), replace=True)
    counts = store.transfer.table_counts()
    store.refresh_statistics()
    return RestoreResult(Path(source).expanduser(), store.where, previous, counts)
