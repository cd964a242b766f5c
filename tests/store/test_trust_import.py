"""Issue 14, imports: a hand-edited export, an odd encoding or a huge file is refused with the
table, row and field named (or imported with every page still working), the dry run promises
only what the real import does, a refusal leaves no file behind, and memory stays bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nextround import demo, transfer
from nextround.store import Store
from nextround.ui.sized_cache import SizedCache
from tests.conftest import ROOT, TODAY, no_exception, open_page

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Our own JSON export of a small demo database."""
    os.environ.setdefault("NEXTROUND_TODAY", TODAY.isoformat())
    store = Store(tmp_path_factory.mktemp("demo") / "demo.db")
    demo.fill(store, applications=20, seed=1, today=TODAY)
    data = transfer.export_json(store)
    store.dispose()
    return data


def _set(table: str, index: int, name: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["tables"][table][index][name] = value
    return change


def _drop(table: str, index: int, name: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        del doc["tables"][table][index][name]
    return change


def _copy_row(doc: Doc) -> None:
    doc["tables"]["applications"].append(dict(doc["tables"]["applications"][0]))


def _same_week(doc: Doc) -> None:
    doc["tables"]["checkins"][1]["week"] = doc["tables"]["checkins"][0]["week"]


def _wrong_score(doc: Doc) -> None:
    doc["tables"]["checkins"][0]["who5_raw"] = (doc["tables"]["checkins"][0]["who5_raw"] + 1) % 26


# (what changes, then the table, row (1-based, in the file) and field a refusal must name)
BAD_VALUES: list[tuple[str, Callable[[Doc], None], str, int, str]] = [
    ("a check-in week that doesn't exist", _set("checkins", 0, "week", "2026-W60"),
     "checkins", 1, "week"),
    ("check-in answers that aren't five scores", _set("checkins", 0, "items", "[1, 2]"),
     "checkins", 1, "items"),
    ("check-in answers that aren't JSON", _set("checkins", 0, "items", "five"),
     "checkins", 1, "items"),
    ("a check-in score that isn't the sum of its answers", _wrong_score,
     "checkins", 1, "who5_raw"),
    ("hours that aren't a number", _set("checkins", 0, "hours", float("nan")),
     "checkins", 1, "hours"),
    ("two check-ins for one week", _same_week, "checkins", 2, "week"),
    ("an unknown feedback status", _set("feedback_requests", 0, "status", "lost"),
     "feedback_requests", 1, "status"),
    ("feedback themes that aren't a list", _set("feedback_requests", 0, "themes", "{}"),
     "feedback_requests", 1, "themes"),
    ("a dream-list priority out of range", _set("targets", 0, "priority", 7),
     "targets", 1, "priority"),
    ("reflection answers that aren't an object", _set("reflections", 0, "answers", "[]"),
     "reflections", 1, "answers"),
    ("a control share over 100", _set("reflections", 0, "control_pct", 150),
     "reflections", 1, "control_pct"),
    ("a non-integer row version", _set("applications", 0, "version", "x"),
     "applications", 1, "version"),
    ("a negative row version", _set("applications", 0, "version", -1),
     "applications", 1, "version"),
    ("a boolean for a number", _set("targets", 0, "version", True), "targets", 1, "version"),
    ("an id too large for SQLite", _set("applications", 0, "id", 2 ** 70),
     "applications", 1, "id"),
    ("an id of zero", _set("actions", 0, "id", 0), "actions", 1, "id"),
    ("the same id twice", _copy_row, "applications", 21, "id"),
    ("an event pointing at a missing application",
     _set("events", 0, "application_id", 999_999), "events", 1, "application_id"),
    ("a lone surrogate in a text", _set("applications", 0, "company", "Acme \ud800"),
     "applications", 1, "company"),
    ("a NUL in a text", _set("events", 0, "note", "a\x00b"), "events", 1, "note"),
    ("an unknown draft status", _set("drafts", 0, "status", "maybe"), "drafts", 1, "status"),
    ("an unknown action source", _set("actions", 0, "source_kind", "robot"),
     "actions", 1, "source_kind"),
    ("a timestamp that isn't one", _set("applications", 0, "created_at", "yesterday"),
     "applications", 1, "created_at"),
    ("a date that isn't one", _set("drafts", 0, "created_at", "2026-02-30T00:00:00"),
     "drafts", 1, "created_at"),
    ("settings extra that isn't an object", _set("settings", 0, "extra", "[]"),
     "settings", 1, "extra"),
    ("a yes/no setting that isn't", _set("settings", 0, "extra",
                                         '{"pause_goal_in_hard_week": "maybe"}'),
     "settings", 1, "extra"),
    ("a required field left out", _drop("events", 0, "on_date"), "events", 1, "on_date"),
    ("a null where a value is required", _set("events", 0, "stage", None),
     "events", 1, "stage"),
    ("a field the table doesn't have", _set("applications", 0, "salary", 1),
     "applications", 1, "salary"),
    ("a number where text belongs", _set("applications", 0, "role", 12),
     "applications", 1, "role"),
]


def _mutated(export: bytes, change: Callable[[Doc], None]) -> bytes:
    document = json.loads(export)
    change(document)
    return json.dumps(document).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(("change", "table", "row", "name"),
                         [case[1:] for case in BAD_VALUES], ids=[c[0] for c in BAD_VALUES])
def test_every_table_is_checked_and_the_refusal_names_table_row_and_field(
        store: Store, export: bytes, change: Callable[[Doc], None], table: str, row: int,
        name: str) -> None:
    data = _mutated(export, change)
    found = transfer.preview(store, data)
    where = f"{table} row {row}, field {name}:"
    assert any(str(p).startswith(where) for p in found.errors), [str(p) for p in found.errors]
    with pytest.raises(transfer.ImportRefused):
        transfer.import_file(store, data, dry_run=True)
    with pytest.raises(transfer.ImportRefused):
        transfer.import_file(store, data)
    assert store.is_empty() and store.backups.files() == []


# --- the page: a message next to the upload, never a traceback ------------------------------

def test_the_page_lists_table_row_and_field_and_never_crashes(store: Store,
                                                              export: bytes) -> None:
    data = _mutated(export, _set("applications", 0, "company", "Acme \ud800"))
    at = open_page("app_pages/data.py", via_app=False)
    at.file_uploader(key="import_file_0").upload("export.json", data, "application/json").run()
    no_exception(at)
    problems = next(f.value for f in at.dataframe if "Problem" in f.value.columns)
    assert "applications row 1" in list(problems["Line"])
    assert "import_confirm" not in [b.key for b in at.button]
    assert store.is_empty()


# --- the command line: refusal code, plain lines, no file left behind ------------------------

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "NEXTROUND_DB"}
    result = subprocess.run([sys.executable, "-m", "nextround", *args], cwd=ROOT,
                            env={**base, "NEXTROUND_TODAY": TODAY.isoformat(),
                                 "PYTHONPATH": str(ROOT)},
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


@pytest.mark.parametrize("change", [
    _set("applications", 0, "id", 2 ** 70),
    _set("applications", 0, "company", "Acme \ud800"),
    _set("events", 0, "application_id", 999_999),
], ids=["id too large", "lone surrogate", "broken link"])
def test_cli_refuses_with_code_2_and_leaves_no_new_file(tmp_path: Path, export: bytes,
                                                        change: Callable[[Doc], None]) -> None:
    source = tmp_path / "export.json"
    source.write_bytes(_mutated(export, change))
    target = tmp_path / "new" / "deeper" / "nextround.db"
    for extra in (["--dry-run"], []):
        result = _cli("import", str(source), "--db", str(target), *extra)
        assert result.returncode == 2, result.stdout
        assert "row 1, field" in result.stderr
        assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_cli_dry_run_and_import_into_a_new_path(tmp_path: Path, export: bytes) -> None:
    source = tmp_path / "export.json"
    source.write_bytes(export)
    target = tmp_path / "new" / "nextround.db"
    result = _cli("import", str(source), "--db", str(target), "--dry-run")
    assert result.returncode == 0 and "Dry run" in result.stdout
    assert not (tmp_path / "new").exists()
    result = _cli("import", str(source), "--db", str(target))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in target.parent.iterdir()) == ["nextround.db"]
    assert target.stat().st_mode & 0o777 == 0o600
    store = Store(target)
    assert store.count("applications") == 20 and store.integrity_problems(
        transfer.stored_value_problems) == []
    store.dispose()


def test_dry_run_on_an_existing_database_does_the_write_and_rolls_it_back(
        store: Store, export: bytes) -> None:
    """The dry run goes through the store's own write (every constraint applies) and leaves
    the database as it was: the real import differs only in committing."""
    before = store.change_count()
    seen: list[int] = []
    result = transfer.import_file(store, export, dry_run=True,
                                  progress=lambda done, total: seen.append(done))
    assert seen and seen[-1] == result.preview.row_count
    assert store.is_empty() and store.change_count() == before and result.backup is None


@pytest.mark.parametrize("text_", [
    '{"format": "nextround-export", "schema_version": 4, "tables": {"events": [{"id": 1%s}]}}'
    % ("0" * 5000),
    '{"format": "nextround-export", "schema_version": 4%s, "tables": {}}' % ("0" * 5000),
], ids=["id with 5000 digits", "version with 5000 digits"])
def test_numbers_beyond_python_limits_are_refused(store: Store, text_: str) -> None:
    found = transfer.preview(store, text_.encode())
    assert len(found.errors) == 1 and "isn't valid JSON" in str(found.errors[0])


# --- encodings --------------------------------------------------------------------------------

CSV_TEXT = "Company,Date applied\nAcme,2026-01-05\n"


@pytest.mark.parametrize(("data", "name"), [
    (CSV_TEXT.encode("utf-16-le"), "UTF-16"),
    (CSV_TEXT.encode("utf-16-be"), "UTF-16"),
    (CSV_TEXT.encode("utf-32-le"), "UTF-32"),
    (CSV_TEXT.encode("utf-32-be"), "UTF-32"),
    (CSV_TEXT.encode("utf-32"), "UTF-32"),
    ('{"format": "nextround-export"}'.encode("utf-16-le"), "UTF-16"),
    (b"Company,Date applied\nAc\x00me,2026-01-05\n", "NUL bytes"),
], ids=["utf16le", "utf16be", "utf32le", "utf32be", "utf32bom", "json-utf16",
        "nul"])
def test_an_undecodable_file_names_its_encoding(store: Store, data: bytes, name: str) -> None:
    found = transfer.preview(store, data)
    assert len(found.errors) == 1 and name in str(found.errors[0]), found.errors
    assert "No column" not in str(found.errors[0])


# --- memory -----------------------------------------------------------------------------------

MB = 1024 * 1024
_HEAD = (b'{"app": "Next Round", "format": "nextround-export", "schema_version": 4, '
         b'"tables": {')


def _json_rows(rows: Callable[[int], bytes], size: int, table: bytes = b"targets") -> bytes:
    parts, total, i = [], 0, 1
    while total < size:
        part = b",".join(rows(j) for j in range(i, i + 10_000))
        parts.append(part)
        total += len(part)
        i += 10_000
    return _HEAD + b'"' + table + b'": [' + b",".join(parts) + b"]}}"


def _files(folder: Path) -> dict[str, Path]:
    limit = transfer.MAX_JSON_BYTES - 64 * 1024
    made = {
        "blank-lines.csv": b"Company,Date applied\n" + b"\n" * (transfer.MAX_CSV_BYTES - 30),
        "tiny-rows.csv": b"Company,Date applied\n" + b"A,2026-01-01\n" * (
            (transfer.MAX_CSV_BYTES - 30) // 13),
        "full-rows.csv": b"Company,Role,Date applied,Status,Link,Notes\n" + b"".join(
            f"Company {i} \U0001f600,Engineer,2026-01-{i % 28 + 1:02d},Applied,"
            f"https://jobs.example/{i},{'n' * 100}\n".encode() for i in range(transfer.MAX_ROWS)),
        "empty-rows.json": _json_rows(lambda j: b"{}", limit, b"events"),
        "huge-string.json": _HEAD + b'"events": [{"id": 1, "note": "' + b"x" * limit
        + b'"}]}}',
        "tiny-rows.json": _json_rows(
            lambda j: b'{"id":%d,"company":"A","created_on":"2026-01-01"}' % j, 16 * MB),
    }
    out = {}
    for name, data in made.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


# VmHWM, not ru_maxrss: the latter keeps the peak of the (large) test process across exec.
_MEASURE = textwrap.dedent("""
    import re, sys
    from pathlib import Path
    from nextround.__main__ import main
    code = main(["import", sys.argv[1], "--db", sys.argv[2]])
    peak = re.search(r"VmHWM:\\s*(\\d+) kB", Path("/proc/self/status").read_text())
    print(code, int(peak.group(1)) // 1024)
""")


def test_import_peak_memory_stays_small_for_any_file_the_limits_accept(tmp_path: Path) -> None:
    """Peak RSS of the whole command (Python, pandas and SQLAlchemy included, ~120 MB)."""
    files = _files(tmp_path)
    for name, path in files.items():
        db = tmp_path / f"{name}.db"
        result = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path), str(db)], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NEXTROUND_TODAY": TODAY.isoformat()},
            capture_output=True, text=True, timeout=300)
        assert "Traceback" not in result.stderr, result.stderr
        code, peak = (int(x) for x in result.stdout.split()[-2:])
        assert peak < 300, f"{name}: {peak} MB"
        assert code == (0 if name in ("tiny-rows.json", "full-rows.csv") else 2), (
            name, result.stderr)


def test_cached_previews_are_bounded_in_total_bytes() -> None:
    cache: SizedCache[str] = SizedCache(100)
    for key in range(10):
        assert cache.get(key, lambda k=key: f"preview {k}", 30) == f"preview {key}"
    assert cache.used <= 100 and len(cache) == 3
    assert cache.get("huge", lambda: "too big to keep", 101) == "too big to keep"
    assert len(cache) == 3 and "huge" not in cache._entries
    calls: list[int] = []
    cache.get(9, lambda: calls.append(1) or "again", 30)
    assert calls == []  # still cached
