"""Backups: their names, which tie each backup to exactly one database (decision 15), checked
copies through SQLite's backup API, and removing what a killed copy left behind.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from nextround.store.files import _LEGACY_TEMP, _TEMP, PRIVATE_FILE, _is_stale, create_private_file
from nextround.store.opening import BUSY_TIMEOUT_MS, SQLITE_HEADER


def copy_checked(source: Path, target: Path, *, read_only: bool = False) -> str:
    """Copy a live database with SQLite's online backup API (never `cp`: a copy made during a
    transaction, or without its WAL, can be corrupt), then integrity-check the copy.
    `target` must not exist yet. Returns what `PRAGMA integrity_check` said ("ok" when
    healthy)."""
    where = f"file:{source}?mode=ro" if read_only else str(source)
    src = sqlite3.connect(where, uri=read_only, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        create_private_file(target)  # new and private before SQLite writes a byte into it
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # A copy in rollback-journal mode is one self-contained file: checking it leaves
            # no -wal/-shm companions behind. Opening it again switches it back to WAL.
            dst.execute("PRAGMA journal_mode = DELETE")
            return dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()


def _safe_name(text_: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text_)[:40] or "backup"


# Backup names. A backup belongs to exactly one database: its name is the database's file
# name, a dot, a strict stamp and reason, and ".db". The rest after the database's name holds
# exactly one dot, so the owner is everything before the second-to-last dot: no name can
# belong to two databases. Older versions named backups `<stem>-<stamp>-<reason>.db`; those
# are still found, parsed as strictly, and left alone whenever they could be another's.
_STAMPED = r"(?P<day>\d{8})-(?:(?P<time>\d{6}-\d{6})-(?P<reason>[\w-]{1,40})|(?P<daily>daily))"
_NEW_REST = re.compile(_STAMPED)
_OLD_REST = re.compile(_STAMPED + r"\.db")


class BackupName:
    """What a backup's file name says: when it was made and why (`daily`, `before-...`)."""

    def __init__(self, made: datetime, reason: str) -> None:
        self.made = made
        self.reason = reason

    @property
    def automatic(self) -> bool:
        return self.reason == "daily" or self.reason.startswith("before-")


def _stamp(match: re.Match[str]) -> BackupName | None:
    try:
        if match["daily"]:
            return BackupName(datetime.strptime(match["day"], "%Y%m%d"), "daily")
        made = datetime.strptime(f"{match['day']}-{match['time']}", "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None  # digits that are no date: not a backup name of ours
    return BackupName(made, match["reason"])


def backup_name(database: Path, reason: str, day: date | None = None) -> str:
    """`<database file name>.<YYYYMMDD-HHMMSS-ffffff>-<reason>.db`, or
    `<database file name>.<YYYYMMDD>-daily.db` for the once-a-day backup on `day`."""
    if day is not None:
        return f"{database.name}.{day.strftime('%Y%m%d')}-daily.db"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return f"{database.name}.{stamp}-{_safe_name(reason)}.db"


def parse_new_backup_name(name: str) -> tuple[str, BackupName] | None:
    """(owner database's file name, what the name says), or None for any other name."""
    parts = name.rsplit(".", 2)
    if len(parts) != 3 or parts[2] != "db" or not parts[0]:
        return None
    match = _NEW_REST.fullmatch(parts[1])
    parsed = _stamp(match) if match else None
    return (parts[0], parsed) if parsed else None


def old_backup_stems(name: str) -> list[tuple[str, BackupName]]:
    """Every (stem, parsed) that could have made the old-style name `name`; more than one
    means the name is ambiguous."""
    found = []
    for index, char in enumerate(name):
        if char == "-" and index > 0:
            match = _OLD_REST.fullmatch(name, index + 1)
            parsed = _stamp(match) if match else None
            if parsed:
                found.append((name[:index], parsed))
    return found


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _stem_is_shared(database: Path) -> bool:
    """Another SQLite file beside `database` with the same stem (jobs.db and jobs.sqlite):
    old-style backup names, which hold only the stem, can't tell the two apart."""
    try:
        entries = list(os.scandir(database.parent))
    except OSError:
        return True  # can't tell: treat old names as ambiguous, so nothing is deleted
    for entry in entries:
        name = entry.name
        if (name != database.name and not name.startswith(database.name)
                and Path(name).stem == database.stem and entry.is_file()
                and _is_sqlite_file(Path(entry.path))):
            return True
    return False


def _owned_backups(database: Path, folder: Path) -> tuple[list[tuple[Path, BackupName]],
                                                          list[Path]]:
    """(this database's backups with what their names say, old-style names that might be
    its but might be another database's). Exact names only, never a pattern."""
    try:
        entries = [e for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
    except OSError:
        return [], []
    ours: list[tuple[Path, BackupName]] = []
    maybe: list[Path] = []
    shared: bool | None = None
    for entry in entries:
        new = parse_new_backup_name(entry.name)
        if new is not None:
            if new[0] == database.name:
                ours.append((Path(entry.path), new[1]))
            continue
        stems = old_backup_stems(entry.name)
        if database.stem not in [stem for stem, _ in stems]:
            continue
        if shared is None:
            shared = _stem_is_shared(database)
        if len(stems) == 1 and not shared:
            ours.append((Path(entry.path), stems[0][1]))
        else:
            maybe.append(Path(entry.path))
    return ours, maybe


def remove_leftovers(database: Path, backup_folder: Path | None, *,
                     everything: bool = False) -> int:
    """Remove unfinished copies a killed process left: backups being made (`.part`),
    restores being staged (`.restore-part`), uploaded restore files (`.upload-part`) and their
    SQLite companions. Only this database's, by exact name; only stale ones unless
    `everything` (delete-all). Ones that must stay are made private. Returns how many went."""
    removed = 0
    places = [(database.parent, lambda base: base == database.name)]
    if backup_folder is not None:
        ours = {p.name for p, _ in _owned_backups(database, backup_folder)[0]}
        places.append((backup_folder, lambda base: _owns_backup_name(database, base, ours)))
    for folder, belongs in places:
        try:
            entries = [e for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
        except OSError:
            continue
        for entry in entries:
            match = _TEMP.fullmatch(entry.name) or _LEGACY_TEMP.fullmatch(entry.name)
            if match is None or not belongs(match["base"]):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if everything or _is_stale(match, info):
                    os.unlink(entry.path)
                    removed += 1
                elif info.st_mode & 0o077:
                    os.chmod(entry.path, PRIVATE_FILE)
            except OSError:
                pass  # gone meanwhile, or not ours to remove: never fail an open on it
    return removed


def _owns_backup_name(database: Path, base: str, known: set[str]) -> bool:
    """Whether `base` (a partial copy's target name) is a backup name of `database`."""
    if base in known:
        return True
    new = parse_new_backup_name(base)
    if new is not None:
        return new[0] == database.name
    stems = old_backup_stems(base)
    return len(stems) == 1 and stems[0][0] == database.stem


@dataclass(frozen=True)
class BackupFile:
    """One backup as the data page lists it: its file, when it was written, and its size."""

    path: Path
    made: datetime
    size: int


def describe_backups(paths: Iterable[Path]) -> list[BackupFile]:
    """`paths` with their times and sizes, in order; one removed meanwhile is left out."""
    found = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        found.append(BackupFile(path, datetime.fromtimestamp(info.st_mtime), info.st_size))
    return found
