"""Restore and check trust only a file that is exactly Next Round's, and two processes opening
a database at once both succeed (issue 14: restore trusting our marks; the opening race).

Real files throughout: genuine databases are made by the real code (demo data, import,
delete-all, migration) or by the frozen migration steps as an older version left them, then
changed the way a tool or a person could change them.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from nextround import demo, transfer
from nextround.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Store,
    StoreError,
    describe_database_file,
    restore_database,
)
from tests import factories
from tests.conftest import TODAY, cli, digest, no_exception, old_database, open_page


def genuine_backup(folder: Path) -> Path:
    """A backup of a current database holding demo data, made by `store.backups.make`."""
    store = Store(folder / "source.db", backup_dir=folder / "made")
    demo.fill(store, applications=40, seed=2, today=TODAY)
    made = store.backups.make(folder / "backup.db")
    store.dispose()
    return made


def live_database(folder: Path) -> Path:
    """The user's own database, with one application, closed (so its bytes are settled)."""
    path = folder / "live.db"
    store = Store(path)
    factories.application(store, "Mine", applied_on="2026-11-02")
    store.dispose()
    return path


def run_sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def edit_schema_text(path: Path, name: str, old: str, new: str) -> None:
    """Change an object's stored definition in place, as a schema editor could."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA writable_schema = ON")
        changed = con.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
                              (old, new, name)).rowcount
        assert changed == 1 and old != new
    finally:
        con.close()


# --- restore refuses any file that isn't exactly ours --------------------------------------

def _only_the_marks(path: Path) -> None:
    path.unlink()
    run_sql(path, f"PRAGMA application_id = {APPLICATION_ID}",
            f"PRAGMA user_version = {SCHEMA_VERSION}", "CREATE TABLE settings (id INTEGER)")


TAMPERED: dict[str, tuple[Callable[[Path], None], str]] = {
    "only our marks and a stray table": (_only_the_marks, "the table applications is missing"),
    "a missing table": (lambda p: run_sql(p, "DROP TABLE checkins"),
                        "the table checkins is missing"),
    "an added trigger that deletes rows": (lambda p: run_sql(
        p, "CREATE TRIGGER tidy AFTER INSERT ON events BEGIN DELETE FROM applications; END"),
        "it has a trigger 'tidy' that Next Round doesn't make"),
    "an added view": (lambda p: run_sql(p, "CREATE VIEW peek AS SELECT company FROM applications"),
                      "it has a view 'peek'"),
    "an added index": (lambda p: run_sql(p, "CREATE INDEX mine ON events (note)"),
                       "it has an index 'mine'"),
    "an added table": (lambda p: run_sql(p, "CREATE TABLE notes (body TEXT)"),
                       "it has a table 'notes'"),
    "an added full-text table": (lambda p: run_sql(
        p, "CREATE VIRTUAL TABLE search USING fts5(body)"), "it has a table 'search'"),
    "an added column": (lambda p: run_sql(p, "ALTER TABLE drafts ADD COLUMN copy_to TEXT"),
                        "the table drafts has a column 'copy_to'"),
    "a dropped column": (lambda p: run_sql(p, "ALTER TABLE actions DROP COLUMN source_label"),
                         "the table actions has no column source_label"),
    "a missing index": (lambda p: run_sql(p, "DROP INDEX applications_by_stage"),
                        "the index applications_by_stage is missing"),
    "a missing trigger": (lambda p: run_sql(p, "DROP TRIGGER events_milestones_insert"),
                          "the trigger events_milestones_insert is missing"),
    "a trigger with another body": (lambda p: run_sql(
        p, "DROP TRIGGER drafts_thanks_delete",
        "CREATE TRIGGER drafts_thanks_delete AFTER DELETE ON drafts BEGIN"
        " DELETE FROM applications WHERE id = OLD.application_id; END"),
        "the trigger drafts_thanks_delete is defined differently"),
    "a changed default": (lambda p: edit_schema_text(
        p, "settings", "weekly_goal INTEGER NOT NULL DEFAULT 5",
        "weekly_goal INTEGER NOT NULL DEFAULT 500"),
        "the column weekly_goal of the table settings is defined differently"),
    "a changed column type": (lambda p: edit_schema_text(
        p, "applications", "link TEXT NOT NULL", "link BLOB NOT NULL"),
        "the column link of the table applications is defined differently"),
    "a loosened check": (lambda p: edit_schema_text(
        p, "checkins", "BETWEEN 0 AND 25)", "BETWEEN 0 AND 2500)"),
        "the table checkins has other rules than Next Round's"),
    "a link that no longer cascades": (lambda p: edit_schema_text(
        p, "events", "REFERENCES applications(id) ON DELETE CASCADE",
        "REFERENCES applications(id)"),
        "the table events has other rules than Next Round's"),
    "no settings row": (lambda p: run_sql(p, "DELETE FROM settings"),
                        "the table settings must hold exactly one row"),
    "no change counter row": (lambda p: run_sql(p, "DELETE FROM change_counter"),
                              "the table change_counter must hold exactly one row"),
    "a newer schema marked as an older version": (lambda p: run_sql(
        p, "PRAGMA user_version = 2"),
        "the table applications has a column 'first_reply_on' that Next Round doesn't make"),
    "our marks at version 0": (lambda p: run_sql(p, "PRAGMA user_version = 0"),
                               "its schema version (0) is not one Next Round makes"),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_restore_refuses_a_file_that_is_not_exactly_ours_and_check_reports_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    """Checked before anything is replaced; the refusal names what is wrong, and `check`
    lists the same problem with exit 1. Neither file changes."""
    tamper, expected = TAMPERED[case]
    candidate = genuine_backup(tmp_path)
    tamper(candidate)
    live = live_database(tmp_path)
    before, theirs = digest(live), digest(candidate)
    code, _, err = cli(capsys, "restore", str(candidate), "--db", str(live))
    assert code == 2 and expected in err and "Nothing was changed" in err, err
    assert digest(live) == before and digest(candidate) == theirs
    assert not list(live.parent.glob("live.db.restore-part"))
    code, _, err = cli(capsys, "check", "--db", str(candidate))
    assert code == 1 and expected in err, err
    assert digest(candidate) == theirs
    assert [r["company"] for r in Store(live).transfer.export_rows()["applications"]] == ["Mine"]


def test_check_lists_every_problem_not_only_the_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    candidate = genuine_backup(tmp_path)
    run_sql(candidate, "DROP TABLE targets", "CREATE VIEW everything AS SELECT * FROM drafts",
            "CREATE TRIGGER quiet AFTER UPDATE ON settings BEGIN SELECT 1; END")
    code, _, err = cli(capsys, "check", "--db", str(candidate))
    assert code == 1
    for expected in ("the table targets is missing", "it has a view 'everything'",
                     "it has a trigger 'quiet'"):
        assert expected in err
    with pytest.raises(StoreError) as refused:
        describe_database_file(candidate, check_rows=transfer.stored_value_problems)
    assert len(refused.value.problems) == 3  # type: ignore[attr-defined]


# --- genuine files of every version and history are accepted --------------------------------

def _version(version: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"v{version}.db"
        con = old_database(path, version)
        con.execute("INSERT INTO applications (id, company, applied_on, stage, stage_on,"
                    " created_at, updated_at) VALUES (1, 'Old Co', '2025-01-02', 'screening',"
                    " '2025-01-09', '2025-01-02T09:00:00', '2025-01-09T09:00:00')")
        con.execute("INSERT INTO events (application_id, stage, on_date, created_at) VALUES"
                    " (1, 'applied', '2025-01-02', '2025-01-02T09:00:00'),"
                    " (1, 'screening', '2025-01-09', '2025-01-09T09:00:00')")
        con.commit()
        con.close()
        return path
    return make


def _after_delete_all(folder: Path) -> Path:
    store = Store(folder / "emptied.db")
    demo.fill(store, applications=20, seed=4, today=TODAY)
    store.delete_all_data()
    factories.application(store, "After", applied_on="2026-11-03")
    store.dispose()
    return store.path


def _imported(folder: Path) -> Path:
    store = Store(folder / "imported.db")
    transfer.import_file(store, b"Company,Role,Applied On,Status\nAcme,Engineer,2026-10-01,"
                                b"Applied\nBeta,Designer,2026-10-05,Interview\n")
    store.dispose()
    return store.path


def _migrated_from_version_1(folder: Path) -> Path:
    path = _version(1)(folder)
    Store(path).dispose()
    return path


def _live_file_copied(folder: Path) -> Path:
    """The database file itself copied while closed: still marked for WAL mode."""
    store = Store(folder / "source.db")
    factories.application(store, "Copied", applied_on="2026-11-02")
    store.dispose()
    copy = folder / "copied" / "nextround.db"
    copy.parent.mkdir()
    copy.write_bytes(store.path.read_bytes())
    return copy


def _analyzed(folder: Path) -> Path:
    """ANALYZE adds SQLite's own statistics tables: not ours, but harmless."""
    path = genuine_backup(folder)
    run_sql(path, "ANALYZE")
    return path


def _reformatted(folder: Path) -> Path:
    """The same schema written with other spacing, keyword case and quoting, as a tool that
    rewrites definitions may store it."""
    path = genuine_backup(folder)
    edit_schema_text(path, "settings", "CREATE TABLE settings (\n        id INTEGER",
                     'create table "settings"(   id   integer')
    edit_schema_text(path, "events_by_date", "ON events (on_date, stage)",
                     "ON [events](on_date,stage)")
    return path


GENUINE: dict[str, Callable[[Path], Path]] = {
    "version 1": _version(1), "version 2": _version(2), "version 3": _version(3),
    "version 4 with demo data": genuine_backup, "after delete-all": _after_delete_all,
    "made by an import": _imported, "migrated from version 1": _migrated_from_version_1,
    "the live file copied": _live_file_copied, "with SQLite's statistics": _analyzed,
    "reformatted": _reformatted,
}


@pytest.mark.parametrize("case", list(GENUINE))
def test_genuine_files_of_every_version_and_history_are_restored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    candidate = GENUINE[case](tmp_path)
    code, out, err = cli(capsys, "check", "--db", str(candidate))
    assert code == 0 and "ok" in out, err
    live = live_database(tmp_path)
    expected = describe_database_file(candidate, check_rows=transfer.stored_value_problems)
    result = restore_database(live, candidate, check_rows=transfer.stored_value_problems)
    assert result.counts == expected
    store = Store(live)
    assert store.schema_version() == SCHEMA_VERSION and store.integrity_problems(
        transfer.stored_value_problems) == []
    assert store.transfer.table_counts() == {**expected, "settings": 1}


# --- the Your data page ---------------------------------------------------------------------

@pytest.mark.sqlite_only
def test_the_page_check_reports_a_trigger_added_to_the_live_database(
        store: Store, isolated: Path) -> None:
    """Opening still works (the data page is where the user restores), and the check names
    the foreign trigger plainly."""
    factories.application(store, "Mine", applied_on="2026-11-02")
    store.dispose()
    run_sql(isolated, "CREATE TRIGGER wipe AFTER INSERT ON drafts BEGIN DELETE FROM events; END")
    at = open_page("app_pages/data.py", via_app=False)
    no_exception(at)
    assert any("it has a trigger 'wipe'" in w.value for w in at.warning)
    at.session_state["data_tab"] = "Backup and restore"  # the check draws when it is open
    at.run()
    at.button(key="check_now").click().run()
    no_exception(at)
    assert any("found 1 problem" in e.value for e in at.error)
    problems = [f for f in at.dataframe if "Problem" in f.value.columns][0].value
    assert list(problems["Problem"]) == ["it has a trigger 'wipe' that Next Round doesn't make"]
    assert store.integrity_problems(transfer.stored_value_problems) == list(problems["Problem"])


@pytest.mark.sqlite_only
def test_the_page_refuses_to_restore_an_upload_with_a_missing_table(
        store: Store, tmp_path: Path) -> None:
    factories.application(store, "Mine", applied_on="2026-11-02")
    (tmp_path / "elsewhere").mkdir()
    candidate = genuine_backup(tmp_path / "elsewhere")
    run_sql(candidate, "DROP TABLE reflections")
    at = open_page("app_pages/data.py", via_app=False)
    at.radio(key="restore_source").set_value("A file I upload").run()
    at.file_uploader(key="restore_upload").upload("mine.db", candidate.read_bytes(),
                                                  "application/octet-stream").run()
    no_exception(at)
    assert any("the table reflections is missing" in e.value for e in at.error)
    assert not any(b.key == "restore_confirm" for b in at.button)
    assert store.count("applications") == 1


# --- two processes opening one database at once ---------------------------------------------

def _rollback_journal_database(path: Path, version: int) -> None:
    """An older database as a backup or an older version left it: not in WAL mode yet."""
    con = old_database(path, version)
    con.execute("INSERT INTO applications (company, applied_on, stage, stage_on, created_at,"
                " updated_at) VALUES ('Acme', '2026-10-01', 'applied', '2026-10-01', 'x', 'x')")
    con.commit()
    con.close()


@pytest.mark.parametrize("version", [1, 3, SCHEMA_VERSION])
def test_opening_waits_for_another_writer_instead_of_failing_at_once(
        tmp_path: Path, version: int) -> None:
    """Switching a file to WAL upgrades a read lock to a write lock, which SQLite never waits
    for. Another program in the middle of a write (here: holding the write lock for half a
    second) must make opening wait, as any other write does, not fail."""
    path = tmp_path / "old.db"
    _rollback_journal_database(path, version)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION and store.count("applications") == 1
    store.dispose()
    other.close()


def _open_and_report(path: str, start, out) -> None:  # noqa: ANN001 - multiprocessing objects
    start.wait()
    try:
        store = Store(path)
        out.send(f"ok {store.schema_version()} {store.count('applications')}")
        store.dispose()
    except Exception as exc:  # noqa: BLE001 - the message is what the test checks
        out.send(f"{type(exc).__name__}: {exc}")


def _open_together(path: Path, processes: int) -> list[str]:
    fork = multiprocessing.get_context("fork")
    start = fork.Event()
    pipes = [fork.Pipe() for _ in range(processes)]
    children = [fork.Process(target=_open_and_report, args=(str(path), start, child))
                for _, child in pipes]
    for child in children:
        child.start()
    start.set()
    for child in children:
        child.join(60)
    return [parent.recv() for parent, _ in pipes]


@pytest.mark.parametrize("kind", ["old database", "new database"])
def test_three_processes_opening_at_once_all_succeed_every_time(tmp_path: Path,
                                                                kind: str) -> None:
    """The app, the command line and a second tab's server started together: an older file
    in rollback-journal mode (each process switches it to WAL), or no file yet (each creates
    it). Twenty rounds, so a race shows up; every process must open it every time."""
    for round_ in range(20):
        path = tmp_path / f"round{round_}.db"
        if kind == "old database":
            _rollback_journal_database(path, 3)
        said = _open_together(path, 3)
        rows = 1 if kind == "old database" else 0
        assert said == [f"ok {SCHEMA_VERSION} {rows}"] * 3, (round_, said)
        assert not [p.name for p in tmp_path.glob("*.create-part*")]
