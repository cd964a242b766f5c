"""`python -m nextround record` and `export --out x.xlsx`: files a person opens, refusals that
write nothing. In this process (`cli`), on the suite's database, whichever engine it is on."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pypdf
import pytest

from nextround.store import Store
from tests import factories
from tests.conftest import cli


@pytest.fixture
def two_applications(store: Store) -> Store:
    factories.application(store, "Acme", role="Engineer", applied_on="2026-11-03",
                          source="LinkedIn", stages=[("screening", "2026-11-12")])
    factories.application(store, "Old Co", role="Analyst", applied_on="2026-09-01")
    return store


def test_record_writes_the_period_as_csv(two_applications: Store, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nov.csv"
    code, said, err = cli(capsys, "record", "--from", "2026-11-01", "--to", "2026-11-30",
                          "--out", str(out))
    assert (code, err) == (0, "")
    assert said == f"Wrote 2 activities from 1 Nov 2026 to 30 Nov 2026 to {out}.\n"
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r[:4] + r[5:] for r in rows[1:]] == [
        ["2026-11-03", "Acme", "Engineer", "Online", "Applied; now: Screening"],
        ["2026-11-12", "Acme", "Engineer", "Online", "Moved to Screening"]]


def test_record_options_leave_out_stage_changes(two_applications: Store, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nov.xlsx"
    code, said, _ = cli(capsys, "record", "--from", "2026-11-01", "--to", "2026-11-30",
                        "--out", str(out), "--no-stage-changes")
    assert code == 0 and said.startswith("Wrote 1 activity ")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Acme"]


def test_record_writes_a_pdf_with_the_users_name(two_applications: Store, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    settings = two_applications.settings.get()
    from dataclasses import replace
    two_applications.settings.save(replace(settings, name="Sam Rivera"))
    out = tmp_path / "nov.pdf"
    code, _, err = cli(capsys, "record", "--from", "2026-11-01", "--to", "2026-11-30",
                       "--out", str(out))
    assert (code, err) == (0, "")
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "Name: Sam Rivera" in text and "Acme" in text and "Old Co" not in text


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2026-11-31", "--to", "2026-12-01", "--out", "r.csv"), "Dates are YYYY-MM-DD"),
    (("--from", "2026-11-30", "--to", "2026-11-01", "--out", "r.csv"), "--to is before --from"),
    (("--from", "2026-11-01", "--to", "2026-11-30", "--out", "r.docx"), "--out must end in"),
])
def test_record_refuses_bad_requests_and_writes_nothing(
        two_applications: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    code, said, err = cli(capsys, "record", *args)
    assert code == 2 and said == "" and message in err and "Nothing was written" in err
    assert list(folder.iterdir()) == []


@pytest.mark.sqlite_only
def test_record_refuses_to_write_through_a_link_to_the_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "mine.db"
    mine = Store(str(db))
    factories.application(mine, "Acme", applied_on="2026-11-03")
    mine.dispose()
    before = db.read_bytes()
    (tmp_path / "db.csv").symlink_to(db)
    code, _, err = cli(capsys, "--db", str(db), "record", "--from", "2026-11-01", "--to",
                       "2026-11-30", "--out", str(tmp_path / "db.csv"))
    assert code == 2 and err
    assert db.read_bytes() == before


def test_export_to_xlsx_has_applications_and_their_stage_history(
        two_applications: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.xlsx"
    code, said, _ = cli(capsys, "export", "--out", str(out))
    assert code == 0 and "workbook" in said
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Applications", "Stage history"]
    apps = list(book["Applications"].iter_rows(values_only=True))
    assert apps[1][:4] == ("Acme", "Engineer", "screening", apps[1][3])
    assert apps[1][3].date().isoformat() == "2026-11-03"
    events = list(book["Stage history"].iter_rows(values_only=True))
    assert [(e[0], e[2], e[3].date().isoformat(), e[5]) for e in events[1:]] == [
        ("Acme", "applied", "2026-11-03", 2), ("Acme", "screening", "2026-11-12", 2),
        ("Old Co", "applied", "2026-09-01", 3)]
