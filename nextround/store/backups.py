"""Backups: their names, which tie each backup to exactly one database (decision 15), checked
copies through SQLite's backup API, removing what a killed copy left behind, and `Backups`
(`store.backups`): making, listing, rotating and deleting one database's backups.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import make_url

from nextround.store.errors import CorruptDatabaseError, StoreError
from nextround.store.files import (
    _LEGACY_TEMP,
    _TEMP,
    PRIVATE_FILE,
    _is_stale,
    check_output_file,
    create_private_file,
    make_private_folder,
    remove_with_companions,
    temp_name,
)
from nextround.store.opening import BUSY_TIMEOUT_MS, SQLITE_HEADER

# Automatic backups (daily, before-something) kept per database; hand-made ones are never
# rotated.
AUTOMATIC_BACKUPS_KEPT = 14


class BackupOwner(Protocol):
    """What `Backups` needs of its store (the `Store`: not imported, as it imports this)."""

    path: Path | None
    backup_dir: Path | None
    url: str
    on_server: bool

    def is_empty(self) -> bool: ...


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


def backup_name(database: Path, reason: str, day: date | None = None, *,
                suffix: str = "db") -> str:
    """`<database file name>.<YYYYMMDD-HHMMSS-ffffff>-<reason>.db`, or
    `<database file name>.<YYYYMMDD>-daily.db` for the once-a-day backup on `day`. A server's
    backups are full exports, `.json`, named after `server_label`."""
    if day is not None:
        return f"{database.name}.{day.strftime('%Y%m%d')}-daily.{suffix}"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return f"{database.name}.{stamp}-{_safe_name(reason)}.{suffix}"


def server_label(url: str) -> str:
    """A file-name-safe name for a server database (`postgresql-host-port-database`): what
    its backups are named after, so each belongs to exactly one database."""
    address = make_url(url)
    parts = ["postgresql", address.host or "local", str(address.port or 5432),
             address.database or "postgres"]
    return "-".join("".join(c if c.isalnum() or c in "_" else "_" for c in part)
                    for part in parts)


def parse_new_backup_name(name: str) -> tuple[str, BackupName] | None:
    """(owner database's file name, what the name says), or None for any other name."""
    parts = name.rsplit(".", 2)
    if len(parts) != 3 or parts[2] not in ("db", "json") or not parts[0]:
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


class Backups:
    """`store.backups`: this database's backup files (SQLite only; none for a URL).

    Not a record type on a transaction (`tx`): a backup copies the committed file through
    SQLite's backup API, so it can't be part of a transaction, and it never writes rows."""

    AUTOMATIC_KEPT = AUTOMATIC_BACKUPS_KEPT

    def __init__(self, store: BackupOwner) -> None:
        self._store = store

    @property
    def _path(self) -> Path | None:
        """The database file, or for a server a name beside its backup folder that its
        backups are named after (never opened: a server's backups are full exports)."""
        if self._store.on_server and self._store.backup_dir is not None:
            return self._store.backup_dir.parent / server_label(self._store.url)
        return self._store.path

    @property
    def _folder(self) -> Path | None:
        return self._store.backup_dir

    def _named(self) -> list[tuple[Path, BackupName]]:
        """This database's backups (tied by exact name, see `backup_name`), newest first."""
        if self._path is None or self._folder is None:
            return []
        found = []
        for path, name in _owned_backups(self._path, self._folder)[0]:
            try:
                found.append((path.stat().st_mtime, path, name))
            except OSError:
                continue  # removed meanwhile
        return [(path, name) for _, path, name in
                sorted(found, key=lambda item: item[0], reverse=True)]

    def files(self) -> list[Path]:
        """This database's backups, newest first."""
        return [path for path, _ in self._named()]

    def ambiguous(self) -> list[Path]:
        """Backups named by an older version that could be this database's or another's with
        a similar name. They are never listed, rotated or deleted as this database's."""
        if self._path is None or self._folder is None:
            return []
        return sorted(_owned_backups(self._path, self._folder)[1])

    def delete_all(self) -> int:
        """Remove this database's backups (and unfinished copies). Returns how many backups."""
        if self._path is None or self._folder is None or not self._folder.is_dir():
            return 0
        removed = 0
        for path in self.files():
            try:
                remove_with_companions(path)
                removed += 1
            except OSError as exc:
                raise StoreError(f"Couldn't delete the backup {path}: {exc.strerror}.") from exc
        remove_leftovers(self._path, self._folder, everything=True)
        return removed

    def daily(self, today: date) -> Path | None:
        """Once a day, a backup of a database that holds data, then rotation. Returns the new
        backup, or None when today's exists already (or there is nothing to keep). A server
        runs for days: each day's run also removes stale leftovers (abandoned uploads). The
        app calls it off the page, on a thread of its own (`nextround/housekeeping.py`)."""
        if self._path is not None:
            remove_leftovers(self._path, self._folder)
        if self._path is None or self._folder is None or self._store.is_empty():
            return None
        if self.has_daily(today):
            return None
        if self._store.on_server:
            return None  # a full export is the domain's to make (`transfer.daily_backup`)
        made = self.make(self._folder / backup_name(self._path, "daily", today))
        self.rotate()
        return made

    def rotate(self, keep: int | None = None) -> list[Path]:
        """Keep the newest automatic backups (daily and before-something ones); never touch
        the ones the user made by hand. Returns what was removed."""
        keep = self.AUTOMATIC_KEPT if keep is None else keep
        automatic = [path for path, name in self._named() if name.automatic]
        removed = []
        for old in automatic[keep:]:
            try:
                remove_with_companions(old)
                removed.append(old)
            except OSError:
                pass  # a backup we can't remove is still a backup: never fail the app on it
        return removed

    def make(self, out: str | os.PathLike[str] | None = None, *,
             reason: str = "manual") -> Path:
        """Online backup API → integrity_check on the copy → atomic rename. Never `cp`.
        `out` follows `check_output_file`: never the database, a link or a special file."""
        if self._path is None or self._store.on_server:
            raise StoreError("A server database is backed up as a full export "
                             "(`transfer.make_backup`), not copied as a file.")
        if out is None:
            if self._folder is None:
                raise StoreError("No backup folder is configured.")
            target = self._folder / backup_name(self._path, reason)
        else:
            target = check_output_file(out, database=self._path, make_folder=True)
        shown = target if out is None else os.fspath(out)
        # Unique per call: two processes on one file (the app and the command line) may
        # both be making a backup.
        partial = temp_name(target, "part")
        try:
            make_private_folder(target.parent, tighten=target.parent == self._folder)
            result = copy_checked(self._path, partial)
            if result != "ok":
                raise CorruptDatabaseError(f"The backup failed its integrity check ({result}).")
            os.replace(partial, target)
        except OSError as exc:
            raise StoreError(f"Couldn't write the backup to {shown}: {exc.strerror}. "
                             "Your database was not changed.") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"Couldn't make the backup: {exc}. "
                             "Your database was not changed.") from exc
        finally:
            remove_with_companions(partial)
        if reason.startswith("before-"):
            self.rotate()
        return target

    def keep_export(self, data: bytes, out: str | os.PathLike[str] | None = None, *,
                    reason: str = "manual", day: date | None = None) -> Path:
        """Keep a server database's backup: its full export (`data`, already checked by the
        domain), written private and whole (a temporary name, then one rename) into the
        backup folder under this database's name, or to `out` (`check_output_file`)."""
        if self._path is None or self._folder is None:
            raise StoreError("No backup folder is configured.")
        if out is None:
            target = self._folder / backup_name(self._path, reason, day, suffix="json")
        else:
            target = check_output_file(out, make_folder=True)
        partial = temp_name(target, "part")
        try:
            make_private_folder(target.parent, tighten=target.parent == self._folder)
            create_private_file(partial, data)
            with open(partial, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except OSError as exc:
            raise StoreError(f"Couldn't write the backup to {out or target}: {exc.strerror}. "
                             "Your database was not changed.") from exc
        finally:
            remove_with_companions(partial)
        if reason.startswith("before-") or day is not None:
            self.rotate()
        return target

    def has_daily(self, today: date) -> bool:
        """Whether today's automatic backup exists already."""
        return any(name.reason == "daily" and name.made.date() == today
                   for _, name in self._named())

    def save_upload(self, data: bytes) -> Path:
        """Keep an uploaded restore file on disk (restore works on files): private, beside
        the database, named so that `discard_upload`, delete-all and the next start (once
        this process is gone) remove it."""
        if self._path is None:
            raise StoreError("Restore works with SQLite database files only.")
        try:
            make_private_folder(self._path.parent)
            return create_private_file(temp_name(self._path, "upload-part"), data)
        except OSError as exc:
            raise StoreError(f"Couldn't keep the uploaded file: {exc.strerror}.") from exc

    def discard_upload(self, path: str | os.PathLike[str]) -> None:
        """Remove a file `save_upload` kept (and only such a file)."""
        path = Path(path)
        match = _TEMP.fullmatch(path.name)
        if (self._path is not None and match is not None and match["kind"] == "upload-part"
                and match["base"] == self._path.name and path.parent == self._path.parent):
            remove_with_companions(path)


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
