"""Issue 14, review of classes 4-7 and 12: members of each class the first fixes missed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import streamlit

from nextround import clock, demo, drafting, transfer
from nextround import feedback as fb
from nextround.models import Application, ValidationError, ascii_email
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
    store.applications.update(row["id"], edited, top)
    again = Store(tmp_path / "b.db")
    transfer.import_file(again, transfer.export_json(store))
    assert json.loads(transfer.export_json(store))["tables"]["applications"][0]["version"] == 1
    assert json.loads(transfer.export_json(again))["tables"] \
        == json.loads(transfer.export_json(store))["tables"]


PAGES = sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))
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
        if page == "app_pages/data.py":
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


# One address rule: the form, the Respond page, the CSV and the JSON import agree, and an
# accepted address gives a valid `.eml` To: header and mailto: link.
ADDRESSES = [
    "a@example.com", "jürgen@example.com", "a@bücher.de", "a@BÜCHER.DE", "a@xn--bcher-kva.de",
    "A@XN--BCHER-KVA.DE", "a@Xn--bcher-kva.de", "a@xn--zz.de", "a@XN--ZZ.de",
    "a@example.com.", "a?b@example.com", "a&b@example.com", "a#b@example.com",
    "a%b@example.com", "x" * 64 + "@example.com", "x" * 65 + "@example.com",
    "a@" + "b" * 63 + ".com", "a@" + "b" * 64 + ".com", "a@" + ".".join(["b" * 60] * 3) + ".com",
    "a@straße.de", "a@例え.テスト", "a@xn--r8jz45g.xn--zckzah", "a@ｅｘａｍｐｌｅ.com",
]


def _accepted_by_form(address: str) -> bool:
    try:
        Application(company="Acme", applied_on=TODAY, contact_email=address).validated(TODAY)
    except ValidationError:
        return False
    return True


def _accepted_by_respond(address: str) -> bool:
    try:
        drafting.check_email(address)
    except ValueError:
        return False
    return True


def _accepted_by_csv(store: Store, address: str) -> bool:
    data = f"Company,Date applied,Contact email\nAcme,{TODAY},{address}\n".encode()
    return transfer.preview(store, data).ok


def _accepted_by_json(store: Store, document: dict[str, Any], address: str) -> bool:
    document = json.loads(json.dumps(document))
    document["tables"]["applications"][0]["contact_email"] = address
    return transfer.preview(store, json.dumps(document).encode()).ok


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_place_that_takes_an_address_agrees_and_an_accepted_one_can_be_sent(
        tmp_path: Path, document: dict[str, Any], address: str) -> None:
    store = Store(tmp_path / "empty.db")
    verdicts = {"form": _accepted_by_form(address), "respond": _accepted_by_respond(address),
                "csv": _accepted_by_csv(store, address),
                "json": _accepted_by_json(store, document, address)}
    assert len(set(verdicts.values())) == 1, verdicts
    if address.isascii() and address.count("@") == 1:
        local, domain = address.split("@")
        if len(local) <= 64 and len(address) <= 254 and not domain.endswith(".") \
                and all(0 < len(p) <= 63 for p in domain.split(".")) \
                and (not domain.lower().startswith("xn--") or "zz" not in domain.lower()):
            assert verdicts["form"], f"a plain ASCII address is refused: {address}"
    if not verdicts["form"]:
        return
    draft = drafting.Draft(subject="Thanks", body="Hello", to=address)
    parsed = message_from_bytes(draft.to_eml(), policy=policy.default)
    assert not parsed["To"].defects and len(parsed["To"].addresses) == 1
    assert parsed["To"].addresses[0].addr_spec == ascii_email(address)
    assert ascii_email(address).isascii() and "=?" not in str(parsed["To"])
    link = urlsplit(draft.mailto())
    assert unquote(link.path) == ascii_email(address)


@pytest.mark.parametrize("command", [["demo", "--applications", "3"], ["check"],
                                     ["export", "--out", "out.json"]])
@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_db_argument_is_refused_and_never_means_the_default(
        tmp_path: Path, command: list[str], empty: str) -> None:
    other = tmp_path / "other.db"
    done = subprocess.run(
        [sys.executable, "-m", "nextround", "--db", empty, *command], cwd=tmp_path,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NEXTROUND_DB": str(other)})
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "--db is empty" in done.stderr and "Traceback" not in done.stderr
    assert not other.exists() and not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf  [\n  {}\n]", b"[]", b'["Acme"]', b"[[1, 2]]"])
def test_a_json_list_is_named_as_json_not_read_as_a_csv_without_columns(
        tmp_path: Path, data: bytes) -> None:
    """A JSON list that isn't records with names (issue 18 reads those, as another tool's
    file) is refused as JSON, never read as a CSV without columns."""
    store = Store(tmp_path / "x.db")
    records = transfer.preview(store, b'[{"company": "Acme", "applied_on": "2026-11-02"}]')
    assert records.ok and [r["company"] for r in records.rows] == ["Acme"], records.errors
    found = transfer.preview(store, data)
    assert not found.ok
    assert "isn't a Next Round export" in str(found.errors[0]), [str(p) for p in found.errors]
    assert not any("No column" in str(p) for p in found.errors)
    # ... while a CSV whose first header has brackets stays a CSV
    csv_ = transfer.preview(store, b"[Company],Date applied\nAcme,2026-11-02\n")
    assert csv_.kind == "csv" and not any("JSON" in str(p) for p in csv_.errors)


@pytest.mark.parametrize("extra", [
    {"feedback_themes": ["a list, not JSON text"]},
    {"feedback_themes": json.dumps([f"theme {i}" for i in range(500)])},
    {"feedback_themes": json.dumps(["x" * 500])},
    {"feedback_themes": json.dumps([1, None])},
    {"feedback_themes": json.dumps(["Same", "same"])},
    {"feedback_themes": json.dumps([])},
    {"feedback_themes": json.dumps(["two\nlines"])},
    {"another_setting": "1"},
])
def test_the_settings_extra_holds_only_a_theme_list_the_editor_would_save(
        tmp_path: Path, document: dict[str, Any], extra: dict[str, Any]) -> None:
    document["tables"]["settings"][0]["extra"] = json.dumps(extra)
    problems = _refusal(Store(tmp_path / "new.db"), document)
    assert (problems[0].table, problems[0].row, problems[0].field) == ("settings", 1, "extra"), \
        [str(p) for p in problems]
    # ... while a list the theme editor saved imports back as it was
    saved = Store(tmp_path / "a.db")
    fb.save_themes(saved, "Communication\nSystem design\n Über  spacing ", 1)
    again = Store(tmp_path / "b.db")
    transfer.import_file(again, transfer.export_json(saved))
    assert fb.saved_themes(again) == fb.saved_themes(saved) == \
        ["Communication", "System design", "Über spacing"]



def test_a_stage_change_dated_before_its_application_is_refused_by_row_and_field(
        tmp_path: Path, document: dict[str, Any]) -> None:
    """The stage form refuses such a date, and after it the details form would refuse every
    save of that application ("Date applied can't be after a later stage change")."""
    events = document["tables"]["events"]
    applications = {a["id"]: a for a in document["tables"]["applications"]}
    number, event = next((i, e) for i, e in enumerate(events, start=1) if e["stage"] != "applied")
    applied = date.fromisoformat(applications[event["application_id"]]["applied_on"])
    event["on_date"] = (applied - timedelta(days=1)).isoformat()
    problems = _refusal(Store(tmp_path / "new.db"), document)
    assert [(p.table, p.row, p.field) for p in problems] == [("events", number, "on_date")], \
        [str(p) for p in problems]
    # ... while the same day as the date applied is fine, as in the form
    event["on_date"] = applied.isoformat()
    store = Store(tmp_path / "same-day.db")
    transfer.import_file(store, json.dumps(document).encode())
