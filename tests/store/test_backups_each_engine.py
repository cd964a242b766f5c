"""Backup and restore through `transfer` on whichever engine the suite runs on (the SQLite
pass tests copies of the file; the PostgreSQL pass tests full exports), and the same demo on
both engines exporting the same JSON.

What a user relies on: a backup brings back exactly what was there; a restore refuses a file
it can't bring back whole and changes nothing; the data it replaced is backed up first.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from nextround import demo, transfer
from nextround.models import Application
from nextround.store import Store, StoreError
from tests.conftest import TODAY


def _tables(store: Store) -> dict:
    return transfer.export_data(store)["tables"]


def test_a_backup_restores_exactly_what_was_there_and_keeps_what_it_replaced(
        store: Store) -> None:
    demo.fill(store, applications=40, seed=7, today=TODAY)
    before = _tables(store)
    backup = transfer.make_backup(store, reason="manual")
    assert backup.is_file() and backup.stat().st_mode & 0o077 == 0
    assert backup in store.backups.files()

    store.applications.add(Application(company="Added after the backup", role="Designer",
                                       applied_on=date(2026, 11, 20)))
    changed = _tables(store)
    assert changed != before

    result = transfer.restore_backup(store, backup)
    assert _tables(store) == before
    assert result.counts["applications"] == len(before["applications"])
    assert result.previous_backup is not None and result.previous_backup.is_file()
    # The replaced data is in the safety backup: restoring it brings the added row back.
    transfer.restore_backup(store, result.previous_backup)
    assert _tables(store) == changed


def test_a_damaged_backup_is_refused_in_words_and_changes_nothing(
        store: Store, tmp_path: Path) -> None:
    demo.fill(store, applications=15, seed=2, today=TODAY)
    before = _tables(store)
    backup = transfer.make_backup(store)
    damaged = tmp_path / f"damaged{backup.suffix}"
    data = backup.read_bytes()
    # Half a backup: what a full disk or a killed copy leaves.
    damaged.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError) as refused:
        transfer.restore_backup(store, damaged)
    assert "Nothing was changed" in str(refused.value) or "damaged" in str(refused.value)
    assert _tables(store) == before
    with pytest.raises(StoreError):
        transfer.describe_backup(store, damaged)


def test_the_other_engines_kind_of_backup_is_refused_with_what_to_do(
        store: Store, tmp_path: Path) -> None:
    store.applications.add(Application(company="Kept", role="Analyst",
                                       applied_on=date(2026, 11, 2)))
    before = _tables(store)
    other = tmp_path / "other"
    if store.on_server:  # a server restores full exports, not database files
        lite = Store(tmp_path / "lite.db")
        lite.applications.add(Application(company="Elsewhere", role="Analyst",
                                          applied_on=date(2026, 11, 3)))
        lite.dispose()
        other = tmp_path / "lite.db"
        expected = "full export"
    else:  # a file restores database files, not exports
        other = tmp_path / "export.json"
        other.write_bytes(transfer.export_json(store))
        expected = "SQLite"
    with pytest.raises(StoreError) as refused:
        transfer.restore_backup(store, other)
    assert expected in str(refused.value)
    assert _tables(store) == before


def test_the_daily_backup_is_made_once_a_day_and_only_of_data(store: Store) -> None:
    assert transfer.daily_backup(store, TODAY) is None  # nothing to keep yet
    store.applications.add(Application(company="Daily", role="Writer",
                                       applied_on=date(2026, 11, 1)))
    first = transfer.daily_backup(store, TODAY)
    assert first is not None and first.is_file()
    assert transfer.daily_backup(store, TODAY) is None
    assert transfer.daily_backup(store, date(2026, 11, 26)) is not None
    assert len(store.backups.files()) == 2


def test_the_same_demo_exports_the_same_json_on_both_engines(
        postgres_url: str, tmp_path: Path) -> None:
    exports = []
    for url in (f"sqlite:///{tmp_path / 'demo.db'}", postgres_url):
        engine_store = Store(url)
        try:
            demo.fill(engine_store, applications=250, seed=11, today=TODAY)
            exported = json.loads(transfer.export_json(engine_store))
        finally:
            engine_store.dispose()
        exported.pop("exported_at")
        exports.append(exported)
    assert exports[0] == exports[1]
    assert len(exports[0]["tables"]["applications"]) == 250
