"""The housekeeping runner (nextround/housekeeping.py): the daily backup off the page, one run at
a time per database, once a day, failures kept in words.

Real SQLite files and the real `store.backups.daily`. Where a test needs a backup to be in
progress, the job is the real daily backup behind a `threading.Event` the test opens.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from nextround.housekeeping import Housekeeping, wait_all
from nextround.store import Store, StoreError
from tests import factories
from tests.conftest import GATE_S, TODAY, GatedBackup


@pytest.fixture
def kept(tmp_path: Path) -> Store:
    """A database with something to back up."""
    store = Store(tmp_path / "nextround.db")
    factories.application(store, "Acme")
    return store


def dailies(store: Store) -> list[str]:
    return sorted(p.name for p in store.backups.files() if p.name.endswith("-daily.db"))


def test_concurrent_triggers_make_one_backup(kept: Store) -> None:
    job = GatedBackup()
    runner = Housekeeping(job=job)
    barrier = threading.Barrier(8)
    started: list[bool] = []

    def trigger() -> None:
        barrier.wait(GATE_S)
        started.append(runner.start(kept, TODAY))

    threads = [threading.Thread(target=trigger) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GATE_S)
    assert job.entered.wait(GATE_S)
    # While the first one runs, more pages open, one of them on the next day: all no-ops.
    assert runner.start(kept, TODAY) is False
    assert runner.start(kept, TODAY + timedelta(days=1)) is False
    job.release()
    assert runner.wait(GATE_S)
    assert sorted(started) == [False] * 7 + [True]
    assert job.calls == 1 and job.most_inside == 1
    assert dailies(kept) == ["nextround.db.20261125-daily.db"]
    outcome = runner.last(kept.url)
    assert outcome is not None and outcome.problem is None
    assert outcome.made == kept.backups.files()[0] and outcome.day == TODAY


def test_the_trigger_returns_at_once_while_the_backup_runs(kept: Store) -> None:
    job = GatedBackup()
    runner = Housekeeping(job=job)
    began = time.monotonic()
    assert runner.start(kept, TODAY) is True
    returned = time.monotonic() - began
    assert job.entered.wait(GATE_S)
    # Had `start` waited for the backup, it would have returned only when the gate gave up.
    assert returned < GATE_S / 4
    assert runner.running(kept.url) and runner.last(kept.url) is None
    assert dailies(kept) == []
    assert runner.wait(0.05) is False  # still held: `wait` gives up and says so
    job.release()
    assert runner.wait(GATE_S) and not runner.running(kept.url)
    assert len(dailies(kept)) == 1


def test_a_failure_is_kept_in_words_and_the_next_day_tries_again(kept: Store,
                                                                 tmp_path: Path) -> None:
    # Where the backups folder should be there is a file: nothing can be written into it, even
    # for root (whom a read-only folder wouldn't stop).
    blocker = tmp_path / "backups"
    blocker.write_text("not a folder")
    runner = Housekeeping()
    assert runner.start(kept, TODAY)
    assert runner.wait(GATE_S)
    failed = runner.last(kept.url)
    assert failed is not None and failed.made is None and failed.day == TODAY
    assert failed.problem.startswith(f"Can't write to {blocker}/nextround.db.20261125-daily.db: "
                                     "Not a directory.")
    assert "Traceback" not in failed.problem
    assert runner.start(kept, TODAY) is False  # once a day, even after a failure
    blocker.unlink()
    assert runner.start(kept, TODAY + timedelta(days=1))
    assert runner.wait(GATE_S)
    fixed = runner.last(kept.url)
    assert fixed is not None and fixed.problem is None and fixed.made is not None
    assert dailies(kept) == ["nextround.db.20261126-daily.db"]


def test_an_os_error_is_told_with_its_file(kept: Store, tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "file.txt"
    runner = Housekeeping(job=lambda store, today: Path(missing).read_bytes() and None)
    runner.start(kept, TODAY)
    assert runner.wait(GATE_S)
    assert runner.last(kept.url).problem == f"No such file or directory ({missing})."


def test_an_unexpected_error_is_told_without_its_details(kept: Store) -> None:
    def broken(store: Store, today: date) -> None:
        raise ValueError("a bug, with internals")

    runner = Housekeeping(job=broken)
    runner.start(kept, TODAY)
    assert runner.wait(GATE_S)
    problem = runner.last(kept.url).problem
    assert "unexpected" in problem and "internals" not in problem
    assert runner.start(kept, TODAY + timedelta(days=1))  # the runner still works
    assert runner.wait(GATE_S)


def test_a_second_day_makes_a_second_backup(kept: Store) -> None:
    runner = Housekeeping()
    assert runner.start(kept, TODAY)
    assert runner.wait(GATE_S)
    assert runner.start(kept, TODAY) is False
    assert runner.start(kept, TODAY + timedelta(days=1))
    assert wait_all(GATE_S)
    assert dailies(kept) == ["nextround.db.20261125-daily.db", "nextround.db.20261126-daily.db"]


def test_each_database_has_its_own_day(kept: Store, tmp_path: Path) -> None:
    other = Store(tmp_path / "other.db")
    factories.application(other, "Beta")
    runner = Housekeeping()
    assert runner.start(kept, TODAY) and runner.start(other, TODAY)
    assert runner.wait(GATE_S)
    assert dailies(kept) == ["nextround.db.20261125-daily.db"]
    assert dailies(other) == ["other.db.20261125-daily.db"]


def test_deleting_the_data_waits_for_a_backup_in_progress_and_holds_the_next_off(
        kept: Store) -> None:
    job = GatedBackup()
    runner = Housekeeping(job=job)
    runner.start(kept, TODAY)
    assert job.entered.wait(GATE_S)
    with pytest.raises(StoreError, match="still being made. Nothing was changed"):
        with runner.exclusive(kept.url, timeout=0.1):
            kept.delete_all_data()
    assert kept.count("applications") == 1
    job.release()
    with runner.exclusive(kept.url, timeout=GATE_S):
        assert not runner.running(kept.url)  # it waited for the backup to finish
        kept.backups.delete_all()
        # A run due meanwhile (the next day's first page) starts, but doesn't copy until the
        # deletion is over.
        assert runner.start(kept, TODAY + timedelta(days=1))
        time.sleep(0.3)
        assert job.calls == 1 and runner.running(kept.url)
        kept.delete_all_data()
    assert runner.wait(GATE_S)
    assert kept.backups.files() == []  # nothing was left to back up


def _seen_by_another_process(db: Path) -> int:
    """How many applications a separate process reads (and its connection then closes)."""
    code = ("import sqlite3, sys; con = sqlite3.connect(sys.argv[1]); "
            "print(con.execute('SELECT count(*) FROM applications').fetchone()[0]); con.close()")
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True,
                          timeout=60, check=True)
    return int(done.stdout)


def test_a_run_keeps_the_servers_writes_visible_to_other_processes(kept: Store) -> None:
    """The run works on the server's open store. A second `Store` on the same file would read
    its header with a plain open()/close(), which drops the process's SQLite locks: the next
    process to close its connection would delete the write-ahead log, and the server's later
    writes would be lost to everyone else."""
    factories.application(kept, "Before")  # the server's pool holds a connection now
    runner = Housekeeping()
    assert runner.start(kept, TODAY) and runner.wait(GATE_S)
    assert runner.last(kept.url).made is not None
    assert _seen_by_another_process(kept.path) == 2
    factories.application(kept, "After the backup")
    assert _seen_by_another_process(kept.path) == 3
    assert Path(f"{kept.path}-wal").exists()  # still the log the server's connections write


def test_a_new_databases_first_write_gets_its_first_backup_that_day(tmp_path: Path) -> None:
    """The day's run on a new, empty database backs nothing up; the first application saved
    that day must not wait until tomorrow for a backup."""
    store = Store(tmp_path / "nextround.db")
    runner = Housekeeping()
    assert runner.start(store, TODAY) is True
    assert runner.wait(GATE_S)
    assert dailies(store) == []
    assert runner.start(store, TODAY) is False  # still empty: no second run
    factories.application(store, "Acme")
    assert runner.start(store, TODAY) is True
    assert runner.wait(GATE_S)
    assert dailies(store) == ["nextround.db.20261125-daily.db"]
    assert runner.start(store, TODAY) is False  # once made, once a day again
    factories.application(store, "Globex")
    assert runner.start(store, TODAY) is False
