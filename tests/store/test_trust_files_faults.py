"""Backup and restore killed at random moments (issue 14): whatever a killed copy leaves is
private (no group or other bits on any file or folder), and the next start removes it.

Real subprocesses run the command line's `main` with the common umask 022 (the `python -m
nextround` entry point also narrows the umask; this bypasses that belt, so the modes must
come from how each file is created). SIGKILL lands after a random delay: either from the
start, or once the copy is under way, on a database big enough (thousands of demo
applications) that the copy takes a while.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nextround import housekeeping, transfer
from nextround.store import Store
from tests import factories
from tests.conftest import ROOT, TODAY, no_exception, open_page

APPLICATIONS = 4_000
pytestmark = pytest.mark.sqlite_only  # killed copies of SQLite files
LEFTOVER_MARKS = (".part", "-journal")


def _run_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    code = f"import sys; from nextround.__main__ import main; sys.exit(main({args!r}))"
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=lambda: os.umask(0o022))


def _not_private(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        if folder.exists():
            for path in [folder, *folder.rglob("*")]:
                if stat.S_IMODE(os.lstat(path).st_mode) & 0o077:
                    found.append(f"{path} {oct(stat.S_IMODE(os.lstat(path).st_mode))}")
    return found


def _leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders if folder.exists() for p in folder.iterdir()
                  if any(mark in p.name for mark in LEFTOVER_MARKS))


def _count(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT count(*) FROM applications").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two demo databases of a few thousand applications each, made by the command line."""
    folder = tmp_path_factory.mktemp("big")
    made = {}
    for name, seed, count in (("base", 1, APPLICATIONS), ("candidate", 2, APPLICATIONS + 7)):
        db = folder / f"{name}.db"
        result = subprocess.run([sys.executable, "-m", "nextround", "demo", "--applications",
                                 str(count), "--seed", str(seed), "--db", str(db)], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        made[name] = db
    return made


def _wait_for(predicate, timeout: float) -> float | None:  # noqa: ANN001 - a callable
    """Seconds until `predicate()` held, or None if it never did in time."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate():
            return time.perf_counter() - started
        time.sleep(0.002)
    return None


def test_backup_and_restore_killed_at_random_leave_nothing_readable_and_nothing_for_long(
        tmp_path: Path, big: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(14)
    data, scratch = tmp_path / "data", tmp_path / "tmp"
    scratch.mkdir(mode=0o700)
    db = data / "nextround.db"
    Store(big["base"]).backups.make(db)
    backups = data / "backups"
    folders = (data, backups, scratch)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEXTROUND_TODAY": TODAY.isoformat(),
           "TMPDIR": str(scratch)}
    env.pop("NEXTROUND_DB", None)
    commands = {
        "backup": (["backup", "--db", str(db)],
                   lambda: any(p.name.endswith(".part") for p in backups.glob("*"))),
        "restore": (["restore", str(big["candidate"]), "--db", str(db)],
                    lambda: any("restore-part" in p.name for p in data.glob("*"))),
    }
    counts = {_count(big["base"]), _count(big["candidate"])}
    kills, left_something = 0, 0
    for round_ in range(16):
        name = ("backup", "restore")[round_ % 2]
        args, copying = commands[name]
        process = _run_cli(args, env)
        if round_ % 4 < 2:  # once the copy is under way, at a random moment of it
            seen = _wait_for(lambda c=copying, p=process: c() or p.poll() is not None, 60)
            assert seen is not None
            # The later half kills the moment the copy shows: on a fast machine a copy can
            # finish inside any random delay, and the clean-up of a killed copy's leftovers
            # must still be exercised by several rounds.
            time.sleep(rng.uniform(0, 0.25) if round_ < 8 else 0)
        else:  # at a random moment from the start
            time.sleep(rng.uniform(0.2, 2.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(60)
        assert b"Traceback" not in process.stderr.read()
        process.stderr.close()

        assert _not_private(*folders) == [], (name, round_)
        left_something += bool(_leftovers(data, backups))
        # The next start: opening a Store (the app and every command do).
        if round_ == 15:
            monkeypatch.setenv("NEXTROUND_DB", str(db))
            at = open_page("app_pages/data.py", via_app=False)
            no_exception(at)
            assert housekeeping.wait_all(60)  # and the daily backup that page started
        else:
            Store(db).dispose()
        assert _leftovers(data, backups) == [], (name, round_)
        assert _not_private(*folders) == []
        assert _count(db) in counts  # the old data or the restored one, whole
    assert kills >= 8 and left_something >= 3, (kills, left_something)


def test_a_write_killed_in_rollback_journal_mode_is_rolled_back_on_the_next_start(
        tmp_path: Path) -> None:
    """A restored copy or an older database is in rollback-journal mode until it is opened.
    A process killed mid-write leaves a hot journal, which a read-only connection can't roll
    back: the next start called the database damaged. It must roll back and open."""
    path = tmp_path / "nextround.db"
    store = Store(path)
    factories.application(store, "Kept", applied_on="2026-11-01")
    store.dispose()
    code = f"""
import os, sqlite3
con = sqlite3.connect({str(path)!r}, isolation_level=None)
con.execute("PRAGMA journal_mode = DELETE")
con.execute("PRAGMA cache_size = 1")
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE applications SET company = 'Half-written'")
con.execute("CREATE TABLE filler (x)")
for _ in range(300):
    con.execute("INSERT INTO filler VALUES (?)", ("z" * 3000,))
os.kill(os.getpid(), 9)
"""
    subprocess.run([sys.executable, "-c", code], timeout=60)
    assert (tmp_path / "nextround.db-journal").exists()
    reopened = Store(path)
    try:
        assert reopened.frame("SELECT company FROM applications").company.tolist() == ["Kept"]
        assert reopened.integrity_problems(transfer.stored_value_problems) == []
    finally:
        reopened.dispose()
