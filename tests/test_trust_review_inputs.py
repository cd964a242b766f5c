"""Issue 14, review of classes 4-7 and 12: members of each class the first fixes missed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import streamlit

from nextround import clock, demo, transfer
from nextround.models import Application
from nextround.store import MAX_COUNT, Store
from tests.conftest import ROOT, TODAY, open_page


@pytest.fixture
def document(tmp_path: Path) -> dict[str, Any]:
    store = Store(tmp_path / "demo.db")
    demo.fill(store, applications=20, seed=1, today=TODAY)
    found = json.loads(transfer.export_json(store))
    store.dispose()
    return found


def _refusal(store: Store, document: dict[str, Any]) -> list[transfer.Problem]:
    with pytest.raises(transfer.ImportRefused) as refused:
        transfer.import_file(store, json.dumps(document).encode())
    assert store.is_empty()
    return refused.value.problems


@pytest.mark.parametrize(("table", "name"), [("applications", "version"),
                                             ("settings", "version"),
                                             ("feedback_requests", "follow_ups")])
def test_a_count_the_app_adds_to_is_refused_when_one_more_would_not_fit(
        tmp_path: Path, document: dict[str, Any], table: str, name: str) -> None:
    """A version (or follow-up count) at the top of SQLite's range is accepted by the database,
    but the next edit turns it into a float (or overflows), and the export of that no longer
    imports. The import refuses it by table, row and field instead."""
    document["tables"][table][0][name] = 2 ** 63 - 1
    problems = _refusal(Store(tmp_path / "new.db"), document)
    assert (problems[0].table, problems[0].row, problems[0].field) == (table, 1, name), \
        [str(p) for p in problems]


def test_a_large_version_still_allowed_survives_an_edit_and_reimports(
        tmp_path: Path, document: dict[str, Any]) -> None:
    top = MAX_COUNT
    document["tables"]["applications"][0]["version"] = top
    store = Store(tmp_path / "a.db")
    transfer.import_file(store, json.dumps(document).encode())
    row = document["tables"]["applications"][0]
    edited = Application(company=row["company"], role=row["role"] + " (edited)",
                         applied_on=row["applied_on"], stage=row["stage"])
    store.update_application(row["id"], edited, top)
    again = Store(tmp_path / "b.db")
    transfer.import_file(again, transfer.export_json(store))
    assert json.loads(transfer.export_json(store))["tables"]["applications"][0]["version"] == 1
    assert json.loads(transfer.export_json(again))["tables"] \
        == json.loads(transfer.export_json(store))["tables"]


PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
BAD_TODAYS = ["garbage", "2026-02-30", "20260302", "2026-03-02T10:00", "9999-12-31",
              "0001-01-01", "2026-W10-1"]


@pytest.mark.parametrize("pinned", BAD_TODAYS)
def test_a_bad_pinned_today_falls_back_to_the_real_date_and_every_page_opens(
        isolated: Path, monkeypatch: pytest.MonkeyPatch, pinned: str) -> None:
    store = Store(isolated)
    demo.fill(store, applications=10, seed=1, today=TODAY)
    store.dispose()
    monkeypatch.setenv("NEXTROUND_TODAY", pinned)
    assert clock.today() == datetime.now(UTC).date()
    streamlit.cache_data.clear()  # settings are cached by the change counter, not the env
    for page in PAGES:
        at = open_page(page, via_app=False)
        assert not at.exception, (page, [e.value for e in at.exception])
        if page == "pages/data.py":
            assert any("NEXTROUND_TODAY" in w.value.replace("\\", "") for w in at.warning), \
                [w.value for w in at.warning]


@pytest.mark.parametrize("pinned", ["garbage", "9999-12-31"])
def test_a_bad_pinned_today_does_not_stop_a_command(
        tmp_path: Path, document: dict[str, Any], pinned: str) -> None:
    source = tmp_path / "full.json"
    source.write_text(json.dumps(document))
    done = subprocess.run(
        [sys.executable, "-m", "nextround", "--db", str(tmp_path / "new.db"), "import",
         str(source), "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NEXTROUND_TODAY": pinned})
    assert done.returncode == 0, done.stderr
