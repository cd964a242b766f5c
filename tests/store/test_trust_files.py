"""Issue 14, files: a backup belongs to exactly one database; every file and folder Next Round
makes is private from its first byte, and unfinished copies don't outlive the next start;
`--out` never replaces a link, a special file or the database.

Real SQLite files in tmp folders, the real command line (in process for the many refusals)
and the real Streamlit runtime for the page. The umask is the common 022 throughout, so
privacy must come from the modes Next Round creates files with, not from the environment.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from nextround import demo, transfer
from nextround.store import Store
from tests import factories
from tests.conftest import ROOT, TODAY, cli, digest, no_exception, open_page


@pytest.fixture(autouse=True)
def _usual_umask() -> None:
    """The umask most systems start with: group and others may read what it creates."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)




def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def not_private(*folders: Path) -> list[str]:
    """Every file or folder under `folders` (themselves included) that group or others may
    read, write or enter."""
    found = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in [folder, *folder.rglob("*")]:
            if mode(path) & 0o077:
                found.append(f"{path} {oct(mode(path))}")
    return found


def dead_pid() -> int:
    """The pid of a process that has already ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- 1. a backup belongs to exactly one database ----------------------------------------------

def _old_style(folder: Path, name: str) -> Path:
    """A backup as an older Next Round named it (`<stem>-<stamp>-<reason>.db`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    Store(folder.parent / "source-of-old.db").backups.make(path)
    return path


def test_two_databases_in_one_folder_keep_their_own_backups(tmp_path: Path) -> None:
    short, long = Store(tmp_path / "nextround.db"), Store(tmp_path / "nextround-2025.db")
    factories.application(short, "Short")
    factories.application(long, "Long")
    backups = tmp_path / "backups"
    old_short = _old_style(backups, "nextround-20261101-101010-000001-manual.db")
    old_long = _old_style(backups, "nextround-2025-20261101-101010-000002-manual.db")
    hand_short, hand_long = short.backups.make(), long.backups.make()
    daily_short = short.backups.daily(TODAY)
    daily_long = long.backups.daily(TODAY)
    assert daily_short is not None and daily_long is not None

    assert set(short.backups.files()) == {old_short, hand_short, daily_short}
    assert set(long.backups.files()) == {old_long, hand_long, daily_long}
    # Each database's daily backup is its own: the other one's doesn't count as "done today".
    assert short.backups.daily(TODAY) is None and long.backups.daily(TODAY) is None

    # Rotation of one never removes the other's automatic backups.
    for day in range(1, 20):
        short.backups.daily(date(2026, 12, day))
    assert daily_long in long.backups.files()

    # "Delete all my data, and the backups" removes this database's backups only.
    short.delete_all_data()
    removed = short.backups.delete_all()
    assert short.backups.files() == [] and removed >= 2
    assert set(long.backups.files()) == {old_long, hand_long, daily_long}
    assert all(p.exists() for p in (old_long, hand_long, daily_long))


@pytest.mark.parametrize("name", ["jobs[1].db", "[x].db", "notes[a-z]*?.db",
                                  "my-before-work.db"])
def test_a_database_with_any_name_finds_rotates_and_deletes_its_own_backups(
        tmp_path: Path, name: str) -> None:
    store = Store(tmp_path / name)
    factories.application(store)
    hand = store.backups.make(reason="manual")
    first = store.backups.daily(TODAY)
    assert store.backups.files()[-1] == hand and first in store.backups.files()
    for day in range(1, 20):
        store.backups.daily(date(2026, 12, day))
    kept = store.backups.files()
    assert hand in kept  # hand-made: never rotated, whatever the database is called
    assert len(kept) == store.backups.AUTOMATIC_KEPT + 1
    assert not (tmp_path / "backups" / first.name).exists()  # the oldest daily was rotated
    assert store.backups.delete_all() == len(kept)
    assert store.backups.files() == [] and list((tmp_path / "backups").iterdir()) == []


def test_old_backup_names_that_could_be_another_databases_are_never_deleted(
        tmp_path: Path) -> None:
    """`jobs.db` and `jobs.sqlite` both named their backups `jobs-<stamp>-<reason>.db`: such a
    name can't be told apart, so neither database lists, rotates or deletes it."""
    store = Store(tmp_path / "jobs.db")
    Store(tmp_path / "jobs.sqlite").dispose()
    factories.application(store)
    unclear = _old_style(tmp_path / "backups", "jobs-20261101-101010-000001-before-import.db")
    mine = store.backups.make()
    assert store.backups.files() == [mine]
    assert Store(tmp_path / "jobs.sqlite").backups.files() == []
    assert store.backups.ambiguous() == [unclear]
    for day in range(1, 20):
        store.backups.daily(date(2026, 12, day))
    assert store.backups.delete_all() >= 1
    assert unclear.exists()


def test_delete_all_with_backups_on_the_page_spares_another_databases(store: Store,
                                                                      tmp_path: Path) -> None:
    factories.application(store, "Gone")
    other = Store(tmp_path / "nextround-2025.db")
    factories.application(other, "Other")
    theirs = [other.backups.make(), other.backups.make(reason="before-import"),
              _old_style(tmp_path / "backups", "nextround-2025-20261101-101010-000002-manual.db")]
    at = open_page("app_pages/data.py", via_app=False)
    at.checkbox(key="delete_backups").check()
    at.text_input(key="delete_phrase").set_value("delete my data")
    at.button(key="delete_confirm").click().run()
    no_exception(at)
    assert store.is_empty() and store.backups.files() == []
    assert all(p.exists() for p in theirs)
    assert sorted(other.backups.files()) == sorted(theirs)


# --- 2. private from the first byte; leftovers cleaned -----------------------------------------

def test_a_new_database_its_folders_and_backups_are_private(tmp_path: Path) -> None:
    root = tmp_path / "home"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    store = Store(root / "new" / "data" / "nextround.db")
    factories.application(store)
    store.backups.make()
    store.backups.make(reason="before-import")
    store.backups.daily(TODAY)
    assert not_private(root / "new") == []
    assert mode(root) == 0o755  # a folder the user already had is not ours to change


def test_a_backups_folder_an_older_version_made_readable_becomes_private(tmp_path: Path) -> None:
    store = Store(tmp_path / "nextround.db")
    factories.application(store)
    store.dispose()
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    Store(tmp_path / "nextround.db").dispose()
    assert mode(folder) == 0o700


def test_files_an_older_version_left_readable_become_private_before_use(tmp_path: Path) -> None:
    db = tmp_path / "nextround.db"
    store = Store(db)
    factories.application(store)
    old_copy = store.backups.make()
    store.dispose()
    for path in (db, old_copy):
        os.chmod(path, 0o644)
    for companion in ("-wal", "-shm"):
        Path(f"{db}{companion}").unlink(missing_ok=True)
    store = Store(db)
    # the write-ahead log SQLite makes now takes the database's mode
    factories.application(store, "Next")
    assert mode(db) == 0o600 and mode(old_copy) == 0o600
    assert [p.name for p in tmp_path.iterdir() if mode(p) & 0o077] == []


def test_the_raw_copy_of_a_damaged_database_is_private(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    good = Store(tmp_path / "good.db")
    demo.fill(good, applications=40, seed=2, today=TODAY)
    good.dispose()
    db = tmp_path / "broken.db"
    Store(tmp_path / "good.db").backups.make(db)
    data = bytearray(db.read_bytes())
    data[4096 * 2: 4096 * 3] = os.urandom(4096)
    db.write_bytes(bytes(data))
    os.chmod(db, 0o644)  # as an older version left it
    code, _, err = cli(capsys, "restore", str(tmp_path / "good.db"), "--db", str(db))
    assert code == 0, err
    kept = list((tmp_path / "backups").iterdir())
    assert len(kept) == 1 and "before-restore-damaged" in kept[0].name
    assert not_private(tmp_path / "backups") == []
    assert mode(db) == 0o600


LEFTOVER_KINDS = ("part", "restore-part", "upload-part")


def _fake_leftover(folder: Path, base: str, pid: int, kind: str, token: str = "0badf00d",
                   age_s: float = 0, companions: bool = True) -> list[Path]:
    """Files as a process killed in the middle of a copy leaves them (readable by others, as
    SQLite made them under an older version)."""
    made = []
    folder.mkdir(parents=True, exist_ok=True)
    main_file = folder / f"{base}.{pid}-{token}-1.{kind}"
    for path in [main_file, *([main_file.with_name(main_file.name + "-journal")]
                              if companions else [])]:
        path.write_bytes(b"private data")
        os.chmod(path, 0o644)
        if age_s:
            then = time.time() - age_s
            os.utime(path, (then, then))
        made.append(path)
    return made


def test_the_next_start_removes_what_a_killed_copy_left_and_nothing_else(tmp_path: Path) -> None:
    db = tmp_path / "nextround.db"
    store = Store(db)
    factories.application(store)
    hand = store.backups.make()
    store.dispose()
    backups = tmp_path / "backups"
    gone = dead_pid()
    stale = (_fake_leftover(tmp_path, "nextround.db", gone, "restore-part")
             + _fake_leftover(tmp_path, "nextround.db", gone, "upload-part")
             + _fake_leftover(backups, "nextround.db.20261125-101010-000000-manual.db", gone,
                              "part")
             + _fake_leftover(backups, "nextround.db.20261125-daily.db", os.getpid(), "part"))
    legacy = tmp_path / "nextround.db.restore-part"  # an older version's: only its age tells
    legacy.write_bytes(b"private data")
    os.utime(legacy, (time.time() - 3600, time.time() - 3600))
    stale.append(legacy)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = (_fake_leftover(tmp_path, "nextround.db", running.pid, "restore-part")
                + _fake_leftover(backups, hand.name, running.pid, "part"))
        others = (_fake_leftover(tmp_path, "nextround-2025.db", gone, "restore-part")
                  + _fake_leftover(backups, "nextround-2025.db.20261125-daily.db", gone, "part")
                  + _fake_leftover(tmp_path, "nextround.db.backup", gone, "restore-part"))
        Store(db).dispose()
        assert [p for p in stale if p.exists()] == []
        assert all(p.exists() for p in live + others)
        assert [p for p in live if mode(p) != 0o600] == []  # kept, but made private
        assert hand.exists() and Store(db).backups.files() == [hand]
    finally:
        running.kill()
        running.wait()


@pytest.mark.sqlite_only
def test_delete_all_removes_every_unfinished_copy_and_upload(store: Store, tmp_path: Path) -> None:
    factories.application(store, "Secret")
    left = (_fake_leftover(tmp_path, "nextround.db", os.getpid(), "upload-part")
            + _fake_leftover(tmp_path, "nextround.db", dead_pid(), "restore-part")
            + _fake_leftover(tmp_path / "backups", "nextround.db.20261125-daily.db",
                             dead_pid(), "part"))
    store.delete_all_data()
    assert [p for p in left if p.exists()] == []


def test_the_next_start_removes_an_upload_an_older_version_abandoned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    abandoned = scratch / "nextround-restore-abc123"
    recent = scratch / "nextround-restore-def456"
    someone_elses = scratch / "nextround-restore-ghi789"
    for folder in (abandoned, recent, someone_elses):
        folder.mkdir(mode=0o700)
        (folder / "candidate.db").write_bytes(b"private data")
    (someone_elses / "notes.txt").write_text("not an upload")
    for folder in (abandoned, someone_elses):
        os.utime(folder, (time.time() - 3600, time.time() - 3600))
    Store(tmp_path / "nextround.db").dispose()
    assert not abandoned.exists()
    assert recent.exists() and someone_elses.exists()


def test_the_next_start_removes_what_a_killed_import_into_a_new_database_left(
        tmp_path: Path) -> None:
    """`import` into a missing database builds it under a temporary name beside the target;
    a command killed meanwhile leaves that file (holding the file's rows) behind, private,
    and the next start removes it."""
    target = tmp_path / "new" / "nextround.db"
    code = ("import os; from pathlib import Path; "
            "from nextround.__main__ import _import_into_new; "
            f"_import_into_new(Path({str(target)!r}), "
            "lambda store, backup: os.kill(os.getpid(), 9), keep=True)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    left = [p.name for p in target.parent.iterdir()]
    assert any(name.startswith("nextround.db.") and ".import-part" in name for name in left)
    assert not target.exists()
    assert not_private(tmp_path / "new") == []
    Store(target).dispose()
    assert [p.name for p in target.parent.iterdir() if "import-part" in p.name] == []


def _valid_backup(tmp_path: Path) -> bytes:
    source = Store(tmp_path / "elsewhere" / "source.db")
    factories.application(source, "From upload")
    copy = source.backups.make(tmp_path / "elsewhere" / "upload.db")
    return copy.read_bytes()


def _saved_upload(at) -> Path:  # noqa: ANN001 - an AppTest
    return Path(at.session_state["restore_upload_saved"][1])


@pytest.mark.sqlite_only
@pytest.mark.parametrize("leave", ["clear", "pick_a_backup", "delete_all"])
def test_an_abandoned_restore_upload_is_removed(store: Store, tmp_path: Path,
                                                leave: str) -> None:
    factories.application(store, "Mine")
    data = _valid_backup(tmp_path)
    at = open_page("app_pages/data.py", via_app=False)
    at.radio(key="restore_source").set_value("A file I upload").run()
    at.file_uploader(key="restore_upload").upload("mine.db", data).run()
    no_exception(at)
    saved = _saved_upload(at)
    assert saved.read_bytes() == data and mode(saved) == 0o600
    if leave == "clear":
        at.file_uploader(key="restore_upload").clear().run()
    elif leave == "pick_a_backup":
        at.radio(key="restore_source").set_value("One of my backups").run()
    else:
        at.checkbox(key="delete_backups").check()
        at.text_input(key="delete_phrase").set_value("delete my data")
        at.button(key="delete_confirm").click().run()
    no_exception(at)
    at.run()  # and on the next rerun too: the copy is not made again
    no_exception(at)
    assert not saved.exists()
    assert [p.name for p in tmp_path.iterdir() if "upload" in p.name] == []
    assert store.count("applications") == (0 if leave == "delete_all" else 1)


@pytest.mark.sqlite_only
def test_a_finished_upload_restore_leaves_no_copy(store: Store, tmp_path: Path) -> None:
    factories.application(store, "Mine")
    at = open_page("app_pages/data.py", via_app=False)
    at.radio(key="restore_source").set_value("A file I upload").run()
    at.file_uploader(key="restore_upload").upload("mine.db", _valid_backup(tmp_path)).run()
    saved = _saved_upload(at)
    at.checkbox(key="restore_agree").check().run()
    at.button(key="restore_confirm").click().run()
    no_exception(at)
    assert not saved.exists()
    state = at.session_state
    again = state["restore_upload_saved"] if "restore_upload_saved" in state else None
    assert again is None or not Path(again[1]).exists()  # not kept again on the next rerun
    assert [r["company"] for r in Store(store.path).transfer.export_rows()["applications"]] == [
        "From upload"]
    leftovers = [p.name for p in tmp_path.iterdir() if "part" in p.name]
    assert leftovers == []


# --- 8. --out never replaces what it points at ------------------------------------------------

COMMANDS = {
    "export": ["export"],
    "backup": ["backup"],
    "review": ["review", "--week", "2026-W48", "--no-charts"],
}


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "nextround.db"
    store = Store(db)
    demo.fill(store, applications=30, seed=3, today=TODAY)
    store.dispose()
    return db


def _special_target(tmp_path: Path, kind: str, db: Path) -> tuple[str, Callable[[], bool]]:
    """(the --out the user gives, a check that what it pointed at is unchanged)."""
    if kind == "symlink":
        real = tmp_path / "real.txt"
        real.write_text("keep me")
        link = tmp_path / "link.out"
        link.symlink_to(real)
        return str(link), lambda: link.is_symlink() and real.read_text() == "keep me"
    if kind == "dangling_symlink":
        link = tmp_path / "dangling.out"
        link.symlink_to(tmp_path / "nowhere.txt")
        return str(link), lambda: link.is_symlink() and not (tmp_path / "nowhere.txt").exists()
    if kind == "device":
        node = tmp_path / "null"
        try:
            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
        except OSError:
            pytest.skip("can't make a device node here")
        return str(node), lambda: stat.S_ISCHR(os.lstat(node).st_mode)
    if kind == "fifo":
        pipe = tmp_path / "pipe"
        os.mkfifo(pipe)
        return str(pipe), lambda: stat.S_ISFIFO(os.lstat(pipe).st_mode)
    if kind == "folder":
        folder = tmp_path / "exports"
        folder.mkdir()
        return str(folder), lambda: folder.is_dir() and list(folder.iterdir()) == []
    if kind == "new_folder_with_a_slash":
        return str(tmp_path / "not-yet") + "/", lambda: not (tmp_path / "not-yet").exists()
    before = digest(db)
    if kind == "database":
        return str(db), lambda: digest(db) == before
    if kind in ("wal", "shm", "journal"):
        return f"{db}-{kind}", lambda: digest(db) == before
    if kind == "through_a_linked_folder":
        via = tmp_path / "shortcut"
        via.symlink_to(db.parent, target_is_directory=True)
        return str(via / db.name), lambda: digest(db) == before
    if kind == "dotted_path_to_database":
        return str(db.parent / ".." / db.parent.name / db.name), lambda: digest(db) == before
    if kind == "hard_link_to_database":
        other = tmp_path / "same-file.db"
        os.link(db, other)
        return str(other), lambda: digest(db) == before and os.path.samefile(db, other)
    raise AssertionError(kind)


def _names(folder: Path) -> list[str]:
    """What is in `folder`, leaving out the -wal/-shm SQLite keeps beside an opened database."""
    return sorted(p.name for p in folder.rglob("*")
                  if not p.name.endswith(("nextround.db-wal", "nextround.db-shm")))


TARGETS = ["symlink", "dangling_symlink", "device", "fifo", "folder", "new_folder_with_a_slash",
           "database", "wal", "shm",
           "journal", "through_a_linked_folder", "dotted_path_to_database",
           "hard_link_to_database"]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", TARGETS)
def test_out_is_refused_when_it_is_not_a_new_path_or_a_regular_file(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str], command: str,
        kind: str) -> None:
    given, unchanged = _special_target(tmp_path, kind, seeded)
    before = _names(tmp_path)
    code, out, err = cli(capsys, *COMMANDS[command], "--db", str(seeded), "--out", given)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and given in err, err
    assert ".part" not in err and "Traceback" not in err
    assert unchanged()
    assert _names(tmp_path) == before  # nothing written anywhere
    assert Store(seeded).integrity_problems(transfer.stored_value_problems) == []


def test_review_refuses_a_chart_file_that_is_a_link_and_writes_nothing(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "keep.png"
    real.write_bytes(b"mine")
    (tmp_path / "week-applications-per-week.png").symlink_to(real)
    code, _, err = cli(capsys, "review", "--week", "2026-W48", "--db", str(seeded),
                       "--out", str(tmp_path / "week.md"))
    assert code == 2 and "week-applications-per-week.png" in err
    assert real.read_bytes() == b"mine" and not (tmp_path / "week.md").exists()


def test_out_still_writes_a_new_file_or_replaces_a_regular_one(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "old.json"
    existing.write_text("old")
    os.chmod(existing, 0o644)
    assert cli(capsys, "export", "--db", str(seeded), "--out", str(existing))[0] == 0
    assert existing.read_text().startswith("{") and mode(existing) == 0o600
    made = tmp_path / "new-folder" / "copy.db"
    assert cli(capsys, "backup", "--db", str(seeded), "--out", str(made))[0] == 0
    assert Store(made).count("applications") == 30
    assert not_private(tmp_path / "new-folder") == []


def test_the_entry_point_refuses_dev_null_as_out(tmp_path: Path, seeded: Path) -> None:
    """/dev/null itself, through the real entry point. It runs only when the rule is in
    place (a refusal is checked on a harmless target first), so a broken build can never
    replace the machine's /dev/null."""
    pipe = tmp_path / "probe"
    os.mkfifo(pipe)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEXTROUND_TODAY": TODAY.isoformat()}
    probe = subprocess.run([sys.executable, "-m", "nextround", "export", "--db", str(seeded),
                            "--out", str(pipe)], env=env, capture_output=True, text=True,
                           timeout=60)
    assert probe.returncode == 2 and stat.S_ISFIFO(os.lstat(pipe).st_mode), probe.stderr
    for command in COMMANDS.values():
        result = subprocess.run([sys.executable, "-m", "nextround", *command, "--db",
                                 str(seeded), "--out", "/dev/null"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and "/dev/null" in result.stderr, result.stderr
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_the_library_never_backs_up_onto_the_database_or_a_folder(
        tmp_path: Path, seeded: Path) -> None:
    """The rule lives in the store, so Python callers (and the page) get it too."""
    from nextround.store import StoreError

    store = Store(seeded)
    for target in (seeded, Path(f"{seeded}-wal"), tmp_path / "data"):
        with pytest.raises(StoreError):
            store.backups.make(target)
    assert store.integrity_problems(transfer.stored_value_problems) == []
    con = sqlite3.connect(seeded)
    assert con.execute("SELECT count(*) FROM applications").fetchone()[0] == 30
    con.close()
