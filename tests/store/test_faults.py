"""Faults: concurrent writers, SIGKILL mid-import, and damaged or locked-down database files
meeting the import and export paths (command line included). Nothing may be lost or changed.

Processes are forked (not spawned) so each one starts in milliseconds: the parent has no open
database connection at fork time (the store connects per unit of work), so nothing is shared.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nextround import transfer
from nextround.__main__ import main as cli
from nextround.store import SCHEMA_VERSION, Store
from tests import factories
from tests.conftest import ROOT, TODAY

FORK = multiprocessing.get_context("fork")
GOOD_CSV = b"Company,Role,Date applied,Status\nAcme,Dev,2026-01-05,Applied\n"


# --- concurrent writers ---------------------------------------------------------------------

def _writer(path: str, who: int, count: int) -> None:
    store = Store(path)
    for i in range(count):
        factories.application(store, f"Writer {who}", role=f"row {i}", applied_on="2026-01-05")
    store.dispose()


def test_two_processes_times_500_writes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    Store(path).dispose()
    workers = [FORK.Process(target=_writer, args=(str(path), who, 500)) for who in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    store = Store(path)
    assert store.count("applications") == 1_000
    assert store.count("events") == 1_000
    roles = store.frame("SELECT company, count(DISTINCT role) AS n FROM applications "
                        "GROUP BY company ORDER BY company")
    assert roles.to_dict("records") == [{"company": "Writer 1", "n": 500},
                                        {"company": "Writer 2", "n": 500}]
    assert store.integrity_problems(transfer.stored_value_problems) == []


# --- SIGKILL in the middle of a large import ------------------------------------------------

ROWS = 20_000


def _importer(path: str, rows: list[dict], writing) -> None:  # noqa: ANN001 - an Event
    """What transfer.import_file does after the preview: back up, then one write."""
    store = Store(path)
    store.backups.make(reason="before-import")
    store.transfer.import_applications(rows, progress=lambda done, total: writing.set(),
                                       chunk=1_000)


def test_sigkill_during_a_large_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    seed = Store(base)
    for i in range(3):
        factories.application(seed, f"Before {i}", applied_on="2026-01-05")
    seed.dispose()
    text = "Company,Role,Date applied,Status\n" + "".join(
        f"Company {i},Role {i},2026-01-{i % 28 + 1:02d},{'Rejected' if i % 3 else 'Applied'}\n"
        for i in range(ROWS))
    found = transfer.preview(Store(base), text.encode())
    assert found.ok and len(found.rows) == ROWS
    rows = [{k: v for k, v in r.items() if k != "_line"} for r in found.rows]
    later_stages = sum(1 for r in rows if r["stage"] != "applied")

    rng = random.Random(8)
    outcomes = []
    started = time.monotonic()
    for attempt in range(20):
        path = tmp_path / f"kill-{attempt}.db"
        path.write_bytes(base.read_bytes())
        writing = FORK.Event()
        child = FORK.Process(target=_importer, args=(str(path), rows, writing))
        child.start()
        if attempt % 2 == 0:
            # Half the kills land inside the write transaction, after its first chunk.
            assert writing.wait(60)
            time.sleep(rng.uniform(0, 0.4))
        else:
            time.sleep(rng.uniform(0, 1.5))  # anywhere: start-up, backup, or the write
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        store = Store(path)
        assert store.integrity_problems(transfer.stored_value_problems) == []
        count = store.count("applications")
        assert count in (3, 3 + ROWS), f"attempt {attempt}: {count} rows"
        events = store.count("events")
        assert events == (3 if count == 3 else 3 + ROWS + later_stages), events
        outcomes.append(count)
        store.dispose()
    assert 3 in outcomes  # at least some kills really interrupted the import
    assert time.monotonic() - started < 90


# --- damaged, newer and read-only databases through the import and export paths -------------

def _corrupt(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))


def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _newer(path: Path) -> None:
    Store(path).dispose()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()


def _read_only(path: Path) -> None:
    store = Store(path)
    factories.application(store, "Mine", applied_on="2026-01-05")
    store.dispose()
    path.chmod(0o444)


BAD_DATABASES = {
    "corrupt": (_corrupt, "damaged"),
    "zero-length": (_zero, "empty (0 bytes)"),
    "newer": (_newer, "newer version of Next Round"),
    "read-only": (_read_only, "read-only"),
}


def _files(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, except SQLite's own -wal/-shm side files (a read-only look at a
    WAL-mode database may create empty ones; they hold no data of the user's)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


@pytest.mark.parametrize("kind", list(BAD_DATABASES))
@pytest.mark.parametrize("command", ["import", "import --dry-run", "export"])
def test_bad_database_files_get_a_clear_message_and_stay_byte_identical(
        tmp_path: Path, capsys: pytest.CaptureFixture, kind: str, command: str) -> None:
    make, words = BAD_DATABASES[kind]
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "nextround.db"
    make(db)
    source = tmp_path / "in.csv"
    source.write_bytes(GOOD_CSV)
    before = _files(folder)
    if command == "export":
        argv = ["export", "--db", str(db), "--out", str(tmp_path / "out.json")]
    else:
        argv = ["import", str(source), "--db", str(db), *command.split()[1:]]
    code = cli(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert words in err and "Traceback" not in err
    assert _files(folder) == before  # the file, and no backups or side files appeared
    assert not (tmp_path / "out.json").exists()


def test_bad_database_through_the_import_function(tmp_path: Path) -> None:
    db = tmp_path / "nextround.db"
    _corrupt(db)
    before = db.read_bytes()
    from nextround.store import StoreError
    with pytest.raises(StoreError, match="damaged"):
        transfer.import_file(Store(db), GOOD_CSV)
    assert db.read_bytes() == before


# --- the command line with bad files --------------------------------------------------------

def test_cli_reports_lines_and_fields_and_dry_run_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "nextround.db"
    store = Store(db)
    factories.application(store, "Mine", applied_on="2026-01-05")
    store.dispose()
    bad = tmp_path / "bad.csv"
    bad.write_text("Company,Role,Date applied,Link\nAcme,Dev,2026-01-05,\n"
                   ",QA,2026-02-30,ftp://x\n", encoding="utf-8")
    before = _files(tmp_path)
    assert cli(["import", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: line 3, Company: Company is required." in err
    assert "bad.csv: line 3, Date applied: Date applied is not a real calendar date" in err
    assert "bad.csv: line 3, Link: Link must be a web address" in err
    assert "Nothing was imported." in err
    assert _files(tmp_path) == before

    good = tmp_path / "good.csv"
    good.write_bytes(GOOD_CSV)
    before = _files(tmp_path)
    assert cli(["import", str(good), "--db", str(db), "--dry-run"]) == 0
    assert "1 row would be imported" in capsys.readouterr().out
    assert _files(tmp_path) == before

    missing = tmp_path / "new.db"
    assert cli(["import", str(good), "--db", str(missing), "--dry-run"]) == 0
    assert not missing.exists()
    assert cli(["import", str(bad), "--db", str(missing)]) == 2
    assert not missing.exists()  # a refused import doesn't leave an empty database behind

    latin = tmp_path / "latin.csv"
    latin.write_bytes("Company,Date applied\nSociété,2026-01-05\n".encode("latin-1"))
    assert cli(["import", str(latin), "--db", str(db)]) == 2
    assert "not UTF-8 text (at byte 26, line 2)" in capsys.readouterr().err


def test_cli_import_export_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from nextround import demo
    db = tmp_path / "a.db"
    demo.fill(Store(db), applications=50, seed=4, today=TODAY)
    out = tmp_path / "everything.json"
    assert cli(["export", "--db", str(db), "--out", str(out)]) == 0
    copy = tmp_path / "b.db"
    assert cli(["import", str(out), "--db", str(copy)]) == 0
    assert Store(copy).transfer.export_rows() == Store(db).transfer.export_rows()
    sheet = tmp_path / "apps.csv"
    assert cli(["export", "--db", str(db), "--out", str(sheet)]) == 0
    capsys.readouterr()
    assert cli(["import", str(sheet), "--db", str(copy), "--skip-duplicates"]) == 0
    assert Store(copy).count("applications") == 50  # all 50 were already there: left out
    assert cli(["import", str(sheet), "--db", str(copy)]) == 0  # kept unless asked, and listed
    assert "Possible duplicates kept: 50 rows" in capsys.readouterr().err
    assert Store(copy).count("applications") == 100


def test_cli_in_a_real_process_never_shows_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(os.urandom(2048))
    result = subprocess.run(
        [sys.executable, "-m", "nextround", "import", str(garbage), "--db",
         str(tmp_path / "x.db")],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "NEXTROUND_TODAY": str(TODAY)},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Nothing was imported." in result.stderr
    assert not (tmp_path / "x.db").exists()


# --- a database another program holds, and a full disk ---------------------------------------

def test_a_locked_database_gets_a_clear_message_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds the write lock past the busy timeout: the save is refused with
    words a person understands, nothing is half-written, and it works once the lock is gone."""
    import nextround.store.dialects.sqlite as store_module  # where the engine reads it
    from nextround.store import StoreError

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "locked.db"
    store = Store(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="busy in another window or program"):
            factories.application(store, "Acme", applied_on="2026-11-20")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.count("applications") == 0 and store.count("events") == 0
    factories.application(store, "Acme", applied_on="2026-11-20")
    assert store.count("applications") == 1
    store.dispose()


@pytest.mark.sqlite_only
def test_the_page_says_the_database_is_busy_and_keeps_what_was_typed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import nextround.store.dialects.sqlite as store_module  # where the engine reads it
    from tests.conftest import open_page

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    at = open_page("app_pages/applications.py")
    at.text_input(key="add_app_company").input("Acme Health")
    other = sqlite3.connect(os.environ["NEXTROUND_DB"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        at.button(key="add_app_submit").click().run()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "busy in another window or program" in shown and "Traceback" not in shown
    assert at.text_input(key="add_app_company").value == "Acme Health"
    check = Store(os.environ["NEXTROUND_DB"])
    assert check.count("applications") == 0
    check.dispose()


@pytest.mark.parametrize("sqlite_says, user_reads", [
    ("database or disk is full", "the disk is full"),
    ("disk I/O error", "the disk refused the write"),
    ("database is locked", "busy in another window or program"),
    ("attempt to write a readonly database", "the database file is read-only"),
])
def test_storage_errors_read_as_plain_words(sqlite_says: str, user_reads: str) -> None:
    from sqlalchemy.exc import OperationalError

    from nextround.store import _reason

    assert user_reads in _reason(OperationalError("INSERT", {}, sqlite3.OperationalError(
        sqlite_says)))


def _write_on_a_full_disk(path: str, limit: int, out) -> None:  # noqa: ANN001
    """Child process: files may grow to `limit` bytes only (RLIMIT_FSIZE), so every write past
    it fails at the OS level (SQLite reports a disk I/O error; a real full disk is SQLITE_FULL).
    Tries a large import, then reports what it saw."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    store = Store(path)
    rows = [{"company": f"Company {i}", "role": "Engineer " * 20, "applied_on": "2026-11-01",
             "stage": "applied", "stage_on": "2026-11-01", "notes": "x" * 400}
            for i in range(3_000)]
    try:
        store.transfer.import_applications(rows)
        out.send("imported")
    except Exception as exc:  # noqa: BLE001 - the message is what the test checks
        out.send(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()


def test_a_disk_that_refuses_writes_fails_the_import_plainly_and_loses_nothing(
        tmp_path: Path) -> None:
    """A file-size limit makes every write past it fail at the OS level, as a full disk
    does (SQLite calls it a disk I/O error here, a full disk on ENOSPC): the import is refused
    in plain words, all or nothing, and the file stays healthy."""
    path = tmp_path / "nextround.db"
    store = Store(path)
    factories.application(store, "Acme", applied_on="2026-11-20")
    store.dispose()
    size = max(f.stat().st_size for f in tmp_path.glob("nextround.db*"))
    parent_end, child_end = FORK.Pipe()
    child = FORK.Process(target=_write_on_a_full_disk,
                         args=(str(path), size + 256 * 1024, child_end))
    child.start()
    child.join(60)
    said = parent_end.recv() if parent_end.poll(5) else "(nothing)"
    assert child.exitcode == 0, said
    assert said.startswith("StoreError") and "the disk refused the write" in said, said
    assert "Traceback" not in said and "Nothing was changed" in said
    reopened = Store(path)
    assert reopened.count("applications") == 1 and reopened.count("events") == 1
    assert reopened.integrity_problems(transfer.stored_value_problems) == []
    reopened.dispose()
