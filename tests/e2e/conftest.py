"""Browser tests: the real app under `streamlit run`, driven by Debian's Chromium.

`playwright install` can't download browsers here, so the system Chromium is launched by
path. Without it the tests skip, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
TODAY = "2026-11-25"
_STCORE_PROBE = re.compile(r"^/[^/]+(/[^/]+)*/_stcore/(health|host-config)$")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}. Install it: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    """Every browser test waits up to 15 s for what it expects (Playwright's default is 5 s):
    the suite runs two workers on two cores, and a rerun that waits for a core took longer
    than 5 s once (the check-in's replace prompt). Modules may ask for more."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """One `streamlit run` on a free loopback port, with its own database file."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.log = log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "NEXTROUND_DB": str(db), "NEXTROUND_TODAY": TODAY,
               "PYTHONPATH": str(ROOT)}
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless=true", "--server.address=127.0.0.1",
             f"--server.port={self.port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 40) -> AppServer:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as resp:
                    if resp.read() == b"ok":
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start; see {self.log}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    """A fresh server and database per test, so journeys never depend on each other."""
    app = AppServer(tmp_path / "e2e.db", tmp_path / "streamlit.log").wait_ready()
    yield app
    app.stop()


@pytest.fixture
def seeded_server(server: AppServer) -> AppServer:
    """A server over a database already filled with 300 demo applications (seeded before
    any page opened it)."""
    from nextround import demo
    from nextround.store import Store

    store = Store(server.db)
    demo.fill(store, applications=300, seed=7, today=date.fromisoformat(TODAY))
    store.dispose()
    return server


class Watch:
    """Records what the page asks for and complains about, for the privacy checks."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.failed: list[str] = []
        self.base = urlparse(base_url)
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message),
                                          dialog.dismiss()))

    def _on_response(self, response) -> None:  # noqa: ANN001
        # Opened by deep link (/applications), Streamlit first probes /applications/_stcore/…
        # and falls back to /_stcore/… on a 404. That probe is Streamlit's, not an error.
        if response.status >= 400 and not _STCORE_PROBE.search(urlparse(response.url).path):
            self.failed.append(f"{response.status} {response.url}")

    def _on_console(self, message) -> None:  # noqa: ANN001
        # Failed loads are judged from the responses above, which carry the URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def errors(self) -> list[str]:
        return self.console_errors + self.failed

    def foreign_requests(self) -> list[str]:
        foreign = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.hostname != self.base.hostname or parsed.port != self.base.port:
                foreign.append(url)
        return foreign


@pytest.fixture
def watch(page: Page, server: AppServer) -> Watch:
    return Watch(page, server.url)


def wait_idle(page: Page, timeout: float = 20_000) -> None:
    """Wait until the script has finished and no skeleton placeholders remain.

    The short pause first lets a click's rerun begin: right after a click the app may still
    report the previous run as finished."""
    page.wait_for_timeout(120)
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    stale = page.locator('[data-stale="true"]')
    # A page that saves and then calls st.rerun() stops between its two runs, with the old
    # run's elements still on the page (marked stale): idle means no stale element either,
    # and still idle a moment later.
    for _ in range(int(timeout / 150)):
        idle.wait_for(state="attached", timeout=timeout)
        expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=timeout)
        expect(stale).to_have_count(0, timeout=timeout)
        page.wait_for_timeout(150)
        if idle.count() == 1 and stale.count() == 0:
            break
    settled(page, timeout)


# Finite animations still running: an expander opening (a 500 ms animation of its <details>),
# a button's colour fading. Spinners loop for ever and are left out.
_MOVING = """() => document.getAnimations().filter(a => a.playState === 'running'
    && Number.isFinite(a.effect?.getComputedTiming().endTime)).length === 0"""


def settled(page: Page, timeout: float = 20_000) -> None:
    """Wait until nothing on the page is still moving. A click while an expander opens can
    press the button in one place and release it in another, and the browser then sends no
    click at all (a lost form submit in CI, stop 24)."""
    page.wait_for_function(_MOVING, timeout=timeout)


def open_expander(page: Page, label: str, within: Locator | None = None) -> None:
    """Open an expander by its label, as a user does, and wait until it has finished opening:
    an expander drawn only while open reruns the page first, and animates again when its
    content arrives (`wait_idle` ends with `settled`)."""
    (within or page).locator('[data-testid="stExpander"] summary', has_text=label).click()
    wait_idle(page)


def goto(page: Page, base_url: str, path: str = "") -> None:
    page.goto(f"{base_url}/{path}")
    wait_idle(page)


def nav(page: Page, title: str) -> None:
    """Open a page from the sidebar navigation, as a user would."""
    link = page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first
    href = link.get_attribute("href")
    link.click()
    if href:  # the old page reports "not running" until the new one starts: wait for the URL
        page.wait_for_url(f"**{urlparse(href).path}*", timeout=20_000)
    wait_idle(page)


def no_app_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under tests/e2e/screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def clipboard_holds(page: Page, text: str, timeout: float = 10_000) -> None:
    """Wait until the clipboard holds `text` (trailing blank lines aside)."""
    copied = None
    for _ in range(int(timeout / 100)):
        copied = page.evaluate("navigator.clipboard.readText()")
        if copied.strip() == text.strip():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the clipboard holds {copied!r}, not the email text")
