"""Issue 14, class 4 as a property: any change to our own export of a demo database (a value
of any field of any row of any table changed to another type or value, a field deleted or
added, a row duplicated or deleted, a table or header field broken) is either refused with the
table, row and field named, or imported with every page still opening without an exception."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import streamlit
from hypothesis import event, given, settings
from hypothesis import strategies as st

from nextround import demo, transfer
from nextround.store import Store
from tests.conftest import ROOT, TODAY, open_page

PAGES = sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))
FILE_LEVEL = ("isn't a Next Round export", "schema_version", "newer version", "Unknown table",
              "must be a list of rows", "more than one settings row", "isn't valid JSON",
              "appears twice",
              # a lone surrogate in a header value makes the bytes themselves invalid UTF-8
              "not UTF-8 text")

SPECIAL_TEXT = [
    "", " ", "x" * 301, "x" * 5_001, "2026-W60", "2026-W01", "2026-W53", "2026-02-30",
    "2026-11-20", "2026-12-24", "1989-12-31", "9999-12-31", "0001-01-01",
    "2026-11-20T10:00:00+00:00", "[]", "{}", "[1, 2, 3, 4, 5]", "[6, 0, 0, 0, 0]",
    '["sleep", "fun"]', '["x"]', '{"step": 99}', '{"do_differently": "abc"}', "null", "1",
    "\ud800", "a\x00b", "line\nbreak", "\u202e", "applied", "rejected", "received",
    "followed_up", "sent", "draft", "done", "email", "warm", "rejection_thanks", "manual",
    "applied ", "Applied", "not an email", "ana@example.com", "https://example.com",
    "javascript:alert(1)", "Europe/Berlin", "Mars/Olympus", "yes", "no",
]
VALUES = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-3, max_value=30),
    st.sampled_from([0, -1, 101, 2 ** 31, 2 ** 63 - 1, 2 ** 63, -(2 ** 63) - 1, 2 ** 70]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-1, max_value=6), max_size=6),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
OPERATIONS = ("set", "set", "set", "set", "delete", "add", "duplicate", "drop_row",
              "copy_from_other_row", "header", "table")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    os.environ.setdefault("NEXTROUND_TODAY", TODAY.isoformat())
    store = Store(tmp_path_factory.mktemp("demo") / "demo.db")
    demo.fill(store, applications=20, seed=1, today=TODAY)
    document = json.loads(transfer.export_json(store))
    store.dispose()
    return document


def _mutate(document: dict[str, Any], data: st.DataObject) -> str:
    """Change the document in place; returns what was done (for the failure report)."""
    operation = data.draw(st.sampled_from(OPERATIONS), label="operation")
    if operation == "header":
        key = data.draw(st.sampled_from(["format", "schema_version", "app", "tables", "extra"]))
        document[key] = data.draw(VALUES, label="header value")
        return f"header {key}"
    tables = document["tables"]
    if operation == "table":
        name = data.draw(st.sampled_from([*tables, "salaries"]), label="table")
        tables[name] = data.draw(st.one_of(VALUES, st.just([])), label="table value")
        return f"table {name}"
    name = data.draw(st.sampled_from(sorted(t for t, rows in tables.items() if rows)))
    rows = tables[name]
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1), label="row index")
    row = rows[index]
    field = data.draw(st.sampled_from(sorted(row)), label="field")
    if operation == "set":
        row[field] = data.draw(VALUES, label="value")
    elif operation == "delete":
        del row[field]
    elif operation == "add":
        row[data.draw(st.text(min_size=1, max_size=8), label="new field")] = data.draw(VALUES)
    elif operation == "duplicate":
        rows.append(dict(row))
    elif operation == "drop_row":
        del rows[index]
    else:
        other = rows[data.draw(st.integers(min_value=0, max_value=len(rows) - 1))]
        row[field] = other[data.draw(st.sampled_from(sorted(other)), label="other field")]
    return f"{operation} {name}[{index}].{field}"


def _open_every_page(db: Path) -> None:
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    previous = os.environ.get("NEXTROUND_DB")
    os.environ["NEXTROUND_DB"] = str(db)
    try:
        for page in PAGES:
            at = open_page(page, via_app=False)
            assert not at.exception, (page, [e.value for e in at.exception])
    finally:
        streamlit.cache_resource.clear()
        if previous is not None:
            os.environ["NEXTROUND_DB"] = previous


@settings(deadline=None, max_examples=60)
@given(data=st.data())
def test_any_change_to_an_export_is_refused_by_row_and_field_or_every_page_opens(
        export: dict[str, Any], data: st.DataObject) -> None:
    document = json.loads(json.dumps(export))
    done = _mutate(document, data)
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "imported.db"
        store = Store(db)
        try:
            try:
                transfer.import_file(store, raw)
            except transfer.ImportRefused as refused:
                assert store.is_empty(), done
                named = [p for p in refused.problems
                         if p.table and p.row and (p.field or "object" in p.message)]
                file_level = [p for p in refused.problems
                              if any(words in p.message for words in FILE_LEVEL)]
                assert named or file_level, (done, [str(p) for p in refused.problems])
                event("refused")
                return
        finally:
            store.dispose()
        event("imported: every page opened")
        _open_every_page(db)
