"""Issue 14, second look at files: a restored file whose rows a tool edited never takes a
page down, restore never takes the database's own file by another route, and what a killed
command leaves is private and removed.

Real SQLite files, the real restore and the real Streamlit runtime for every page."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from nextround import demo, transfer
from nextround.store import Store, StoreError, restore_database
from tests import factories
from tests.conftest import ROOT, no_exception, open_page

PAGES = ("app_pages/progress.py", "app_pages/applications.py", "app_pages/respond.py",
         "app_pages/feedback.py", "app_pages/reflect.py", "app_pages/checkin.py",
         "app_pages/data.py")

# Values every CHECK constraint of the schema lets through, but no form of the app writes.
EDITS = {
    "text version": "UPDATE applications SET version = 'x'",
    "blob role": "UPDATE applications SET role = x'00ff'",
    "unknown feedback status": "UPDATE feedback_requests SET status = 'zzz', themes = 'nope'",
    "reflection answers not json": "UPDATE reflections SET answers = 'nope', fit = 'zzz'",
    "check-in items not json": "UPDATE checkins SET items = 'nope', self_care = '{'",
    "target priority out of range": "UPDATE targets SET priority = 99, status = 'zzz'",
    "text change counter": "UPDATE change_counter SET n = 'abc'",
    "unknown event stage": "UPDATE events SET stage = 'zzz'",
    "unknown draft kind": "UPDATE drafts SET kind = 'zzz', tone = 'zzz'",
    "text counts": "UPDATE feedback_requests SET follow_ups = 'x'",
    "action source": "UPDATE actions SET source_kind = 'zzz', source_id = 'x'",
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_restored_file_with_edited_rows_is_refused_or_every_page_opens(
        edit: str, isolated: Path, tmp_path: Path) -> None:
    source = tmp_path / "edited.db"
    filled = Store(source)
    demo.fill(filled, applications=30, seed=3)
    filled.dispose()
    con = sqlite3.connect(source)
    con.execute(EDITS[edit])
    con.commit()
    con.close()
    Store(isolated).dispose()
    try:
        restore_database(isolated, source, check_rows=transfer.stored_value_problems)
    except StoreError:
        return
    for page in PAGES:
        at = open_page(page, via_app=False)
        no_exception(at)
        assert not at.error, (page, [e.value for e in at.error])


def test_a_genuine_file_restores_and_check_names_an_edited_row(tmp_path: Path) -> None:
    from nextround.__main__ import main

    source = tmp_path / "genuine.db"
    filled = Store(source)
    demo.fill(filled, applications=30, seed=3)
    filled.dispose()
    target = tmp_path / "live.db"
    Store(target).dispose()
    assert restore_database(target, source,
                            check_rows=transfer.stored_value_problems).counts["applications"] == 30
    assert main(["check", "--db", str(source)]) == 0
    con = sqlite3.connect(source)
    con.execute("UPDATE applications SET version = 'x' WHERE id = 2")
    con.commit()
    con.close()
    assert main(["check", "--db", str(source)]) == 1
    with pytest.raises(StoreError, match="applications row 2, field version"):
        restore_database(target, source, check_rows=transfer.stored_value_problems)
    assert Store(target).count("applications") == 30


@pytest.mark.sqlite_only
def test_the_page_check_names_a_row_a_tool_edited(store: Store, isolated: Path) -> None:
    demo.fill(store, applications=10, seed=2)
    store.dispose()
    con = sqlite3.connect(isolated)
    con.execute("UPDATE checkins SET items = 'nope' WHERE id = (SELECT min(id) FROM checkins)")
    con.commit()
    con.close()
    at = open_page("app_pages/data.py", via_app=False)
    at.session_state["data_tab"] = "Backup and restore"  # the check draws when it is open
    at.run()
    at.button(key="check_now").click().run()
    no_exception(at)
    assert any("found 1 problem" in e.value for e in at.error), [e.value for e in at.error]
    problems = [f for f in at.dataframe if "Problem" in f.value.columns][0].value
    assert list(problems["Problem"])[0].startswith("checkins row 1, field items")


@pytest.mark.sqlite_only
def test_restore_from_the_database_by_a_hard_link_is_refused(store: Store, isolated: Path,
                                                              tmp_path: Path) -> None:
    """A hard link is the database under another name: restoring it would read the file
    without the writes still in the database's write-ahead log, and drop them."""
    demo.fill(store, applications=10, seed=2)
    link = tmp_path / "elsewhere" / "copy.db"
    link.parent.mkdir()
    os.link(isolated, link)
    factories.application(store, "Newest", applied_on="2026-11-20")
    before = store.count("applications")
    with pytest.raises(StoreError, match="itself"):
        restore_database(isolated, link, check_rows=transfer.stored_value_problems)
    assert store.count("applications") == before
    assert not list((isolated.parent / "backups").glob("*before-restore*"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nextround", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", ["backup", "export", "review"])
def test_out_never_replaces_another_database_in_use_or_its_files(
        command: str, tmp_path: Path) -> None:
    """The app holds `other.db` open, so its newest writes sit in other.db-wal: a new file
    under that name would be read with the old log and come out damaged."""
    mine, other = tmp_path / "mine.db", tmp_path / "other.db"
    filled = Store(mine)
    demo.fill(filled, applications=5, seed=1)
    filled.dispose()
    in_use = Store(other)
    demo.fill(in_use, applications=5, seed=2)
    factories.application(in_use, "Newest", applied_on="2026-11-20")
    assert (tmp_path / "other.db-wal").exists()
    extra = ["--week", "2026-W47"] if command == "review" else []
    for target in (other, tmp_path / "other.db-wal", tmp_path / "other.db-shm",
                   tmp_path / "other.db-journal"):
        before = sorted(p.name for p in tmp_path.iterdir())
        done = _run(command, "--db", str(mine), "--out", str(target), *extra)
        assert done.returncode == 2, (target, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and str(target) in done.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert in_use.count("applications") == 6
    in_use.dispose()
    assert _run("check", "--db", str(other)).returncode == 0


@pytest.mark.parametrize("command", ["backup", "export", "review"])
def test_out_in_a_missing_folder_is_the_same_for_every_command(command: str,
                                                               tmp_path: Path) -> None:
    """One rule for `--out`: a missing folder is made, private; an empty name is refused."""
    db = tmp_path / "mine.db"
    filled = Store(db)
    demo.fill(filled, applications=5, seed=1)
    filled.dispose()
    extra = ["--week", "2026-W47"] if command == "review" else []
    target = tmp_path / "new" / "deeper" / "out.file"
    done = _run(command, "--db", str(db), "--out", str(target), *extra)
    assert done.returncode == 0, done.stderr
    assert target.is_file() and stat.S_IMODE(target.stat().st_mode) == 0o600
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    before = sorted(p.name for p in tmp_path.rglob("*"))
    done = _run(command, "--db", str(db), "--out", "", *extra)
    assert done.returncode == 2 and "Give the name of a file" in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.sqlite_only
def test_check_while_the_app_migrates_an_old_database_reports_no_false_problems(
        tmp_path: Path) -> None:
    """The app and `check` started together after an upgrade: the check read the version
    before the app migrated the file and the tables after, and listed 28 problems in a
    healthy file. A race, so it is tried many times (it showed about once in 25)."""
    from tests.conftest import old_database

    opened = "from nextround.store import Store; import sys; Store(sys.argv[1]).dispose()"
    failures = []
    for attempt in range(40):
        db = tmp_path / f"old-{attempt}.db"
        con = old_database(db, 1)
        con.executemany("INSERT INTO applications (company, applied_on, stage, stage_on,"
                        " created_at, updated_at) VALUES (?, '2025-01-02', 'applied',"
                        " '2025-01-02', '2025-01-02T09:00:00', '2025-01-02T09:00:00')",
                        [(f"Old {n}",) for n in range(300)])
        con.commit()
        con.close()
        app = subprocess.Popen([sys.executable, "-c", opened, str(db)], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
        check = subprocess.Popen([sys.executable, "-m", "nextround", "check", "--db", str(db)],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        _, app_err = app.communicate(timeout=120)
        _, check_err = check.communicate(timeout=120)
        if app.returncode or check.returncode:
            failures.append((attempt, app_err[-300:], check_err[:300]))
    assert failures == []


def test_a_database_named_backups_gets_a_plain_refusal_not_an_os_error(tmp_path: Path) -> None:
    """Its backups folder would be the database file itself: every backup is refused in
    words (the cleanup after the failed copy raised NotADirectoryError over the message)."""
    store = Store(tmp_path / "backups")
    factories.application(store, "Acme", applied_on="2026-11-02")
    with pytest.raises(StoreError, match="Couldn't write the backup"):
        store.backups.make()
    assert store.count("applications") == 1
