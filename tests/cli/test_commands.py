"""The command line, run the way scripts run it: `python -m nextround …` in a subprocess.

Every refusal must be a clear line on stderr with a non-zero exit, never a traceback, and no
command may read standard input.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nextround import transfer
from nextround.store import SCHEMA_VERSION, Store, restore_database
from tests.conftest import ROOT, cli, digest, old_database

TODAY = "2026-11-25"
# Each of these names its own SQLite files; tests/cli/test_commands_each_engine.py runs the
# commands on the suite's database, whichever engine it is on.
pytestmark = pytest.mark.sqlite_only


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
        ) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "NEXTROUND_DB"}
    result = subprocess.run([sys.executable, "-m", "nextround", *args], cwd=ROOT,
                            env={**base, "NEXTROUND_TODAY": TODAY, "PYTHONPATH": str(ROOT),
                                 **(env or {})},
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    return result


def applications(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT * FROM applications ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once through the command line (seed 1, 300 applications)."""
    db = tmp_path_factory.mktemp("cli") / "seeded.db"
    result = run("demo", "--applications", "300", "--seed", "1", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "300 applications" in result.stdout and len(result.stdout.splitlines()) == 1
    return db


def copy_db(source: Path, target: Path) -> Path:
    Store(source).backups.make(target)
    return target


# --- demo ------------------------------------------------------------------------------------

def test_demo_makes_data_and_refuses_a_second_time(seeded: Path) -> None:
    before = digest(seeded)
    again = run("demo", "--applications", "10", "--db", str(seeded))
    assert again.returncode == 2
    assert "already holds data" in again.stderr
    assert digest(seeded) == before
    assert len(applications(seeded)) == 300


def test_demo_with_a_url_and_the_environment_variable(tmp_path: Path, seeded: Path) -> None:
    by_url = tmp_path / "url.db"
    result = run("--db", f"sqlite:///{by_url}", "demo", "--applications", "300", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert applications(by_url) == applications(seeded)  # same seed and today: same data
    by_env = tmp_path / "env.db"
    result = run("demo", "--applications", "40", "--seed", "2",
                 env={"NEXTROUND_DB": str(by_env)})
    assert result.returncode == 0, result.stderr
    assert len(applications(by_env)) == 40


def test_demo_summary_counts_what_it_made_in_words(tmp_path: Path) -> None:
    result = run("demo", "--applications", "1", "--db", str(tmp_path / "one.db"))
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r": 1 application, \d+ events?, \d+ drafts?, \d+ feedback requests?, "
                     r"\d+ reflections?, \d+ actions?, \d+ check-ins?, \d+ dream jobs?\.$",
                     summary), summary


@pytest.mark.parametrize("args", [
    ["demo", "--applications", "0"], ["demo", "--applications", "many"],
    ["demo", "--seed", "x"], [], ["frobnicate"], ["restore"], ["check", "--nope"],
])
def test_bad_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           args: list[str]) -> None:
    code, _, err = cli(capsys, *args, "--db", str(tmp_path / "x.db")) if args else cli(capsys)
    assert code == 2
    assert err.strip()
    assert not (tmp_path / "x.db").exists()


def test_bad_usage_through_the_real_entry_point(tmp_path: Path) -> None:
    result = run("demo", "--applications", "0", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "--applications" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_demo_of_10000_applications_is_fast(tmp_path: Path) -> None:
    db = tmp_path / "demo10k.db"
    started = time.perf_counter()
    result = run("demo", "--applications", "10000", "--db", str(db))
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 60, elapsed
    assert len(applications(db)) == 10_000


# --- backup ----------------------------------------------------------------------------------

def test_backup_to_a_chosen_file_and_to_the_backups_folder(tmp_path: Path, seeded: Path) -> None:
    db = copy_db(seeded, tmp_path / "mine.db")
    out = tmp_path / "copies" / "b.db"
    result = run("backup", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert applications(out) == applications(db)
    result = run("backup", "--db", str(db))
    assert result.returncode == 0, result.stderr
    made = Path(result.stdout.strip())
    assert made.parent == tmp_path / "backups" and made.is_file()
    assert applications(made) == applications(db)


def test_backup_of_a_missing_database_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "backup", "--db", str(tmp_path / "nothing.db"))
    assert code == 2 and "no database" in err.lower()
    assert not (tmp_path / "nothing.db").exists()


def test_backup_into_a_folder_that_cannot_be_made(tmp_path: Path, seeded: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = cli(capsys, "backup", "--db", str(seeded), "--out", str(blocker / "b.db"))
    assert code == 2 and err.strip()


# --- restore ---------------------------------------------------------------------------------

def test_restore_replaces_the_database_and_backs_up_the_old_one(tmp_path: Path,
                                                               seeded: Path) -> None:
    backup = copy_db(seeded, tmp_path / "good-backup.db")
    db = tmp_path / "now.db"
    assert run("demo", "--applications", "25", "--seed", "9", "--db", str(db)).returncode == 0
    replaced = applications(db)
    result = run("restore", str(backup), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert applications(db) == applications(seeded)
    saved = sorted((tmp_path / "backups").glob("now.db.*-before-restore.db"))
    assert len(saved) == 1 and applications(saved[0]) == replaced
    assert str(saved[0]) in result.stdout
    assert run("check", "--db", str(db)).returncode == 0


def test_restore_onto_a_new_path(tmp_path: Path, seeded: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "fresh" / "n.db"
    code, _, err = cli(capsys, "restore", str(seeded), "--db", f"sqlite:///{db}")
    assert code == 0, err
    assert applications(db) == applications(seeded)


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * 2: 4096 * 3] = os.urandom(4096)
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()


@pytest.mark.parametrize("spoil", ["truncated", "garbage_pages", "text", "empty", "newer",
                                   "not_ours", "missing"])
def test_restore_refuses_a_bad_candidate_leaving_both_files_alone(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str], spoil: str) -> None:
    db = copy_db(seeded, tmp_path / "current.db")
    candidate = copy_db(seeded, tmp_path / "candidate.db")
    if spoil == "truncated":
        candidate.write_bytes(candidate.read_bytes()[:6000])
    elif spoil == "garbage_pages":
        _corrupt(candidate)
    elif spoil == "text":
        candidate.write_text("company,role\nAcme,Engineer\n")
    elif spoil == "empty":
        candidate.write_bytes(b"")
    elif spoil == "newer":
        _newer(candidate)
    elif spoil == "not_ours":
        candidate.unlink()
        con = sqlite3.connect(candidate)
        con.execute("CREATE TABLE applications (x)")
        con.commit()
        con.close()
    elif spoil == "missing":
        candidate.unlink()
    before_db = digest(db)
    before_candidate = digest(candidate) if candidate.exists() else None
    code, out, err = cli(capsys, "restore", str(candidate), "--db", str(db))
    assert code == 2, out
    assert err.strip() and len(err.strip().splitlines()) == 1
    assert digest(db) == before_db
    if before_candidate is not None:
        assert digest(candidate) == before_candidate
    assert not (tmp_path / "backups").exists()  # refused before anything was written
    assert not list(tmp_path.glob("*.restore-part"))


def test_restore_refuses_a_corrupt_candidate_through_the_real_entry_point(
        tmp_path: Path, seeded: Path) -> None:
    db = copy_db(seeded, tmp_path / "current.db")
    candidate = copy_db(seeded, tmp_path / "candidate.db")
    _corrupt(candidate)
    before = digest(db), digest(candidate)
    result = run("restore", str(candidate), "--db", str(db))
    assert result.returncode == 2 and "Nothing was changed" in result.stderr
    assert (digest(db), digest(candidate)) == before


def test_restore_refuses_to_replace_a_file_that_is_not_ours(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    theirs = tmp_path / "theirs.db"
    con = sqlite3.connect(theirs)
    con.execute("CREATE TABLE photos (x)")
    con.commit()
    con.close()
    before = digest(theirs)
    code, _, err = cli(capsys, "restore", str(seeded), "--db", str(theirs))
    assert code == 2 and "not a Next Round database" in err
    assert digest(theirs) == before


def test_restore_over_a_damaged_database_keeps_a_raw_copy(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_db(seeded, tmp_path / "broken.db")
    _corrupt(db)
    damaged = db.read_bytes()
    assert cli(capsys, "check", "--db", str(db))[0] == 1
    code, _, err = cli(capsys, "restore", str(seeded), "--db", str(db))
    assert code == 0, err
    assert applications(db) == applications(seeded)
    kept = list((tmp_path / "backups").glob("broken.db.*-before-restore-damaged.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged


def test_restore_is_seen_by_a_store_that_is_already_open(tmp_path: Path, seeded: Path) -> None:
    """In process: an open app keeps working and sees the restored data straight away."""
    db = tmp_path / "open.db"
    store = Store(db)
    assert store.is_empty()
    result = restore_database(db, seeded, check_rows=transfer.stored_value_problems)
    assert store.count("applications") == 300
    assert result.counts["applications"] == 300 and result.previous_backup is not None
    assert Store(result.previous_backup).is_empty()
    assert store.integrity_problems(transfer.stored_value_problems) == []


def test_restore_of_a_backup_with_another_page_size(tmp_path: Path, seeded: Path) -> None:
    """SQLite can't copy between page sizes into a WAL file; restore matches them first."""
    candidate = tmp_path / "8k.db"
    con = sqlite3.connect(seeded)
    con.execute(f"VACUUM INTO '{candidate}'")
    con.close()
    con = sqlite3.connect(candidate, isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA page_size = 8192")
    con.execute("VACUUM")
    con.close()
    before = digest(candidate)
    db = tmp_path / "4k.db"
    store = Store(db)
    restore_database(db, candidate, check_rows=transfer.stored_value_problems)
    assert store.count("applications") == 300 and store.integrity_problems(
        transfer.stored_value_problems) == []
    assert digest(candidate) == before


def test_restore_of_an_older_schema_migrates_it(tmp_path: Path) -> None:
    old = tmp_path / "v1.db"
    con = old_database(old, 1)
    con.execute("INSERT INTO applications (company, applied_on, stage, stage_on, created_at,"
                " updated_at) VALUES ('Old Co', '2025-01-02', 'applied', '2025-01-02',"
                " '2025-01-02T09:00:00', '2025-01-02T09:00:00')")
    con.commit()
    con.close()
    db = tmp_path / "now.db"
    Store(db)
    restore_database(db, old, check_rows=transfer.stored_value_problems)
    store = Store(db)
    assert store.schema_version() == SCHEMA_VERSION and store.count("applications") == 1


def test_restore_of_the_database_onto_itself_is_refused(
        tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_db(seeded, tmp_path / "self.db")
    before = digest(db)
    code, _, err = cli(capsys, "restore", str(db), "--db", str(db))
    assert code == 2 and "itself" in err
    assert digest(db) == before


# --- check -----------------------------------------------------------------------------------

def test_check_a_good_database(seeded: Path) -> None:
    before = digest(seeded)
    result = run("check", "--db", str(seeded))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout
    assert digest(seeded) == before  # a check never writes


def test_check_finds_damage_and_exits_1(tmp_path: Path, seeded: Path) -> None:
    db = copy_db(seeded, tmp_path / "damaged.db")
    _corrupt(db)
    before = digest(db)
    result = run("check", "--db", f"sqlite:///{db}")
    assert result.returncode == 1
    assert "damaged" in result.stderr or "integrity" in result.stderr
    assert digest(db) == before


def test_check_finds_a_broken_link_and_exits_1(tmp_path: Path, seeded: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_db(seeded, tmp_path / "links.db")
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("DELETE FROM applications WHERE id = 1")  # its events now point nowhere
    con.commit()
    con.close()
    code, _, err = cli(capsys, "check", "--db", str(db))
    assert code == 1 and "broken link" in err


@pytest.mark.parametrize("case", ["missing", "newer", "text"])
def test_check_refuses_what_it_cannot_check(tmp_path: Path, seeded: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            case: str) -> None:
    db = tmp_path / "x.db"
    if case == "newer":
        shutil.copy(copy_db(seeded, tmp_path / "n.db"), db)
        _newer(db)
    elif case == "text":
        db.write_text("hello")
    code, _, err = cli(capsys, "check", "--db", str(db))
    assert code == 2 and err.strip()
    assert db.exists() == (case != "missing")


def test_review_writes_the_week_with_its_charts(tmp_path: Path, seeded: Path) -> None:
    out = tmp_path / "week.md"
    result = run("review", "--week", "2026-W47", "--out", str(out), "--db", str(seeded))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# My week: 2026-W47")
    assert "(week-applications-per-week.png)" in text
    assert (tmp_path / "week-applications-per-week.png").read_bytes().startswith(b"\x89PNG")


def test_review_leaves_wellbeing_out_unless_asked(tmp_path: Path, seeded: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A review is often shared: the check-in (the demo has one in 2026-W47) and its chart
    are in it only with --with-wellbeing, and then its first lines say so."""
    from nextround import review

    shared = tmp_path / "shared.md"
    code, out, err = cli(capsys, "review", "--week", "2026-W47", "--out", str(shared),
                         "--db", str(seeded))
    assert code == 0, err
    text = shared.read_text(encoding="utf-8")
    assert "How I was doing" not in text and "WHO-5" not in text
    assert review.WELLBEING_INCLUDED not in text
    assert not (tmp_path / "shared-wellbeing.png").exists() and "1 chart" in out

    mine = tmp_path / "mine.md"
    code, out, err = cli(capsys, "review", "--week", "2026-W47", "--out", str(mine),
                         "--with-wellbeing", "--db", str(seeded))
    assert code == 0, err
    text = mine.read_text(encoding="utf-8")
    assert text.splitlines()[4] == review.WELLBEING_INCLUDED
    assert "## How I was doing" in text and "- Wellbeing (WHO-5): " in text
    assert (tmp_path / "mine-wellbeing.png").read_bytes().startswith(b"\x89PNG")
    assert "(mine-wellbeing.png)" in text and "2 charts" in out


def test_review_refuses_a_bad_week_and_writes_nothing(tmp_path: Path, seeded: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "review", "--week", "2026-W99", "--out",
                       str(tmp_path / "w.md"), "--db", str(seeded))
    assert code == 2 and "2026-W48" in err
    assert not (tmp_path / "w.md").exists()


def test_our_own_csv_of_demo_data_imports_into_an_empty_database(tmp_path: Path,
                                                                  seeded: Path) -> None:
    """Our export may hold look-alike rows (same company, role and day); importing it into an
    empty database must still reproduce it, duplicates included."""
    sheet = tmp_path / "apps.csv"
    assert run("export", "--out", str(sheet), "--db", str(seeded)).returncode == 0
    target = tmp_path / "empty.db"
    result = run("import", str(sheet), "--db", str(target))
    assert result.returncode == 0, result.stderr
    assert len(applications(target)) == len(applications(seeded))
