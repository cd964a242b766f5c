"""Private files and folders, leftover-safe temporary names, and the one rule for `--out` targets.

Every file Next Round creates is private from its first byte (0600, folders 0700): created with
that mode, never created and chmod-ed afterwards (decision 15).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from datetime import datetime
from pathlib import Path

from nextround.store.errors import StoreError

# --- private files, backup names, leftovers and output targets --------------------------------
# Every file Next Round creates is private from its first byte (0600, folders 0700): created
# with that mode, never created and chmod-ed afterwards. SQLite gives the -journal, -wal and
# -shm files it creates the mode of their database, so a database created private stays so.

PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700
LEFTOVER_MAX_AGE_S = 6 * 3600  # no copy takes this long: older leftovers are stale anyway
_LEGACY_MAX_AGE_S = 10 * 60  # a running copy touches its file far more often than this
_COMPANIONS = ("-journal", "-wal", "-shm")
_PROCESS_TOKEN = os.urandom(4).hex()  # tells this process from an earlier one with our pid
_calls = itertools.count(1)


def make_private_folder(folder: Path, *, tighten: bool = False) -> None:
    """Create `folder` and any missing parents as 0700. An existing folder is left as it is,
    unless `tighten` says it is Next Round's own (data/, backups/): then it becomes 0700."""
    missing: list[Path] = []
    walk = Path(folder)
    while not walk.exists() and walk != walk.parent:
        missing.append(walk)
        walk = walk.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            continue
        os.chmod(part, PRIVATE_FOLDER)
    if tighten and not missing:
        try:
            if Path(folder).stat().st_mode & 0o077:
                os.chmod(folder, PRIVATE_FOLDER)
        except OSError:
            pass  # not ours to change (another owner): the files inside are private anyway


def create_private_file(path: Path, data: bytes = b"") -> Path:
    """Create a new file (never an existing one, never through a link) readable by the user
    only, holding `data`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags, PRIVATE_FILE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)
    return path


def copy_private(source: Path, target: Path) -> None:
    """A raw byte copy into a new private file (`shutil.copy2` would copy the source's mode)."""
    import shutil

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with open(source, "rb") as src, os.fdopen(os.open(target, flags, PRIVATE_FILE), "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def temp_name(base: Path, kind: str) -> Path:
    """A leftover-safe name for a file being made beside `base`: `<base name>.<pid>-<token>-<n>
    .<kind>`. The pid and this process's token let a later start tell a dead copy from a
    running one."""
    return base.with_name(f"{base.name}.{os.getpid()}-{_PROCESS_TOKEN}-{next(_calls)}.{kind}")


_TEMP = re.compile(r"(?P<base>.+)\.(?P<pid>\d+)-(?P<token>[0-9a-f]{8})-\d+"
                   r"\.(?P<kind>part|restore-part|upload-part|create-part|import-part)"
                   r"(?:-journal|-wal|-shm)?")
_LEGACY_TEMP = re.compile(r"(?P<base>.+)\.(?:(?:\d+-\d+\.)?part|restore-part)"
                          r"(?:-journal|-wal|-shm)?")


def remove_with_companions(path: Path) -> None:
    """Remove `path` and its SQLite companions; ones that aren't there are fine, also when
    their folder isn't one (a cleanup after a failed write must not hide why it failed)."""
    for side in (path, *(path.with_name(path.name + suffix) for suffix in _COMPANIONS)):
        try:
            side.unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    except OSError:
        return False
    return True


def _is_stale(match: re.Match[str], info: os.stat_result) -> bool:
    """A leftover no copy running right now can be using."""
    age = datetime.now().timestamp() - info.st_mtime
    if "pid" not in match.re.groupindex:  # an older version's name: its age alone tells
        return age > _LEGACY_MAX_AGE_S
    if age > LEFTOVER_MAX_AGE_S:
        return True
    pid = int(match["pid"])
    if pid == os.getpid():
        return match["token"] != _PROCESS_TOKEN  # an earlier process that had our pid
    return not _pid_alive(pid)


# Older versions kept an uploaded restore file in <temp>/nextround-restore-*/candidate.db.
_LEGACY_UPLOAD_FOLDER = re.compile(r"nextround-restore-\w+")
_LEGACY_UPLOAD_FILES = {"candidate.db", *(f"candidate.db{suffix}" for suffix in _COMPANIONS)}


def remove_stale_temp_folders() -> int:
    """Remove the restore uploads an older version left in the temp folder when the user
    walked away. Only this user's, only stale ones (see `_is_stale`). Returns how many went."""
    import shutil
    import tempfile

    removed = 0
    try:
        entries = [e for e in os.scandir(tempfile.gettempdir())
                   if e.name.startswith("nextround-") and e.is_dir(follow_symlinks=False)]
    except OSError:
        return 0
    for entry in entries:
        match = _LEGACY_UPLOAD_FOLDER.fullmatch(entry.name)
        try:
            info = entry.stat(follow_symlinks=False)
            if (match is None or info.st_uid != os.geteuid() or not _is_stale(match, info)
                    or not set(os.listdir(entry.path)) <= _LEGACY_UPLOAD_FILES):
                continue
            shutil.rmtree(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def check_output_file(out: str | os.PathLike[str], *, database: Path | None = None,
                      make_folder: bool = False) -> Path:
    """The one rule for every file a command writes where the user points (`--out`): a new
    path, or an existing regular file that is not the database or one of its companions.
    A link, folder, device, pipe or socket is refused, so writing never replaces one.
    Messages name the path as the user gave it. Returns the path to write."""
    shown = os.fspath(out)
    path = Path(shown).expanduser()
    if not shown:
        raise StoreError("Give the name of a file to write. Nothing was written.")
    if shown.endswith(("/", os.sep)) or Path(shown).name in ("", ".", ".."):
        raise StoreError(f"{shown} is a folder. Give a file name inside it. "
                         "Nothing was written.")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StoreError(f"Can't write to {shown}: {exc.strerror}. Nothing was written.") from exc
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise StoreError(f"{shown} is a link. Give the file it points to, or a new name. "
                             "Nothing was written.")
        if stat.S_ISDIR(info.st_mode):
            raise StoreError(f"{shown} is a folder. Give a file name inside it. "
                             "Nothing was written.")
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"{shown} is not a regular file (it is a device, pipe or socket). "
                             "Nothing was written.")
    folder = path.parent
    if folder.exists():
        if not folder.is_dir():
            raise StoreError(f"{folder} is not a folder, so {shown} can't be written. "
                             "Nothing was written.")
    elif not make_folder:
        raise StoreError(f"The folder {folder} doesn't exist. Nothing was written.")
    if database is not None and is_database_file(path, database):
        raise StoreError(f"{shown} is the database itself (or one of its files). Give "
                         "another name. Nothing was written.")
    in_use = _database_companion(path)
    if in_use is not None:
        raise StoreError(f"{shown} belongs to a database that is open or has unfinished "
                         f"writes ({in_use.name} is beside it): replacing it would damage "
                         "that database. Give another name. Nothing was written.")
    return path


def _database_companion(path: Path) -> Path | None:
    """A -journal/-wal/-shm beside `path`, or the file whose companion `path` is named as.
    SQLite applies such a file to whatever file then has the name, so writing a new file
    there (any database, not only ours) corrupts it."""
    for suffix in _COMPANIONS:
        side = path.with_name(path.name + suffix)
        if os.path.lexists(side):
            return side
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            owner = path.with_name(path.name[:-len(suffix)])
            if owner.is_file():
                return owner
    return None


def is_database_file(path: Path, database: Path) -> bool:
    """`path` is `database` or its -journal/-wal/-shm, by any route: links, `..`, a hard
    link, or another spelling of the name on a disk that ignores case."""
    real, base = Path(os.path.realpath(path)), Path(os.path.realpath(database))
    names = {base.name + suffix for suffix in ("", *_COMPANIONS)}
    if real.parent == base.parent or _same_file(real.parent, base.parent):
        if real.name in names:
            return True
        swapped = base.with_name(base.name.swapcase())
        if (swapped != base and _same_file(swapped, base)
                and real.name.casefold() in {name.casefold() for name in names}):
            return True
    return any(_same_file(path, Path(f"{base}{suffix}")) for suffix in ("", *_COMPANIONS))


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def file_version(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(modification time in ns, size) of a file, or None when it is gone: what tells one
    version of a file from the next, so a slow check of it can run once per version."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size
