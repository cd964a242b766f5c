"""The command line answers the questions the app's import preview asks, as options: which
column is which (`--column`), Windows-1252 text (`--encoding`), the order of ambiguous dates
(`--date-format auto --date-order`) and a workbook's sheet (`--sheet`). A refused import says
which option answers it, and writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import cli

pytestmark = pytest.mark.sqlite_only

NO_DATE_COLUMN = "Employer,Position,When\nAcme,Analyst,2026-11-02\nGlobex,Engineer,2026-11-03\n"


def rows(db: Path) -> list[tuple[str, str, str]]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT company, role, applied_on FROM applications ORDER BY id"
                           ).fetchall()
    finally:
        con.close()


def test_a_column_it_cant_place_is_named_with_column(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text(NO_DATE_COLUMN, encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--db", str(db))
    assert code == 2 and "No column for Date applied" in err
    assert "--column 'FIELD=COLUMN'" in err and "'Employer', 'Position', 'When'" in err
    assert rows(db) == []
    code, out, err = cli(capsys, "import", str(sheet), "--column", "date applied=when",
                         "--db", str(db))
    assert code == 0, err
    assert "Imported 2 rows" in out
    assert rows(db) == [("Acme", "Analyst", "2026-11-02"), ("Globex", "Engineer", "2026-11-03")]


@pytest.mark.parametrize(("answer", "said"), [
    ("Salary=When", "'Salary' is not one of the fields: Company, Role"),
    ("Date applied=Posted", "no column 'Posted' to use as Date applied"),
    ("Date applied=", "--column needs FIELD=COLUMN"),
    ("When", "--column needs FIELD=COLUMN"),
])
def test_an_answer_that_doesnt_fit_the_file_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str, said: str) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text(NO_DATE_COLUMN, encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--column", answer, "--db", str(db))
    assert code == 2 and said in err and "Nothing was imported." in err
    assert rows(db) == []


def test_a_column_given_replaces_the_one_recognised(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text("Company,Team,Date applied\nAcme,Data,2026-11-02\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--column", "Role=Team", "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Acme", "Data", "2026-11-02")]


def test_windows_1252_text_is_converted_when_asked(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_bytes("Company,Role,Date applied\nAcmé Café,Analyst,2026-11-02\n"
                      .encode("cp1252"))
    code, _, err = cli(capsys, "import", str(sheet), "--db", str(db))
    assert code == 2 and "--encoding windows-1252" in err
    assert rows(db) == []
    code, _, err = cli(capsys, "import", str(sheet), "--encoding", "windows-1252",
                       "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Acmé Café", "Analyst", "2026-11-02")]


def test_dates_in_another_order_are_read_as_told(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text("Company,Role,Date applied\nAcme,Analyst,03/11/2026\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--db", str(db))
    assert code == 2 and "--date-format auto" in err
    code, _, err = cli(capsys, "import", str(sheet), "--date-format", "auto", "--db", str(db))
    assert code == 2 and "--date-order day-first or --date-order month-first" in err
    code, _, err = cli(capsys, "import", str(sheet), "--date-order", "day-first",
                       "--db", str(db))
    assert code == 2 and "--date-order goes with --date-format auto" in err
    assert rows(db) == []
    code, _, err = cli(capsys, "import", str(sheet), "--date-format", "auto", "--date-order",
                       "day-first", "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Acme", "Analyst", "2026-11-03")]


def test_a_workbooks_other_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book, db = tmp_path / "apps.xlsx", tmp_path / "mine.db"
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Nothing here"])
    applied = workbook.create_sheet("Applied")
    applied.append(["Company", "Role", "Date applied"])
    applied.append(["Globex", "Engineer", "2026-11-04"])
    workbook.save(book)
    code, _, err = cli(capsys, "import", str(book), "--db", str(db))
    assert code == 2 and rows(db) == []  # the first sheet has no applications
    code, _, err = cli(capsys, "import", str(book), "--sheet", "Applied", "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Globex", "Engineer", "2026-11-04")]


def test_a_look_alike_row_is_named_in_a_sentence(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    twice = "Company,Role,Date applied\nAcme,Analyst,2026-11-02\nAcme,Analyst,2026-11-02\n"
    sheet.write_text(twice, encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--db", str(db))
    assert code == 0, err
    assert "line 3 looks like line 2: 'Acme', 'Analyst', applied 2026-11-02 (kept)" in err
    code, _, err = cli(capsys, "import", str(sheet), "--skip-duplicates", "--dry-run",
                       "--db", str(db))
    assert code == 0, err
    assert "line 2 looks like an application already there: 'Acme'" not in err  # left out
    code, _, err = cli(capsys, "import", str(sheet), "--dry-run", "--db", str(db))
    assert "line 2 looks like an application already there: 'Acme', 'Analyst'" in err


def test_a_utf8_file_is_never_converted_again(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text("Company,Role,Date applied\nCafé Müller,Analyst,2026-11-02\n",
                     encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--encoding", "windows-1252",
                       "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Café Müller", "Analyst", "2026-11-02")]


def test_a_sheet_that_isnt_there_is_refused_with_the_sheets_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book, db = tmp_path / "apps.xlsx", tmp_path / "mine.db"
    workbook = Workbook()
    workbook.active.title = "Applied"
    workbook.active.append(["Company", "Role", "Date applied"])
    workbook.active.append(["Globex", "Engineer", "2026-11-04"])
    workbook.create_sheet("Saved")
    workbook.save(book)
    code, _, err = cli(capsys, "import", str(book), "--sheet", "applied", "--db", str(db))
    assert code == 2
    assert "The workbook has no sheet 'applied'; its sheets: 'Applied', 'Saved'." in err
    assert rows(db) == []


def test_an_answered_column_doesnt_hide_why_a_file_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_bytes("Firma,Role,Date applied\nAcmé,Analyst,2026-11-02\n".encode("cp1252"))
    code, _, err = cli(capsys, "import", str(sheet), "--column", "Company=Firma",
                       "--db", str(db))
    assert code == 2 and "--encoding windows-1252" in err and "no column" not in err
    code, _, err = cli(capsys, "import", str(sheet), "--column", "Company=Firma",
                       "--encoding", "windows-1252", "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Acmé", "Analyst", "2026-11-02")]


def test_the_hint_names_the_field_that_is_missing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text("Firma,Role,Date applied\nAcme,Analyst,2026-11-02\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--db", str(db))
    assert code == 2 and "No column for Company" in err
    assert "--column 'Company=Firma'" in err


def test_two_columns_meaning_one_field_are_never_settled_silently(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet, db = tmp_path / "apps.csv", tmp_path / "mine.db"
    sheet.write_text("Company,Employer,When\nAcme,Acme Group,2026-11-02\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", str(sheet), "--column", "Date applied=When",
                       "--db", str(db))
    assert code == 2 and "Two columns mean Company: 'Company' and 'Employer'" in err
    assert rows(db) == []
    code, _, err = cli(capsys, "import", str(sheet), "--db", str(db))
    assert code == 2 and "--column 'Company=Company'" in err
    code, _, err = cli(capsys, "import", str(sheet), "--column", "Date applied=When",
                       "--column", "Company=Employer", "--db", str(db))
    assert code == 0, err
    assert rows(db) == [("Acme Group", "", "2026-11-02")]
