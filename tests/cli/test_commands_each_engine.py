"""Every command on the suite's own database (`NEXTROUND_DB`): an SQLite file in the SQLite
pass, a PostgreSQL database in the PostgreSQL pass. A script sees the same results and the
same plain refusals on both; tests/cli/test_commands.py covers what only a file has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nextround import transfer
from nextround.store import Store
from tests.conftest import cli


def _tables(store: Store) -> dict:
    return transfer.export_data(store)["tables"]


def test_demo_export_check_review_backup_and_restore(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.url
    code, out, err = cli(capsys, "--db", db, "demo", "--applications", "120", "--seed", "4")
    assert code == 0, err
    assert "120 applications" in out
    assert store.count("applications") == 120

    code, out, err = cli(capsys, "--db", db, "demo", "--applications", "5")
    assert code != 0 and "already holds data" in err and store.count("applications") == 120

    exported = tmp_path / "everything.json"
    code, _, err = cli(capsys, "--db", db, "export", "--out", str(exported))
    assert code == 0, err
    assert len(json.loads(exported.read_text())["tables"]["applications"]) == 120

    code, out, err = cli(capsys, "--db", db, "check")
    assert code == 0 and ": ok (schema" in out and "120 applications" in out, (out, err)

    review = tmp_path / "week.md"
    code, _, err = cli(capsys, "--db", db, "review", "--week", "2026-W47", "--out", str(review))
    assert code == 0, err
    assert review.read_text().startswith("#") and "How I was doing" not in review.read_text()
    code, _, err = cli(capsys, "--db", db, "review", "--week", "2026-W47", "--out", str(review),
                       "--with-wellbeing", "--no-charts")
    assert code == 0, err
    assert "## How I was doing" in review.read_text()

    code, out, err = cli(capsys, "--db", db, "backup")
    assert code == 0, err
    backup = Path(out.strip())
    assert backup.is_file() and backup in store.backups.files()
    before = _tables(store)

    cli(capsys, "--db", db, "demo", "--applications", "5")  # refused: nothing changes
    with store.write() as tx:
        tx.applications.delete(int(before["applications"][0]["id"]))
    assert _tables(store) != before
    code, out, err = cli(capsys, "--db", db, "restore", str(backup))
    assert code == 0, err
    assert out.startswith("Restored ") and "120 applications" in out
    assert "backed up to" in out
    assert _tables(store) == before


def test_restore_refuses_a_file_it_cant_bring_back_and_changes_nothing(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.url
    assert cli(capsys, "--db", db, "demo", "--applications", "30", "--seed", "2")[0] == 0
    before = _tables(store)
    for name, data in (("empty.json", b""), ("notes.json", b'{"notes": []}'),
                       ("half.db", b"SQLite format 3\x00" + b"\x00" * 50),
                       ("words.txt", b"not a backup at all"),
                       ("utf16.json", '{"format": "x"}'.encode("utf-16"))):
        bad = tmp_path / name
        bad.write_bytes(data)
        code, out, err = cli(capsys, "--db", db, "restore", str(bad))
        assert code != 0 and out == "", (name, out)
        assert err.strip() and "\n" not in err.strip(), (name, err)  # one plain line
        assert "Nothing was changed" in err or "not" in err, (name, err)
        assert "couldn't finish" not in err, (name, err)  # refused in words, not a crash
        assert _tables(store) == before, name
    code, _, err = cli(capsys, "--db", db, "restore", str(tmp_path / "missing.json"))
    assert code != 0 and _tables(store) == before


@pytest.mark.parametrize("address", [
    "postgresql+psycopg://postgres@127.0.0.1:1/nextround",  # nothing listens there
    "postgresql+psycopg://postgres@127.0.0.1:5432/nrt_no_such_database",
    "mysql://root@127.0.0.1/nextround",  # an engine Next Round doesn't run on
])
def test_a_server_that_cant_be_used_is_one_plain_line(
        address: str, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["check"], ["backup"], ["demo", "--applications", "5"]):
        code, out, err = cli(capsys, "--db", address, *command)
        assert code == 2 and out == "", (command, out)
        line = err.strip()
        assert line and "\n" not in line and "Traceback" not in line, (command, err)
        assert "password" not in line.lower() or "refused the user" in line
