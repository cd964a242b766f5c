"""Every page at phone and desktop width, on a new user's three applications and on a
thousand: nothing wider than the screen, nothing cut off at its edge, and screenshots for a
person to look at (tests/e2e/screenshots/layout-*)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page

from nextround import demo
from nextround.models import Stage
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import TODAY, AppServer, goto, no_app_errors, screenshot

PAGES = ["", "applications", "respond", "feedback", "reflect", "checkin", "data"]
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}

# Elements whose right or left edge lies outside the window: content a reader can't reach
# without scrolling the whole page sideways, or that is cut off by a clipping parent (a tab
# label hidden past the edge, a badge half shown). Scrollers meant to scroll sideways (a data
# grid) are left out: their cells are reached by scrolling the grid itself.
OUTSIDE_THE_WINDOW = """() => {
  const width = window.innerWidth;
  const scrollers = '[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"], ' +
                    '.stDataFrameGlideDataEditor, [data-testid="stTable"]';
  const found = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= width + 1 && box.left >= -1) continue;
    if (el.closest(scrollers)) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (parent.right > width + 1 || parent.left < -1) continue;  // its parent is named
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const name = (el.getAttribute('data-testid') || el.tagName.toLowerCase());
    const words = (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40);
    found.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}] ${words}`);
    if (found.length >= 8) break;
  }
  return {page: document.documentElement.scrollWidth, window: width, outside: found};
}"""


def _three(db: Path) -> None:
    """A new user's first weeks: three applications, one of them already a no."""
    store = Store(db)
    factories.application(store, "Acme Health", role="Data analyst",
                          applied_on="2026-11-10", stages=[(Stage.SCREENING, "2026-11-14")])
    factories.application(store, "Globex", role="Analytics engineer", applied_on="2026-11-17")
    factories.application(store, "Initech", role="Business intelligence developer",
                          applied_on="2026-11-18", stages=[(Stage.REJECTED, "2026-11-24")])
    store.dispose()


def _thousand(db: Path) -> None:
    store = Store(db)
    demo.fill(store, applications=1000, seed=11, today=date.fromisoformat(TODAY))
    store.dispose()


@pytest.fixture(scope="module", params=["3", "1000"])
def sized_server(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, AppServer]]:
    """One server per size, seeded before any page opened its database; the tests only read."""
    folder = tmp_path_factory.mktemp(f"layout-{request.param}")
    (_three if request.param == "3" else _thousand)(folder / "e2e.db")
    app = AppServer(folder / "e2e.db", folder / "streamlit.log").wait_ready()
    yield request.param, app
    app.stop()


@pytest.mark.parametrize("size", list(SIZES))
def test_no_page_is_wider_than_the_screen(page: Page, sized_server: tuple[str, AppServer],
                                          size: str) -> None:
    applications, server = sized_server
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    problems = {}
    for path in PAGES:
        goto(page, server.url, path)
        no_app_errors(page)
        found = page.evaluate(OUTSIDE_THE_WINDOW)
        if found["page"] > found["window"] or found["outside"]:
            problems[path or "progress"] = found
        _whole_page(page, f"layout-{path or 'progress'}-{applications}-{size}", width, height)
    assert problems == {}


def _whole_page(page: Page, name: str, width: int, height: int) -> None:
    """A screenshot of the whole page: the window made as tall as the page's content (the
    page scrolls inside Streamlit's main area, which a full-page screenshot doesn't see)."""
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(tall, height), 9000)})
    page.wait_for_timeout(300)  # charts redraw to the new size
    screenshot(page, name)
    page.set_viewport_size({"width": width, "height": height})
