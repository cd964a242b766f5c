"""Shared fixtures. Every test gets its own database and a pinned "today"."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator

# Users see no error details (.streamlit/config.toml); tests need them to explain a failure.
os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
import streamlit as st
from hypothesis import HealthCheck, settings
from streamlit.testing.v1 import AppTest

from nextround import housekeeping, transfer
from nextround.store import Store
from tests.engines import (  # noqa: F401 - fixtures: a database URL per engine
    TEST_ENGINE,
    engine_name,
    engine_url,
    new_database_url,
    postgres_databases,
    postgres_url,
)

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TODAY = date(2026, 11, 25)

settings.register_profile("nextround", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("nextround")


@pytest.fixture(autouse=True)
def _show_error_details() -> None:
    """Users see no error details (.streamlit/config.toml); a failing test must explain itself."""
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Iterator[Path | str]:
    """A fresh database and a pinned date for every test; caches cleared both ways.

    The database is a new SQLite file (its path), or, in the PostgreSQL pass
    (`NEXTROUND_TEST_ENGINE=postgresql`, see tests/engines.py), the worker's PostgreSQL
    database just emptied (its URL): the app, the command line and `store` all open it
    through `NEXTROUND_DB`, so the same test runs on both engines."""
    on_server = TEST_ENGINE == "postgresql" and request.node.get_closest_marker(
        "sqlite_only") is None
    databases = request.getfixturevalue("postgres_databases") if on_server else None
    db: Path | str = databases.empty_shared() if databases else tmp_path / "nextround.db"
    monkeypatch.setenv("NEXTROUND_DB", str(db))
    # A server's backups and demo go here (a file's sit beside it): never into data/.
    monkeypatch.setenv("NEXTROUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEXTROUND_TODAY", TODAY.isoformat())
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    # A page's housekeeping (the daily backup, on its own thread) ends with its test.
    assert housekeeping.wait_all(60), "a housekeeping run outlived its test"
    st.cache_data.clear()
    st.cache_resource.clear()
    if databases:
        databases.check_shared()


@pytest.fixture
def store(isolated: Path | str) -> Iterator[Store]:
    """The same database the app under test will open."""
    opened = Store(isolated)
    yield opened
    opened.dispose()  # a server counts its connections: give them back after each test


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL pass, leave out what the SQLite pass already ran: tests of SQLite's
    files (`sqlite_only`) and the SQLite half of tests that run on each engine themselves."""
    if TEST_ENGINE != "postgresql":
        return
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        sqlite_half = params.get("engine_name") == "sqlite"
        (drop if item.get_closest_marker("sqlite_only") or sqlite_half else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def open_page(page: str | None = None, *, via_app: bool = True, timeout: float = 30) -> AppTest:
    """Run a page both ways (docs/ARCHITECTURE.md): through app.py + switch_page, or alone.

    `page` is the file path relative to the project, e.g. "app_pages/progress.py".
    """
    if via_app:
        at = AppTest.from_file(APP, default_timeout=timeout).run()
        if page is not None:
            at.switch_page(page).run()
    else:
        at = AppTest.from_file(str(ROOT / (page or "app.py")), default_timeout=timeout).run()
    return at


def chart_frames(at: AppTest) -> list:
    """The data each Altair chart sent to the browser, as DataFrames (one per dataset)."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frames.append(pa.ipc.open_stream(dataset.data.data).read_all().to_pandas())
    return frames


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line's entry point in this process (quicker than a subprocess, for the
    many refusal cases): exit code, stdout, stderr. Never a traceback."""
    from nextround.__main__ import main

    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def digest(path: Path) -> str:
    """A file's content, to show it is byte-identical after a refusal."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def old_database(path: Path, version: int) -> sqlite3.Connection:
    """A database built by the frozen migration steps up to `version`, as an older Next
    Round left it: open, for the test to fill; commit and close it before opening a Store."""
    from nextround.store import APPLICATION_ID, MIGRATIONS

    con = sqlite3.connect(path)
    for step in MIGRATIONS[:version]:
        for statement in step:
            con.execute(statement)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {version}")
    return con


GATE_S = 20  # how long a gated job waits at most: far longer than any test waits for it


class GatedBackup:
    """A housekeeping job: the real daily backup, held until `release()`, so a test can act
    while a backup is in progress. Counts its runs and how many ran at once."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.calls = 0
        self.inside = 0
        self.most_inside = 0
        self._lock = threading.Lock()

    def __call__(self, store: Store, today: date) -> Path | None:
        with self._lock:
            self.calls += 1
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        self.entered.set()
        try:
            self.gate.wait(GATE_S)
            return transfer.daily_backup(store, today)
        finally:
            with self._lock:
                self.inside -= 1

    def release(self) -> None:
        self.gate.set()


def open_panel(at: AppTest, key: str, value: object = True) -> AppTest:
    """Open a tab (`value`: its label) or an expander (True) keyed `key`, as a click on it
    does, and run: a form in it is drawn from its first opening on (`ui.opened_once`)."""
    at.session_state[key] = value
    return at.run()
