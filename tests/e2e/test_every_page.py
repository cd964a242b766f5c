"""Checks on every page in a real browser: no errors, no foreign requests, user text stays
literal, accessibility (axe-core), and screenshots in light and dark, desktop and phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from nextround.models import Stage
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import AppServer, Watch, goto, no_app_errors, screenshot

PAGES = ["", "applications", "respond", "feedback", "reflect", "checkin", "data"]
PAYLOADS = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![t](http://example.com/p.png)", "$5k–$10k", ":red[x]"]
TODAY = date(2026, 11, 25)
# Parts of the page that Streamlit draws itself and we can't change: its navigation list
# nests <li> in section <div>s (axe "list"/"listitem"). See docs/decisions.md.
STREAMLIT_OWNED = {"exclude": [['[data-testid="stSidebarNav"]']]}


def seed_hostile(db) -> None:
    """Applications whose every text field is an injection payload, at several stages."""
    store = Store(db)
    for i, payload in enumerate(PAYLOADS):
        factories.application(store, f"{payload} Co", role=payload,
                              applied_on=f"2026-10-{10 + i:02d}", location=payload,
                              source=payload, notes=payload,
                              stages=[(Stage.REJECTED, f"2026-11-{10 + i:02d}")])
    store.dispose()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page, context=STREAMLIT_OWNED)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One server for this module's tests, which only read: each opens its own browser
    session, as a returning user would. Seeded before any page opened the database."""
    folder = tmp_path_factory.mktemp("hostile")
    seed_hostile(folder / "e2e.db")
    app = AppServer(folder / "e2e.db", folder / "streamlit.log").wait_ready()
    yield app
    app.stop()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_is_clean_private_and_accessible(page: Page, hostile_server: AppServer,
                                              path: str, scheme: str) -> None:
    server = hostile_server
    page.emulate_media(color_scheme=scheme)  # axe checks contrast in both themes
    watch = Watch(page, server.url)
    goto(page, server.url, path)
    no_app_errors(page)
    expect(page.get_by_role("button", name="Get support")).to_be_visible()
    assert watch.dialogs == [], "user text was executed as script"
    assert watch.foreign_requests() == [], "the page asked another host for something"
    assert watch.errors() == []
    background = page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
    assert background == {"light": "rgb(251, 250, 247)", "dark": "rgb(20, 25, 26)"}[scheme]
    assert serious_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_looks_right_in_light_dark_and_on_a_phone(page: Page,
                                                             hostile_server: AppServer,
                                                             scheme: str, size: str) -> None:
    """Saves screenshots for a person to look at (tests/e2e/screenshots/)."""
    server = hostile_server
    width, height = (1280, 900) if size == "desktop" else (390, 844)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": height})
    for path in PAGES:
        goto(page, server.url, path)
        no_app_errors(page)
        screenshot(page, f"page-{path or 'progress'}-{scheme}-{size}")
