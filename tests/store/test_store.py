"""The store: opening, refusing, migrating, conflicts and rollback."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from nextround import transfer
from nextround.models import Stage, ValidationError
from nextround.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    TABLES,
    CorruptDatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    StaleVersionError,
    Store,
    Transaction,
)
from tests import factories
from tests.conftest import digest, old_database

TODAY = date(2026, 11, 25)



def test_new_database_is_marked_ours_and_current(tmp_path: Path) -> None:
    store = Store(tmp_path / "n.db")
    con = sqlite3.connect(tmp_path / "n.db")
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.is_empty()


@pytest.mark.sqlite_only
def test_connections_enforce_foreign_keys_and_full_sync(store: Store) -> None:
    with store.read() as snap:
        assert snap.connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert snap.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert snap.connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_migrates_first_schema_to_current_with_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    con = old_database(path, 1)
    con.execute("INSERT INTO applications (company, role, applied_on, stage, stage_on,"
                " created_at, updated_at) VALUES ('Old Co', 'Dev', '2025-01-02', 'applied',"
                " '2025-01-02', 'x', 'x')")
    con.commit()
    con.close()

    store = Store(path)

    assert store.schema_version() == SCHEMA_VERSION
    assert store.change_count() >= 0
    page, total = store.applications.search()
    assert total == 1 and page[0].company == "Old Co"
    backups = list((tmp_path / "backups").glob("old.db.*before-migration-v1.db"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("PRAGMA user_version").fetchone()[0] == 1


@pytest.mark.parametrize("maker, error", [
    (lambda p: p.write_bytes(b""), CorruptDatabaseError),
    (lambda p: p.write_bytes(b"hello, this is not a database" * 100), ForeignDatabaseError),
])
def test_refuses_empty_and_non_sqlite_files_untouched(tmp_path: Path, maker, error) -> None:
    path = tmp_path / "bad.db"
    maker(path)
    before = digest(path)
    with pytest.raises(error):
        Store(path)
    assert digest(path) == before
    assert not (tmp_path / "bad.db-wal").exists()


def test_refuses_foreign_sqlite_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(ForeignDatabaseError, match="not a Next Round database"):
        Store(path)
    assert digest(path) == before


def test_refuses_newer_database_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(NewerDatabaseError, match="newer version"):
        Store(path)
    assert digest(path) == before


def test_refuses_corrupt_database_untouched(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    store = Store(path)
    for i in range(300):
        factories.application(store, company=f"Company {i}")
    store.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2: 4096 * 3] = b"\xff" * 4096  # overwrite a page in the middle
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(CorruptDatabaseError):
        Store(path)
    assert digest(path) == before


def test_refuses_read_only_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    Store(path).dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    path.chmod(0o400)
    before = digest(path)
    try:
        with pytest.raises(ReadOnlyDatabaseError):
            Store(path)
        assert digest(path) == before
    finally:
        path.chmod(0o600)


def test_stale_version_is_detected_and_nothing_is_overwritten(store: Store) -> None:
    app_id = factories.application(store)
    version = store.applications.get(app_id).version
    factories.move(store, app_id, Stage.SCREENING, "2026-11-05", version=version)
    with pytest.raises(StaleVersionError, match="another tab"):
        factories.move(store, app_id, Stage.REJECTED, "2026-11-06", version=version)
    assert store.applications.get(app_id).stage == "screening"
    assert [e.stage for e in store.applications.events(app_id)] == ["applied", "screening"]


def test_failed_transaction_rolls_back_everything(store: Store) -> None:
    before = store.change_count()
    with pytest.raises(RuntimeError):
        with store.write() as tx:
            tx.connection.exec_driver_sql(
                "INSERT INTO applications (company, role, applied_on, stage, stage_on,"
                " created_at, updated_at) VALUES ('Half', '', '2026-01-01', 'applied',"
                " '2026-01-01', 'x', 'x')")
            raise RuntimeError("crash in the middle")
    assert store.count("applications") == 0
    assert store.change_count() == before


def test_database_rejects_impossible_dates_as_a_backstop(store: Store) -> None:
    with pytest.raises(IntegrityError):
        with store.write() as tx:
            tx.connection.exec_driver_sql(
                "INSERT INTO applications (company, role, applied_on, stage, stage_on,"
                " created_at, updated_at) VALUES ('X', '', '2026-02-30', 'applied',"
                " '2026-02-30', 'x', 'x')")
    assert store.count("applications") == 0


def test_every_write_bumps_the_change_counter(store: Store) -> None:
    first = store.change_count()
    factories.application(store)
    assert store.change_count() == first + 1


@pytest.mark.parametrize("field, value, message", [
    ("company", "", "Company is required"),
    ("applied_on", "2026-12-01", "future"),
    ("notes", "x" * 10_000, "too long"),
    ("contact_email", "not-an-email", "email address"),
    ("link", "javascript:alert(1)", "http"),
    ("link", "ftp://example.com/job", "http"),
    ("company", "Acme\r\nBcc: x@evil.test", "one line"),
])
def test_bad_application_input_is_refused_and_writes_nothing(store: Store, field, value,
                                                            message) -> None:
    values = {"company": "Acme", "role": "Dev", "applied_on": "2026-11-01", field: value}
    with pytest.raises(ValidationError) as info:
        factories.application(store, **values)
    assert message in info.value.errors[field]
    assert store.count("applications") == 0


def test_stage_change_before_applied_date_is_refused(store: Store) -> None:
    app_id = factories.application(store, applied_on="2026-11-10")
    with pytest.raises(ValidationError, match="before it was applied"):
        factories.move(store, app_id, Stage.SCREENING, "2026-11-01", version=1)


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy(store: Store, tmp_path: Path) -> None:
    factories.application(store)
    out = store.backups.make(tmp_path / "copy.db")
    copy = Store(out)
    assert copy.count("applications") == 1
    assert copy.integrity_problems(transfer.stored_value_problems) == []


@pytest.mark.sqlite_only
def test_daily_backup_once_a_day_and_rotation_keeps_hand_made_ones(store: Store,
                                                                  tmp_path: Path) -> None:
    assert store.backups.daily(TODAY) is None  # nothing to keep yet
    factories.application(store)
    first = store.backups.daily(TODAY)
    assert first is not None and first.name.endswith("-daily.db")
    assert store.backups.daily(TODAY) is None  # once a day
    manual = store.backups.make()
    for day in range(1, 20):
        store.backups.daily(date(2026, 12, day))
    names = [p.name for p in store.backups.files()]
    assert len([n for n in names if n.endswith("-daily.db")]) == store.backups.AUTOMATIC_KEPT
    assert manual.name in names


def test_database_files_are_private_to_the_user(tmp_path: Path) -> None:
    store = Store(tmp_path / "private.db")
    factories.application(store)
    for name in ("private.db", "private.db-wal", "private.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert path.stat().st_mode & 0o077 == 0, name


def test_stage_note_is_validated_not_silently_cut(store: Store) -> None:
    app_id = factories.application(store)
    for bad, message in (("x" * 501, "too long"), ("a\x00b", "control characters")):
        with pytest.raises(ValidationError) as info:
            factories.move(store, app_id, Stage.SCREENING, "2026-11-05", version=1, note=bad)
        assert message in info.value.errors["note"]
    assert [e.stage for e in store.applications.events(app_id)] == ["applied"]
    factories.move(store, app_id, Stage.SCREENING, "2026-11-05", version=1, note=" Call  ")
    assert store.applications.events(app_id)[-1].note == "Call"


# --- record types: the store's side of the split ---------------------------------------------

def test_the_row_check_is_the_callers(store: Store) -> None:
    """The store imports no domain module: `check` and restore get the import's row rules
    from their caller, and run exactly what they were given on every table's rows."""
    factories.application(store)
    seen: dict[str, int] = {}

    def check(rows, today):  # noqa: ANN001, ANN202 - the RowCheck shape
        for table in TABLES:
            seen[table] = len(list(rows(table)))
        assert isinstance(today, date)
        return ["a row the rules refuse"]

    assert store.integrity_problems(check) == ["a row the rules refuse"]
    assert seen["applications"] == 1 and seen["events"] == 1 and seen["settings"] == 1
    assert store.integrity_problems(transfer.stored_value_problems) == []


def test_a_dry_run_import_inside_a_transaction_is_refused(store: Store) -> None:
    """A dry run rolls back its own transaction; inside the caller's its writes would commit
    with the rest, so it is refused before anything is written."""
    row = {"company": "Acme", "role": "", "location": "", "source": "", "link": "",
           "contact_name": "", "contact_email": "", "applied_on": "2026-11-01",
           "stage": "applied", "stage_on": "2026-11-01", "notes": ""}
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.transfer.import_applications([row], commit=False)
    assert store.count("applications") == 0
    assert store.transfer.import_applications([row], commit=False) == 1
    assert store.count("applications") == 0
    with store.write() as tx:
        assert tx.transfer.import_applications([row]) == 1
        assert tx.transfer.table_counts()["applications"] == 1
    assert store.count("applications") == 1


def test_settings_and_check_ins_join_a_transaction(store: Store) -> None:
    """`tx.settings` and `tx.checkins` write on the caller's transaction: a failure later in
    it leaves neither."""
    before = store.settings.get()
    with pytest.raises(ZeroDivisionError), store.write() as tx:
        tx.settings.save(type(before)(**{**before.__dict__, "name": "Sam"}))
        assert tx.settings.get().name == "Sam"  # the transaction sees its own write
        tx.checkins.save("2026-W48", {
            "checked_on": TODAY, "items": (3, 3, 3, 3, 3), "who5_raw": 15, "stress": None,
            "hours": None, "self_care": (), "win": "", "let_go": ""})
        raise ZeroDivisionError
    assert store.settings.get() == before
    assert store.checkins.for_week("2026-W48") is None
    assert not hasattr(Transaction, "backups")  # a backup copies the committed file


@pytest.mark.sqlite_only
def test_opening_a_second_store_on_a_live_file_loses_no_later_write(tmp_path: Path) -> None:
    """Restore, the demo and a reopened page all open a `Store` on a file this process already
    writes through another one. Opening reads the file's marks through SQLite: a plain
    open()/close() of the file would drop the process's SQLite locks, the next process to
    close its connection would delete the write-ahead log, and what the first store wrote
    after that would be lost to every other process."""
    import subprocess
    import sys

    db = tmp_path / "nextround.db"
    first = Store(db)
    factories.application(first, "Before")  # the first store's pool holds a connection now

    def seen_elsewhere() -> int:
        code = ("import sqlite3, sys; con = sqlite3.connect(sys.argv[1]); print(con.execute("
                "'SELECT count(*) FROM applications').fetchone()[0]); con.close()")
        done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True,
                              text=True, timeout=60, check=True)
        return int(done.stdout)

    second = Store(db)  # inspects the live file
    assert seen_elsewhere() == 1
    factories.application(first, "After the second store opened")
    assert seen_elsewhere() == 2
    factories.application(second, "From the second store")
    assert seen_elsewhere() == 3
    assert Path(f"{db}-wal").exists()  # the log the live connections write is still there
    first.dispose()
    second.dispose()
