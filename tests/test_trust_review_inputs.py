"""Issue 14, review of classes 4-7 and 12: members of each class the first fixes missed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nextround import demo, transfer
from nextround.models import Application
from nextround.store import MAX_COUNT, Store
from tests.conftest import TODAY


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
